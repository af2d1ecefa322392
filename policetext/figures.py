"""Figures: every number an article reports, with its unit, kind and context.

One scan of the normalised text with compiled patterns, in priority order:
dates, fractions and percentages, ranks, then numbers with a measure word.
Candidates overlapping an exclusion (names, slogans, hotlines, idioms: see
``data/figure_exclusions.txt``) are dropped. What counts follows
``GUIDELINES.md`` of the gold standard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import cached_property
from typing import Any, NamedTuple

from policetext.datafiles import shipped_lines
from policetext.document import Document
from policetext.memo import Memo
from policetext.numerals import SCALES, adjacent_range, parse_number
from policetext.patterns import first_chars
from policetext.text import HAN

KINDS = ("count", "percent", "money", "duration", "rank", "ratio", "date")
# approximation words as written → as reported (接近 → 近, 超过 → 超)
APPROX_WORDS = {
    **{w: w for w in ("近", "约", "超", "逾", "过", "余", "多", "以上", "左右")},
    **{"接近": "近", "将近": "近", "大约": "约", "超过": "超"},
}

#: a space inside a number or between it and its unit, as text taken out of a PDF
#: has it (3 月 9 日, 约 26 克, 42.7 %): one space, no-break or thin space
_SP = "[ \u00a0\u2009\u202f]"
# digits, grouped by commas or by spaces (48 316: Hong Kong and Macao) or by a
# full-width comma (1，200: else read as 200); a space or full-width comma group
# after four digits or more is no group (numerals.py does not read it)
_AR = rf"\d+(?:(?:,\d{{3}})+|(?:[{_SP[1:-1]}，]\d{{3}}(?!\d))+)?(?:\.\d+)?"
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿廿卅"
_CN = f"[{_CN_CHARS}]+(?:点[零〇一二三四五六七八九]+[万亿]?)?"
# a number: digits with scale characters (1.6万, 450 万) and mixed scales (2亿4570万,
# 2236万5000, 3万1,406, 3万两千), or a Chinese numeral (三点五亿, 两万3000)
_NUM = (
    rf"(?:{_AR}(?:{_SP}?[十百千万亿]+{_SP}?(?:[零〇]?{_AR}|[{_CN_CHARS}]+))*"
    rf"(?:{_SP}?[十百千万亿]+)?"
    rf"|{_CN}(?:{_AR}[十百千万亿]*)?)"
)
# (将近 is read from 近, one character back: 将 starts too many words to be tried)
_PRE = rf"(?:(?P<pre>接近|大约|超过|近|约|超|逾|过){_SP}?)?"
#: 过, 近, 约 are no approximation words where they end a word (经过, 最近, 预约)
_NOT_APPROX_AFTER = {"过": "经通度越穿不错路跨闯", "近": "最附", "约": "预签相制节违合邀"}
#: a run of the characters approximation words and numerals are written with
_NUMERAL_RUN = rf"[接近大约超过逾\d,，.{_SP[1:-1]}{_CN_CHARS}点]*+"
_YEAR = r"(?:(?<!\d)\d{4}(?!\d)|[〇○零一二三四五六七八九]{4}|[〇○零一二三四五六七八九]{2}(?=年))"
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = (
    r"(?:3[01]|[12]\d|0?[1-9]|三十一?|[二]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?"
    r"|[一二三四五六七八九])"
)
# a lunar day, written without 日: 初九, 十五, 廿三
_LUNAR_DAY = (
    r"(?:初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?"
    r"|廿[一二三四五六七八九]?|三十)"
)
#: lunar months with a name of their own, and their number (正月 → 1)
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}

_REL = r"(?:今年|去年|明年|前年|同年|当年|上年)"
# what ends the stretch a figure's change is read in, and the context it is shown in
_CLAUSE_END = "，。；！？\n、：“”"
_CONTEXT_END = "，。；！？\n"
# how far those stretches run from a figure. Leftwards both are read in one match on the
# reversed text, in C: the clause (the match, at most 40 characters back to a clause
# end) and the context (group 1, at most 30 characters back to a sentence or comma)
_LEFT_RUNS = re.compile(f"(?=([^{_CONTEXT_END}]{{0,30}}))[^{_CLAUSE_END}]{{0,40}}")
_CONTEXT_RUN = re.compile(f"[^{_CONTEXT_END}]{{0,30}}")
_UP_WORDS = "上升 提升 提高 增长 增加 上涨 攀升 增幅 增至 升至 扩大".split()
_DOWN_WORDS = "下降 减少 降低 缩短 下滑 减小 压降 降幅 回落 降至 缩减".split()
# one scan for both directions: no up word shares a first or last character with a
# down word (tests/test_figures.py checks), so their matches never overlap and the
# last match of the one scan is the last match of either list alone
_CHANGE = re.compile(f"({'|'.join(_UP_WORDS)})|({'|'.join(_DOWN_WORDS)})")
_BASE = re.compile(r"(同比|环比|(?:比|较)(?:去年|上年|上一年|前年)(?:同期)?)")
_QUOTED = re.compile(r"“[^“”\n]{1,14}”|‘[^‘’\n]{1,14}’|「[^「」\n]{1,14}」")
_RANK_LEAD = re.compile(r"(列|排名|排在|排|位列|位居|居|名列|全[省市县区国州盟旗港澳岛台])")


@dataclass(frozen=True)
class FigureRecord:
    """One figure; ``text == document.text[start:end]``."""

    doc: str
    start: int
    end: int
    text: str
    value: int | float
    max: int | float | None
    unit: str
    kind: str
    approx: str | None
    change: str | None
    base: str | None
    context: str
    #: ISO 4217 code of a sum of money (CNY for 元, HKD for 港元 …), else ``None``
    currency: str | None = None
    #: what the figure counts and the verb that reports it (see facts.py); "" if none
    subject: str = ""
    event: str = ""
    #: the period it holds for: the ISO value of the date governing it (see dates.py)
    when: str = ""
    #: of a date figure: the calendar date it names, in ISO 8601 at the precision written
    iso: str | None = None
    #: the same value, unit and subject were reported earlier in the document
    repeat: bool = False

    def as_row(self) -> dict[str, Any]:
        # every field holds a plain value: a shallow dict is asdict() without its
        # deep copies (a third of the time of figures on a large corpus)
        return {name: getattr(self, name) for name in _ROW_FIELDS}


_ROW_FIELDS = tuple(f.name for f in dataclass_fields(FigureRecord))
#: the order of a figure's columns in every output (a row's keys are its fields)
FIGURE_COLUMNS = (
    "doc",
    "start",
    "end",
    "text",
    "value",
    "max",
    "unit",
    "currency",
    "kind",
    "approx",
    "change",
    "base",
    "subject",
    "event",
    "when",
    "iso",
    "repeat",
    "context",
)


@dataclass(frozen=True)
class _Unit:
    kind: str
    unit: str
    scale: int
    digits_only: bool = False  # 方, 发: a unit only after Arabic digits (双方, 两发)
    not_before: str = ""  # characters that make it the start of a noun (部 before 门)


#: a count as read from its text: value, max, unit, kind, approx as reported
_CountFields = tuple[int | float, int | float | None, str, str, str | None]


class _Checks(NamedTuple):
    """What of its context a count's reading depends on, when anything does."""

    not_before: str  # characters after the unit that make it the start of a noun
    year: bool  # three digits and 年: maybe a year of the Republic (111年)
    weekday: bool  # one Chinese digit and 起: maybe 周五起
    pre: str | None  # 近, 过, 约: maybe the end of a word before it (将近, 经过, 预约)
    currency: bool  # 元: maybe a currency written before it (新台币1,200万元)
    hundred: bool  # a bare 百 (百呎): a hundred unless a word before makes it vague (数百)


#: a figure as read from a match: start, end, then the fields of a count
_Reading = tuple[int, int, int | float, int | float | None, str, str, str | None]
#: distinct count texts remembered per extractor before the memory starts afresh
_KEPT_READINGS = 100_000
#: what that memory gives for a text it does not hold
_UNREAD = object()
# the groups of each rank branch: the figure is the 第… part of the match
_RANK_GROUPS = {"rank_lead": "rl", "rank_name": "rn", "rank_first": "rf", "rank_bare": "rb"}
# what may follow a year: its month and day, or 度, 底, 初, 末 (111年度, 112年3月5日)
_YEAR_TAIL = re.compile(
    rf"(?:{_SP}?{_MON}{_SP}?月份?(?:{_SP}?{_DAY}{_SP}?[日号])?|度|底|初|末)(?:度|底|初|末)?"
)
# what makes a three-digit number of years a span, not a year (110年来, 120年历史)
_NOT_A_YEAR_AFTER = re.compile(rf"{_SP}?[来前后内间以之多余历的]")
# what before a bare 百 makes it vague or part of a word (数百, 上百, 成百, 老百姓)
_VAGUE_BEFORE_HUNDRED = "数几上成好老一两三四五六七八九十零〇"
_APPROX_BEFORE = re.compile(rf"(接近|大约|超过|近|约|超|逾|过){_SP}?$")
_CLOCK_AFTER = re.compile(r"\s?\d{1,2}[:：][0-5]\d")
# words before a number of days that make it a span, not a day of the month
_DURATION_CUE = re.compile(
    r"(?:拘留|拘役|羁押|禁闭|隔离|为期|历时|连续|长达|持续|停业|用时|耗时|期限)\s?$"
)


def _as_reported(approx: str | None) -> str | None:
    """An approximation word as reported (接近 → 近), or ``None``."""
    return APPROX_WORDS.get(approx) if approx else None


class FigureExtractor:
    """Compiled patterns and word lists for figures; build once, reuse."""

    def __init__(self) -> None:
        # what each distinct count text reads as (see _read_count); bounded
        self._count_fields: Memo[str, tuple[_CountFields, _Checks | None] | None] = Memo(
            _KEPT_READINGS
        )

    @cached_property
    def units(self) -> dict[str, _Unit]:
        table = {}
        for line in shipped_lines("figure_units.txt"):
            written, kind, unit, scale, *flags = line.split("\t")
            not_before = "".join(f[4:] for f in flags if f.startswith("not="))
            table[written] = _Unit(kind, unit, int(scale), "digits" in flags, not_before)
        return table

    @cached_property
    def _currency_before(self) -> re.Pattern[str]:
        """A currency word (not 元 or 人民币: they are the unit 元) ending where a sum
        of 元 starts, with a space between or none."""
        words = [w for w in self.currencies if w not in ("元", "人民币")]
        return re.compile(f"({_trie_pattern(words)}){_SP}?$")

    @cached_property
    def _currency_after(self) -> re.Pattern[str]:
        """A currency word (not 人民币: it is 元) right after a sum of 元: 30万元港币."""
        words = [w for w in self.currencies if w not in ("元", "人民币")]
        return re.compile(f"({_trie_pattern(words)})")

    @cached_property
    def _currency_starts(self) -> str:
        return "".join({w[0] for w in self.currencies if w not in ("元", "人民币")})

    @cached_property
    def _currency_ends(self) -> str:
        """What a currency word or the space after one ends in: the cheap test."""
        return "".join({w[-1] for w in self.currencies} | set(_SP[1:-1]))

    @cached_property
    def currencies(self) -> dict[str, str]:
        """Currency words as written → ISO 4217 code (港元 → HKD, 元 → CNY)."""
        table = {}
        for line in shipped_lines("figure_currencies.txt"):
            written, code = line.split("\t")
            table[written] = code
        return table

    @cached_property
    def exclusions(self) -> re.Pattern[str]:
        patterns = [line.split("\t", 1)[1] for line in shipped_lines("figure_exclusions.txt")]
        return re.compile(_guarded([(None, _as_trie_if_words(p)) for p in patterns]))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One pattern for every kind, its branches behind first-character tests."""
        return re.compile(_guarded(list(self.branches.items())))

    @cached_property
    def branches(self) -> dict[str, str]:
        """The pattern's branches by kind of figure, tried in this order."""
        units = _trie_pattern(self.units)
        # a month or a day of a year; lunar ones (正月, 初九) are read by their year
        month = rf"(?:(?P<{{0}}_m>{_MON}){_SP}?|[正冬腊])月份?"
        day = rf"(?:{_SP}?(?P<{{0}}_d>{_DAY}){_SP}?[日号]|{_LUNAR_DAY})"
        return {
            # a year: written in full, or Taiwan's year of the Republic (民国110年,
            # (107)年), whose number is kept as written, like a lunar month's; one
            # branch, not two: every branch is tried at every digit. A bare year
            # of the Republic (111年) is matched as a count and read there.
            "date_full": rf"(?:(?P<df_rel>{_REL})?(?P<df_y>{_YEAR})"
            rf"|(?:民国{_SP}?|[（(]{_SP}?(?=\d{{2,3}}{_SP}?[）)]))"
            rf"(?P<df_roc>\d{{1,3}}|[〇零一二三四五六七八九十百]{{1,5}})(?:{_SP}?[）)])?)"
            rf"{_SP}?年(?:{_SP}?{month.format('df')}{day.format('df')}?)?(?P<df_suf>年度|底|初|末|度)?",
            # months, lunar ones with names too (正月初九, 腊月廿三), and the new
            # year's days (大年初六)
            "date_month": rf"(?P<dm_rel>{_REL})?(?<![\d.])(?P<dm_m>{_MON}|[正冬腊](?=月))"
            rf"(?:(?P<dm_sep>至|到|-|—|–|－|~|～|、)(?P<dm_m2>{_MON}))?{_SP}?月份?"
            rf"(?:{_SP}?(?P<dm_d>{_DAY}){_SP}?[日号]|{_LUNAR_DAY})?"
            r"|大年(?P<dm_ny>初[一二三四五六七八九十]|三十)",
            # a day of the month, also after 上月 or 本月 and in brackets ((19)日); 两日
            # and 拘留12日 are spans of days
            "date_day": rf"(?:[（(](?={_DAY}[）)])|(?<![\d.])(?<!(?<![上本下当同次])月))"
            rf"(?P<dd_d>{_DAY}|两)[）)]?{_SP}?日(?![前后])",
            "percent_cn": rf"{_PRE.replace('pre', 'pc_pre')}百分之(?P<pc_n>{_NUM})",
            # 分之 must follow the approximation word and numeral: looked for first (one
            # run of their characters), not after parsing a numeral at every digit
            "fraction": rf"(?={_NUMERAL_RUN}分之){_PRE}(?P<fr_a>{_NUM})分之(?P<fr_b>{_NUM})",
            "half": r"(?:(?P<hf_pre>近|约|超过|超|逾|过)|(?=一))(?:一半|(?<=[近超过逾])半"
            r"(?![年月天日小个钟晌夜辈生世场程]))",
            "rank_lead": rf"(?:列|排名|排在|排|位列|位居|居|名列)[{HAN}]{{0,6}}?"
            rf"(?P<rl>第{_SP}?(?P<rl_n>[一二三四五六七八九十]|\d+)(?:{_SP}?(?P<rl_u>名|位))?)",
            "rank_name": rf"(?P<rn>第{_SP}?(?P<rn_n>[一二三四五六七八九十]+|\d+){_SP}?"
            r"(?P<rn_u>名))",
            # 第一 as a result needs a lead before it (列, 居, 全省: see _RANK_LEAD):
            # 全省第一家, 全市降幅第一的基础上, 居全省第九、全市第一
            "rank_bare": r"(?P<rb>第(?P<rb_n>[一二三四五六七八九十]|\d+)"
            r"(?:(?P<rb_u>家|个(?=实现|完成|建成|开通|推出|获得|获评|通过))"
            rf"|(?![{HAN}\d])|(?=的)))",
            "rank_first": r"(?P<rf>第(?P<rf_n>一)(?P<rf_u>个)"
            r"(?=实现|完成|建成|开通|推出|获得|获评|通过))",
            # money written with a sign before it (HK$1.2亿, $48万, ￥500): the sign is
            # the unit as written (¥ and ￥ are 元)
            # (an approximation word before it is read back from the sign: the scan
            # would try this branch at every 大 of 大约)
            "money_sign": r"(?P<ms_sign>(?:HK|US|MOP|NT)?[$＄]|[¥￥])"
            rf"{_SP}?(?P<ms_n>{_NUM})(?P<ms_post>余|多)?(?:{_SP}?(?P<ms_unit>[千万亿]?元))?",
            # no count starts after Latin letters or digits (G1234次, PM2.5, CA1234)
            "count": rf"{_PRE.replace('pre', 'ct_pre')}(?<![A-Za-z\d.])(?P<ct_n>{_NUM})"
            rf"(?:{_SP}?(?P<ct_sep>至|到|-|~|～|—|–|－){_SP}?(?P<ct_n2>{_NUM}))?"
            rf"(?:(?P<ct_post>余|多)(?P<ct_ps>[十百千万亿]*))?"
            rf"{_SP}?(?:个(?:(?P<ct_post2>多|余)|(?P<ct_half>半))(?P<ct_rest>小时|月|星期|钟头|工作日)"
            rf"|(?P<ct_unit>{units}))(?P<ct_tail>以上|左右)?",
        }

    # ---- the scan --------------------------------------------------------------
    def find(self, text: str, doc: str = "<text>", offset: int = 0) -> list[FigureRecord]:
        """Every figure of a normalised ``text``, in text order; ``offset`` is where
        ``text`` stands in the whole document (a part of a huge input)."""
        backwards = text[::-1]  # where clauses start is read on it (see _left_runs)
        records: list[FigureRecord] = []
        previous: FigureRecord | None = None
        currencies = self.currencies
        for reading in self._readings(text, backwards):
            previous = _record(text, backwards, doc, reading, previous, currencies, offset)
            records.append(previous)
        return records

    def count(self, text: str) -> int:
        """``len(self.find(text))``, without making the records (their change, base
        and context are the costly part): what ``stats`` reports."""
        return sum(1 for _ in self._readings(text, text[::-1]))

    def _readings(self, text: str, backwards: str) -> Iterator[_Reading]:
        """The figures of ``text`` (reversed: ``backwards``) as read, in text order,
        the excluded ones dropped."""
        excluded = self._excluded_mask(text)
        readings: Sequence[_Reading]
        taken = 0  # where the last reading ends: one may take in more than its match
        for match in self.pattern.finditer(text):
            if match.lastgroup == "count":  # most matches: one reading, often seen before
                if match.start() < taken:
                    continue  # the 3月5日 of 112年3月5日, read with the year
                reading = self._read_count(match, text, taken)
                if reading is None:
                    continue
                readings = (reading,)
                taken = reading[1]
            elif match.start() < taken:
                continue
            else:
                try:
                    readings = self._read(match, text, backwards)
                except ValueError:
                    continue  # not a well-formed numeral (万百): not a figure
                if readings:
                    taken = match.end()
            for reading in readings:
                if excluded is not None and excluded.find(1, reading[0], reading[1]) >= 0:
                    continue
                yield reading

    def _excluded_spans(self, text: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in self.exclusions.finditer(text)]
        # short quoted phrases are slogans and names: “四个第一”, “七个一”, “2.18”
        spans += [m.span() for m in _QUOTED.finditer(text)]
        return spans

    def _excluded_mask(self, text: str) -> bytearray | None:
        """A byte per character of ``text``, 1 where an exclusion covers it; ``None``
        when none does. No exclusion is empty (tests/test_figures.py checks), so a
        figure overlaps one exactly when the mask has a 1 within the figure."""
        spans = self._excluded_spans(text)
        if not spans:
            return None
        mask = bytearray(len(text))
        for start, end in spans:
            mask[start:end] = b"\x01" * (end - start)
        return mask

    def _read(self, m: re.Match[str], text: str, backwards: str) -> list[_Reading]:
        """The figures of a match of any kind but count: one, or two (3、4月)."""
        kind = m.lastgroup
        start, end = m.start(), m.end()
        if kind == "date_full":
            year = m["df_y"]
            if year is None:  # a year of the Republic, as written
                value = _roc_year_value(parse_number(m["df_roc"]))
                return [(start, end, value, None, "年", "date", None)]
            if m["df_d"] and _CLOCK_AFTER.match(text, end):
                return []  # 2023年09月07日 21:04: a time stamp of the page
            if text.startswith("代", end):
                return []  # 1990年代: a decade
            value = parse_number(year)
            if len(year) == 2:
                value += 2000
            if not 1900 <= value <= 2100:
                return []
            return [(start, end, value, None, "年", "date", None)]
        if kind == "date_month":
            if m["dm_ny"]:  # 大年初六 is in the first month, 大年三十 in the last
                return [(start, end, 12 if m["dm_ny"] == "三十" else 1, None, "月", "date", None)]
            month = m["dm_m"]
            first = _LUNAR_MONTHS[month] if month in _LUNAR_MONTHS else parse_number(month)
            second = m["dm_m2"]
            if m["dm_sep"] == "、" and second:
                return [
                    (start, m.start("dm_sep"), first, None, "月", "date", None),
                    (m.start("dm_m2"), end, parse_number(second), None, "月", "date", None),
                ]
            if _CLOCK_AFTER.match(text, end):
                return []  # 09月07日 21:04: a time stamp of the page, not a date reported
            top = parse_number(second) if second else None
            return [(start, end, first, top, "月", "date", None)]
        if kind == "date_day":
            number = m["dd_d"]
            # 两日, 行政拘留12日, 3日内: a span of days, not a day of the month
            within = text.startswith(("内", "以内", "之内"), end)
            if number == "两" or within or _DURATION_CUE.search(text, max(0, start - 4), start):
                return [(start, end, parse_number(number), None, "日", "duration", None)]
            return [(start, end, parse_number(number), None, "日", "date", None)]
        if kind == "fraction":
            a, b = parse_number(m["fr_a"]), parse_number(m["fr_b"])
            if not a:
                return []
            return [(start, end, round(b / a, 6), None, "", "ratio", _as_reported(m["pre"]))]
        if kind == "percent_cn":
            value = parse_number(m["pc_n"])
            return [(start, end, value, None, "%", "percent", _as_reported(m["pc_pre"]))]
        if kind == "half":
            approx = _as_reported(m["hf_pre"])
            return [(start, end, 0.5, None, "", "ratio", approx)]
        if kind == "money_sign":
            sign, written = m["ms_sign"], m["ms_unit"]
            value = parse_number(_without_spaces(m["ms_n"]))
            if written:
                value = _scale(value, self.units[written].scale)
            unit = "元" if sign in "¥￥" else sign.replace("＄", "$")
            approx = _as_reported(m["ms_post"])
            pre = _APPROX_BEFORE.search(text, max(0, start - 3), start)
            if pre:
                start, approx = pre.start(), _as_reported(pre[1])
            return [(start, end, value, None, unit, "money", approx)]
        if kind in _RANK_GROUPS:
            key = _RANK_GROUPS[kind]
            # a list shares its lead (居全省第九、全市第一): looked for back to the
            # sentence or comma, across 、
            if kind == "rank_bare" and not _RANK_LEAD.search(
                text, _left_runs(backwards, start)[1], start
            ):
                return []  # an ordinal that is not a result
            unit = m[f"{key}_u"] or ""
            value = parse_number(m[f"{key}_n"])
            return [(m.start(key), m.end(key), value, None, unit, "rank", None)]
        return []

    def _read_count(self, m: re.Match[str], text: str, floor: int = 0) -> _Reading | None:
        """A number with a measure word; ``None`` for an ordinal (第二期), a bare scale
        word, value-one 一 or a malformed numeral. It reaches back no further than
        ``floor``, where the figure before it ends."""
        start = m.start()
        if start > 0 and text[start - 1] == "第":
            return None  # an ordinal (第二期, 第七次), not a count
        # the rest depends on the matched text alone (the count branch looks around
        # only to decide whether it matches), so each distinct text is read once,
        # with what of its context, if anything, decides the rest
        written = m.group()
        read = self._count_fields.get(written, _UNREAD)  # most: read before, in C
        if read is _UNREAD:
            read = self._count_fields.recall(written, lambda _: self._read_count_fields(m))
        if read is None:
            return None
        fields, checks = read
        if checks is None:  # most counts: their text says all
            return (start, m.end(), *fields)  # type: ignore[misc]
        return self._in_context(m, text, start, fields, checks, floor)

    def _in_context(
        self,
        m: re.Match[str],
        text: str,
        start: int,
        fields: _CountFields,
        checks: _Checks,
        floor: int,
    ) -> _Reading | None:
        """A count whose reading depends on the characters around it (see _Checks)."""
        end = m.end()
        before = text[start - 1] if start else "\n"  # ("" is in every string)
        after = text[end : end + 1]
        if checks.not_before and after and after in checks.not_before:
            return None  # a unit that begins a noun: 三部门, 1234次列车
        if checks.year:
            roc = self._roc_year(m, text, start, end)
            if roc:
                return roc
        if checks.hundred and before in _VAGUE_BEFORE_HUNDRED:
            return None  # 数百人, 上百人, 成百: vague amounts
        if checks.weekday and before in "周期拜":
            return None  # 周五起, 星期一起: from a weekday on, not five cases
        pre = checks.pre
        if pre == "近" and before == "将" and start > floor:
            return (start - 1, end, *fields)  # type: ignore[misc]
        if pre in _NOT_APPROX_AFTER and before in _NOT_APPROX_AFTER[pre]:
            # 经过7个小时: 过 ends a word, the figure starts after it
            value, top, unit, kind, _ = fields
            approx = _as_reported(m["ct_post"] or m["ct_post2"] or m["ct_tail"])
            return (m.start("ct_n"), end, value, top, unit, kind, approx)
        if checks.currency and after in self._currency_starts:
            # the currency after 元 (30万元港币): the unit as written
            found = self._currency_after.match(text, end)
            if found:
                value, top, _, kind, approx = fields
                return (start, found.end(), value, top, found[1], kind, approx)
        if checks.currency and before in self._currency_ends:
            # a currency written before the sum (新台币1,200万元): the unit as written
            found = self._currency_before.search(text, max(floor, start - 8), start)
            if found:
                value, top, _, kind, approx = fields
                return (found.start(), end, value, top, found[1], kind, approx)
        return (start, end, *fields)  # type: ignore[misc]

    def _roc_year(self, m: re.Match[str], text: str, start: int, end: int) -> _Reading | None:
        """A bare year of the Republic (111年, 112年3月5日, 110年度) matched as a count
        of years: a date with its number as written, the month and day after it
        taken in; ``None`` for a span of years (110年来, 120年历史)."""
        number = m["ct_n"]
        if not ("101" <= number <= "129" and number.isdigit()):
            return None
        if _NOT_A_YEAR_AFTER.match(text, end):
            return None
        tail = _YEAR_TAIL.match(text, end)
        value = _roc_year_value(int(number))
        return (start, tail.end() if tail else end, value, None, "年", "date", None)

    def _read_count_fields(self, m: re.Match[str]) -> tuple[_CountFields, _Checks | None] | None:
        """``(value, max, unit, kind, approx)`` of a count match and what of its
        context is still to be checked (``None``: nothing), or ``None``."""
        number, written_unit = _without_spaces(m["ct_n"]), m["ct_unit"]
        before, after, second = m["ct_pre"], m["ct_post"] or m["ct_post2"], m["ct_n2"]
        if number in ("千", "万", "亿") and not (before or after):
            return None  # a bare scale word (亿元 in 数亿元, 万人发案率) is not a number
        if written_unit is None:  # 1个多小时: the unit is 个小时 as the text has it
            written_unit = "个" + m["ct_rest"]
        unit = self.units[written_unit]
        if unit.digits_only and not number[0].isdigit():
            return None
        if second:
            second = _without_spaces(second)
        pair = adjacent_range(number) if not second else None
        try:
            value = pair[0] if pair else parse_number(number)
            top = pair[1] if pair else (parse_number(second) if second else None)
        except ValueError:
            return None
        if m["ct_half"]:  # 两个半小时: two and a half hours
            value, top = value + 0.5, (top + 0.5 if top is not None else None)
        if number == "一" and not (before or after or second or m["ct_half"]):
            return None  # value-one 一 (一名, 一次, 这一年): not scored either way; left out
        kind = unit.kind
        if written_unit == "年" and isinstance(value, int) and 1900 <= value <= 2100:
            kind = "date"  # 2021年 caught here only when the date pattern could not run
        scale = unit.scale
        for char in m["ct_ps"] or "":  # 20余万人: a scale after the approximation
            scale *= SCALES[char]
        value = _scale(value, scale)
        top = _scale(top, scale) if top is not None else None
        fields = (value, top, unit.unit, kind, _as_reported(before or after or m["ct_tail"]))
        checks = _Checks(
            not_before=unit.not_before,
            year=written_unit == "年" and len(number) == 3 and not (before or after or second),
            weekday=written_unit == "起" and len(number) == 1 and not number.isdigit(),
            pre=before if before in ("近", *_NOT_APPROX_AFTER) else None,
            currency=unit.unit == "元",
            hundred=number == "百" and not (before or after),
        )
        return fields, (checks if any(checks) else None)

    def figures(self, document: Document) -> list[FigureRecord]:
        """The figures of a document, with offsets into its whole normalised text."""
        return self.find(document.text, document.doc, document.offset)


def _guarded(branches: Sequence[tuple[str | None, str]]) -> str:
    """Alternatives ``(name, body)`` each behind a test of its first character, and
    the whole behind a test of any of them: at most positions of a text one
    character test fails and the engine moves on. A branch whose first characters
    cannot be told goes untested, and then so does the whole."""
    parts, everything = [], set()
    whole_known = True
    for name, body in branches:
        group = f"(?P<{name}>{body})" if name else f"(?:{body})"
        firsts = first_chars(body)
        if firsts is None:
            whole_known = False
            parts.append(group)
            continue
        everything |= firsts
        parts.append(f"(?=[{''.join(sorted(firsts))}]){group}")
    alternatives = "|".join(parts)
    if not whole_known:
        return alternatives
    return f"(?=[{''.join(sorted(everything))}])(?:{alternatives})"


_WORD_LIST = re.compile(r"[^\\\[\](){}.*+?^$|]+(?:\|[^\\\[\](){}.*+?^$|]+)*")


def _as_trie_if_words(pattern: str) -> str:
    """A plain list of words (千家万户|千方百计|…) as a trie, when no word starts
    another (then one path matches, as the list would); other patterns as they are."""
    if not _WORD_LIST.fullmatch(pattern):
        return pattern
    words = pattern.split("|")
    if any(a != b and b.startswith(a) for a in words for b in words):
        return pattern
    return _trie_pattern(words)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, as a trie (人(?:次)?, not
    人次|人): the engine follows one path instead of trying each word in turn."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return f"(?:{build(trie)})"


_INNER_SPACE = re.compile(f"(?<=\\D){_SP}|{_SP}(?=\\D)")


def _roc_year_value(year: int | float) -> int | float:
    """The value of a year of the Republic of China (民国111年): its number as
    written, as a lunar month keeps its own number (GUIDELINES.md: 正月 → 1); the
    Gregorian year is ``year + 1911``, for the date's ``iso``. (Neither the
    guidelines nor the dev gold settle this; one line to change if a gold does.)"""
    return year


def _without_spaces(number: str) -> str:
    """A number without the spaces a PDF leaves between digits and scale (450 万);
    spaces that group thousands (48 316) stay, for the numeral grammar to read."""
    return _INNER_SPACE.sub("", number)


def _scale(value: int | float, scale: int) -> int | float:
    scaled = round(value * scale, 6)
    return int(scaled) if float(scaled).is_integer() else scaled


def _left_runs(backwards: str, start: int) -> tuple[int, int]:
    """Where the clause and where the context of a figure at ``start`` begin, read
    leftwards on the reversed text ``backwards`` (see ``_LEFT_RUNS``)."""
    at = len(backwards) - start
    runs = _LEFT_RUNS.match(backwards, at)
    assert runs is not None  # runs of {0,n} characters always match
    return start - (runs.end() - at), start - (runs.end(1) - at)


def _change_and_base(
    text: str, start: int, clause_start: int, previous: FigureRecord | None, offset: int
) -> tuple[str | None, str | None]:
    """Direction of change (up/down) and its base (同比 …) as written before the figure
    (``previous`` has offsets into the whole document, ``text`` starts at ``offset``)."""
    previous_end = previous.end - offset if previous else 0
    left = max(clause_start, previous_end, start - 16)
    window = text[left:start]
    if previous and not window.strip("、和及与") and previous_end >= start - 1:
        return previous.change, previous.base  # a list sharing its verb: 分别下降6.9%、51%
    found = _CHANGE.findall(window)  # (up word, down word) pairs, one of them empty
    if not found:
        return None, None
    change = "up" if found[-1][0] else "down"  # the last change word written decides
    # the base is read back to the sentence start, at most 30 characters
    floor = max(0, start - 30)
    full_stop = text.rfind("。", floor, start)
    base = _BASE.search(text, full_stop + 1 if full_stop >= 0 else floor, start)
    return change, base.group(1) if base else None


def _record(
    text: str,
    backwards: str,
    doc: str,
    reading: _Reading,
    previous: FigureRecord | None,
    currencies: dict[str, str],
    offset: int = 0,
) -> FigureRecord:
    """The record of a figure read, placed ``offset`` on in the whole document;
    ``previous`` is the figure before it, if any."""
    start, end, value, top, unit, kind, approx = reading
    clause_start, context_start = _left_runs(backwards, start)
    change, base = _change_and_base(text, start, clause_start, previous, offset)
    context_end = _CONTEXT_RUN.match(text, end)
    assert context_end is not None  # a run of {0,30} characters always matches
    context = text[context_start : context_end.end()]  # the clause around the figure
    return FigureRecord(
        doc=doc,
        start=start + offset,
        end=end + offset,
        text=text[start:end],
        value=value,
        max=top,
        unit=unit,
        kind=kind,
        approx=approx,
        change=change,
        base=base,
        context=context,
        currency=currencies.get(unit) if kind == "money" else None,
    )
