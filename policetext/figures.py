"""Figures: every number an article reports, with its unit, kind and context.

One scan of the normalised text with compiled patterns, in priority order:
dates, fractions and percentages, ranks, then numbers with a measure word.
Candidates overlapping an exclusion (names, slogans, hotlines, idioms: see
``data/figure_exclusions.txt``) are dropped. What counts follows
``GUIDELINES.md`` of the gold standard.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Any

from policetext.datafiles import shipped_lines
from policetext.document import Document
from policetext.numerals import adjacent_range, parse_number

KINDS = ("count", "percent", "money", "duration", "rank", "ratio", "date")
# approximation words as written → as reported (接近 → 近, 超过 → 超)
APPROX_WORDS = {
    **{w: w for w in ("近", "约", "超", "逾", "过", "余", "多", "以上", "左右")},
    **{"接近": "近", "大约": "约", "超过": "超"},
}

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = "[零〇一二两三四五六七八九十百千万亿]+"
_NUM = rf"(?:{_AR}[十百千万亿]*|{_CN})"
_PRE = r"(?P<pre>接近|大约|超过|近|约|超|逾|过)?"
_YEAR = r"(?:(?<!\d)\d{4}(?!\d)|[〇零一二三四五六七八九]{4}|[〇零一二三四五六七八九]{2}(?=年))"
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|[二]?十[一二三四五六七八九]?|[一二三四五六七八九])"
#: any character a figure's numeral can start with, and how far before it a figure may start

_REL = r"(?:今年|去年|明年|前年|同年|当年|上年)"
_CLAUSE_END = "，。；！？\n、：“”"
_UP = re.compile(r"(上升|提升|提高|增长|增加|上涨|攀升|增幅|增至|升至|扩大)")
_DOWN = re.compile(r"(下降|减少|降低|缩短|下滑|减小|压降|降幅|回落|降至|缩减)")
_BASE = re.compile(r"(同比|环比|(?:比|较)(?:去年|上年|上一年|前年)(?:同期)?)")
_QUOTED = re.compile(r"“[^“”\n]{1,14}”|‘[^‘’\n]{1,14}’|「[^「」\n]{1,14}」")
_RANK_LEAD = re.compile(r"(列|排名|排在|排|位列|位居|居|名列)")


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

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Unit:
    kind: str
    unit: str
    scale: int


class FigureExtractor:
    """Compiled patterns and word lists for figures; build once, reuse."""

    @cached_property
    def units(self) -> dict[str, _Unit]:
        table = {}
        for line in shipped_lines("figure_units.txt"):
            written, kind, unit, scale = line.split("\t")
            table[written] = _Unit(kind, unit, int(scale))
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
        return {
            "date_full": rf"(?P<df_rel>{_REL})?(?P<df_y>{_YEAR})年(?:(?P<df_m>{_MON})月份?"
            rf"(?:(?P<df_d>{_DAY})[日号])?)?(?P<df_suf>年度|底|初|末|度)?",
            "date_month": rf"(?P<dm_rel>{_REL})?(?<![\d.])(?P<dm_m>{_MON})"
            rf"(?:(?P<dm_sep>至|到|-|、)(?P<dm_m2>{_MON}))?月份?(?:(?P<dm_d>{_DAY})[日号])?",
            "date_day": rf"(?<![\d.月])(?P<dd_d>{_DAY})日(?![内前后起])",
            "percent_cn": rf"{_PRE.replace('pre', 'pc_pre')}百分之(?P<pc_n>{_NUM})",
            "fraction": rf"{_PRE}(?P<fr_a>{_NUM})分之(?P<fr_b>{_NUM})",
            "half": r"(?P<hf_pre>近|约|超过|超)?一半",
            "rank_lead": r"(?:列|排名|排在|排|位列|位居|居|名列)[\u4e00-\u9fff]{0,6}?"
            r"(?P<rl>第(?P<rl_n>[一二三四五六七八九十]|\d+)(?P<rl_u>名|位)?)",
            "rank_name": r"(?P<rn>第(?P<rn_n>[一二三四五六七八九十]+|\d+)(?P<rn_u>名))",
            "rank_bare": r"(?P<rb>第(?P<rb_n>[一二三四五六七八九十]|\d+))(?![\u4e00-\u9fff\d])",
            "rank_first": r"(?P<rf>第(?P<rf_n>一)(?P<rf_u>个)"
            r"(?=实现|完成|建成|开通|推出|获得|获评|通过))",
            "count": rf"{_PRE.replace('pre', 'ct_pre')}(?P<ct_n>{_NUM})"
            rf"(?:(?P<ct_sep>至|到|-|~|～|—)(?P<ct_n2>{_NUM}))?(?P<ct_post>余|多)?"
            rf"(?P<ct_unit>{units})(?P<ct_tail>以上|左右)?",
        }

    # ---- the scan --------------------------------------------------------------
    def find(self, text: str, doc: str = "<text>") -> list[FigureRecord]:
        """Every figure of a normalised ``text``, in text order."""
        excluded = sorted(self._excluded_spans(text))
        excluded_starts = [s for s, _ in excluded]
        longest = max((e - s for s, e in excluded), default=0)

        def is_excluded(start: int, end: int) -> bool:
            low = bisect.bisect_left(excluded_starts, start - longest)
            high = bisect.bisect_left(excluded_starts, end)
            return any(s < end and start < e for s, e in excluded[low:high])

        records: list[FigureRecord] = []
        for match in self.pattern.finditer(text):
            try:
                readings = list(self._read(match, text))
            except ValueError:
                continue  # not a well-formed numeral (万百): not a figure
            for start, end, fields in readings:
                if is_excluded(start, end):
                    continue
                record = self._record(text, doc, start, end, fields, records)
                if record is not None:
                    records.append(record)
        return records

    def _excluded_spans(self, text: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in self.exclusions.finditer(text)]
        # short quoted phrases are slogans and names: “四个第一”, “七个一”, “2.18”
        spans += [m.span() for m in _QUOTED.finditer(text)]
        return spans

    def _read(self, m: re.Match[str], text: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
        kind = m.lastgroup
        if kind == "date_full":
            year = m["df_y"]
            value = parse_number(year)
            if len(year) == 2:
                value += 2000
            if not 1900 <= value <= 2100:
                return
            yield m.start(), m.end(), {"value": value, "unit": "年", "kind": "date"}
        elif kind == "date_month":
            first, second = parse_number(m["dm_m"]), m["dm_m2"]
            if m["dm_sep"] == "、" and second:
                split = m.start("dm_sep")
                yield m.start(), split, {"value": first, "unit": "月", "kind": "date"}
                yield (
                    m.start("dm_m2"),
                    m.end(),
                    {
                        "value": parse_number(second),
                        "unit": "月",
                        "kind": "date",
                    },
                )
            else:
                fields: dict[str, Any] = {"value": first, "unit": "月", "kind": "date"}
                if second:
                    fields["max"] = parse_number(second)
                yield m.start(), m.end(), fields
        elif kind == "date_day":
            yield (
                m.start(),
                m.end(),
                {"value": parse_number(m["dd_d"]), "unit": "日", "kind": "date"},
            )
        elif kind == "fraction":
            a, b = parse_number(m["fr_a"]), parse_number(m["fr_b"])
            if a:
                yield (
                    m.start(),
                    m.end(),
                    {
                        "value": round(b / a, 6),
                        "unit": "",
                        "kind": "ratio",
                        "approx": m["pre"],
                    },
                )
        elif kind == "percent_cn":
            yield (
                m.start(),
                m.end(),
                {
                    "value": parse_number(m["pc_n"]),
                    "unit": "%",
                    "kind": "percent",
                    "approx": m["pc_pre"],
                },
            )
        elif kind == "half":
            yield (
                m.start(),
                m.end(),
                {"value": 0.5, "unit": "", "kind": "ratio", "approx": m["hf_pre"]},
            )
        elif kind in ("rank_lead", "rank_name", "rank_first", "rank_bare"):
            key = {"rank_lead": "rl", "rank_name": "rn", "rank_first": "rf", "rank_bare": "rb"}[
                kind
            ]
            if kind == "rank_bare" and not _RANK_LEAD.search(
                text, _clause_start(text, m.start()), m.start()
            ):
                return  # an ordinal that is not a result
            yield (
                m.start(key),
                m.end(key),
                {
                    "value": parse_number(m[f"{key}_n"]),
                    "unit": (m[f"{key}_u"] if kind != "rank_bare" else None) or "",
                    "kind": "rank",
                    "rank": True,
                },
            )
        elif kind == "count":
            yield from self._read_count(m, text)

    def _read_count(self, m: re.Match[str], text: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
        number, written_unit = m["ct_n"], m["ct_unit"]
        start = m.start()
        if start > 0 and text[start - 1] == "第":
            return  # an ordinal (第二期, 第七次), not a count
        if number in "百千万亿" and not (m["ct_pre"] or m["ct_post"]):
            return  # a bare scale word (亿元 in 数亿元) is not a number
        unit = self.units[written_unit]
        pair = adjacent_range(number) if not m["ct_n2"] else None
        try:
            value = pair[0] if pair else parse_number(number)
            top = pair[1] if pair else (parse_number(m["ct_n2"]) if m["ct_n2"] else None)
        except ValueError:
            return
        if number == "一" and not (m["ct_pre"] or m["ct_post"] or m["ct_n2"]):
            return  # value-one 一 (一名, 一次, 这一年): not scored either way; left out
        kind = unit.kind
        if written_unit == "年" and isinstance(value, int) and 1900 <= value <= 2100:
            kind = "date"  # 2021年 caught here only when the date pattern could not run
        value = _scale(value, unit.scale)
        top = _scale(top, unit.scale) if top is not None else None
        approx = m["ct_pre"] or m["ct_post"] or m["ct_tail"]
        fields = {"value": value, "unit": unit.unit, "kind": kind, "approx": approx}
        if top is not None:
            fields["max"] = top
        yield start, m.end(), fields

    def _record(
        self,
        text: str,
        doc: str,
        start: int,
        end: int,
        fields: dict[str, Any],
        earlier: list[FigureRecord],
    ) -> FigureRecord | None:
        change, base = _change_and_base(text, start, earlier)
        approx = fields.get("approx")
        return FigureRecord(
            doc=doc,
            start=start,
            end=end,
            text=text[start:end],
            value=fields["value"],
            max=fields.get("max"),
            unit=fields["unit"],
            kind=fields["kind"],
            approx=APPROX_WORDS.get(approx) if approx else None,
            change=change,
            base=base,
            context=_clause(text, start, end),
        )

    def figures(self, document: Document) -> list[FigureRecord]:
        """The figures of a document (offsets shifted for a part of a huge input)."""
        records = self.find(document.text, document.doc)
        if document.offset:
            shift = document.offset
            records = [replace(r, start=r.start + shift, end=r.end + shift) for r in records]
        return records


def _first_chars(pattern: str) -> set[str] | None:
    """Pieces of a character class holding every character a match of ``pattern``
    can start with (optional leading words included); ``None`` when that cannot
    be told simply or the pattern can match nothing at all."""
    try:
        from re import _constants as sre  # type: ignore[attr-defined]
        from re import _parser
    except ImportError:  # a private module of re: when it changes, go without the test
        return None
    zero_width = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)

    def one(op: Any, av: Any) -> tuple[set[str], bool] | None:
        """The first characters of one item, and whether it can match nothing."""
        if op is sre.LITERAL:
            return {re.escape(chr(av))}, False
        if op is sre.IN:
            out: set[str] = set()
            for kind, arg in av:
                if kind is sre.LITERAL:
                    out.add(re.escape(chr(arg)))
                elif kind is sre.RANGE:
                    out.add(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
                elif kind is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
                    out.add(r"\d")
                else:
                    return None  # a negated or other class
            return out, False
        if op is sre.BRANCH:
            found = [sequence(alternative) for alternative in av[1]]
            if any(f is None for f in found):
                return None
            return set().union(*(f[0] for f in found)), any(f[1] for f in found)  # type: ignore[index]
        if op is sre.SUBPATTERN:
            return sequence(av[-1])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found = sequence(av[2])
            return None if found is None else (found[0], found[1] or av[0] == 0)
        if op in zero_width:
            return set(), True
        return None

    def sequence(items: Any) -> tuple[set[str], bool] | None:
        chars: set[str] = set()
        for op, av in items:
            found = one(op, av)
            if found is None:
                return None
            chars |= found[0]
            if not found[1]:
                return chars, False
        return chars, True

    try:
        found = sequence(_parser.parse(pattern))
    except Exception:  # a private module of re: when it changes, go without the test
        return None
    return found[0] if found and not found[1] else None


def _guarded(branches: Sequence[tuple[str | None, str]]) -> str:
    """Alternatives ``(name, body)`` each behind a test of its first character, and
    the whole behind a test of any of them: at most positions of a text one
    character test fails and the engine moves on. A branch whose first characters
    cannot be told goes untested, and then so does the whole."""
    parts, everything = [], set()
    whole_known = True
    for name, body in branches:
        group = f"(?P<{name}>{body})" if name else f"(?:{body})"
        firsts = _first_chars(body)
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


def _scale(value: int | float, scale: int) -> int | float:
    scaled = round(value * scale, 6)
    return int(scaled) if float(scaled).is_integer() else scaled


def _clause_start(text: str, start: int) -> int:
    i = start
    while i > 0 and text[i - 1] not in _CLAUSE_END and start - i < 40:
        i -= 1
    return i


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a figure: enough to say what was counted."""
    left = start
    while left > 0 and text[left - 1] not in "，。；！？\n" and start - left < 30:
        left -= 1
    right = end
    while right < len(text) and text[right] not in "，。；！？\n" and right - end < 30:
        right += 1
    return text[left:right]


def _change_and_base(
    text: str, start: int, earlier: list[FigureRecord]
) -> tuple[str | None, str | None]:
    """Direction of change (up/down) and its base (同比 …) as written before the figure."""
    previous = earlier[-1] if earlier else None
    left = max(_clause_start(text, start), previous.end if previous else 0, start - 16)
    window = text[left:start]
    if previous and not window.strip("、和及与") and previous.end >= start - 1:
        return previous.change, previous.base  # a list sharing its verb: 分别下降6.9%、51%
    sentence_left = max(0, start - 30)
    while sentence_left < start and "。" in text[sentence_left:start]:
        sentence_left = text.index("。", sentence_left, start) + 1
    up = [m.end() for m in _UP.finditer(window)]
    down = [m.end() for m in _DOWN.finditer(window)]
    change = None
    if up or down:
        change = "up" if (max(up) if up else -1) > (max(down) if down else -1) else "down"
    base_match = _BASE.search(text, sentence_left, start)
    return change, base_match.group(1) if base_match and change else None


def figure_rows(pipeline: Any, document: Document) -> list[dict[str, Any]]:
    """The figures of one document as rows (a task for :meth:`Pipeline.run`)."""
    return [{**f.as_row(), **document.meta} for f in pipeline.figures.figures(document)]
