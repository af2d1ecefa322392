"""Dates as dates: a date figure's calendar value, a figure's period, a page's date.

Three readers, all following ``GUIDELINES.md`` of the gold standard ("When a
figure holds" and "Dates as dates"):

- :func:`read_document_date`: the date a page gives for the article itself
  (publication line, masthead, a stand-alone time stamp, a dateline such as
  ``新华社北京3月5日电``), ISO at the precision written (``--03-05``);
- :func:`resolve_dates`: the ``iso`` of every date figure, read in text order
  against the article: a year or month written earlier is handed on to a later
  month or day that has none, ``今年``/``去年`` take the document's year, a
  Taiwan (ROC) year is converted, a lunar date becomes the Gregorian day it
  falls on when its year is known (with the ``lunardate`` library);
- :func:`resolve_when`: the period each other figure is reported for, the
  ``iso`` of the date that governs its clause or sentence, handed on from a
  date that opens a paragraph to the paragraph's end.

ISO forms: ``2021``, ``2021-06``, ``2021-06-24``; without a year ``--06-24``,
``--06``; without a month ``---24``; an interval ``2021-01/2021-06``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from policetext.numerals import parse_number


class DatedFigure(Protocol):
    """What the readers need of a figure (a :class:`~policetext.figures.FigureRecord`)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...


# ---- the page's own date ------------------------------------------------------------
_Y = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_SEP = r"\s*[-/.年]\s*"
_SEP_DAY = r"\s*[-/.月]\s*"
_YMD = rf"{_Y}{_SEP}{_M}(?:{_SEP_DAY}{_D}[日号]?|月)?"
_CLOCK = r"\d{1,2}[:：]\d{2}"
#: each shape the page's date is written in, best first; tried line by line
_DOCUMENT_DATE_SHAPES = (
    # a labelled publication line: 发布时间：2024-03-15, 发表于 2020-8-1, 日期:2024-09-25;
    # the label opens the line or follows a space or bar (not 作案时间：… in a sentence)
    re.compile(
        r"(?:^|[\s|｜\]】)）>])(?:(?:发布|发表|更新|录入|刊发|发稿|出版|發布|發佈|發表)"
        r"(?:时间|日期|時間|于|於)?|时间|日期|時間|date)\s*[:：]?\s*" + _YMD,
        re.IGNORECASE,
    ),
    # a line that is a time stamp: 2023-05-12 09:31:07, 2018-10-12来源:…
    re.compile(
        rf"^[\s\W]*(?:date\s*)?{_YMD}(?:\s*{_CLOCK}(?::\d{{2}})?|(?=\s*(?:来源|作者|星期|$)))"
    ),
    # a masthead issue date on a short line: 2024年3月15日 星期五
    re.compile(rf"^\s*{_Y}年{_M}月{_D}日\s*(?:星期|周)[一二三四五六日天]\s*$"),
    # a dateline: 新华社北京3月5日电, 台海网1月11日讯, 中新网南宁5月21日电
    re.compile(
        rf"^[^\n，。,]{{0,24}}?(?:{_Y}年)?{_M}月{_D}日(?:电|讯)",
    ),
    # a month-day stamp with a clock time, no year: 09月07日 21:04
    re.compile(rf"^\s*{_M}月{_D}日\s+{_CLOCK}\s*$"),
)
_WIDE = str.maketrans("０１２３４５６７８９：－／．", "0123456789:-/.")
#: every shape holds a month (``_M``): a line without a digit 1–9 holds no date
_MAY_HOLD_DATE = re.compile("[1-9１-９]").search
#: what a line must hold for each shape, in order, to be searched for it: a year
#: (``_Y``) for the first three, 月 for the others. Told in C at a glance, where a
#: shape's search tries its opening at every character of every line
_HOLDS_YEAR = re.compile(r"(?:19|20)\d\d").search
_SHAPE_NEEDS_YEAR = (True, True, True, False, False)
#: what ``_WIDE`` changes (a translation of a Han line costs a look-up per character)
_HAS_WIDE = re.compile("[０-９：－／．]").search
#: how many lines of a text's head and tail are read for its date
HEAD_LINES = 80


def document_date_lines(text: str) -> list[str]:
    """The lines of a normalised text that may carry the page's date: the first
    ``HEAD_LINES`` (a page's date sits in its head, under navigation at worst)."""
    return text.split("\n", HEAD_LINES)[:HEAD_LINES]


def read_document_date(lines: Iterable[str]) -> str | None:
    """The date a page gives for its article, ISO at the precision written, from
    candidate lines (the text's head, publication lines taken out as furniture).

    >>> read_document_date(["新华社北京3月5日电（记者 张三）全国公安机关……"])
    '--03-05'
    >>> read_document_date(["首页 > 新闻", "发布时间：2024-03-15 10:00", "正文"])
    '2024-03-15'
    """
    # raw lines too (publication lines are page furniture, gone from the normalised
    # text): full-width digits and colons read as ASCII
    lines = [
        line.translate(_WIDE) if _HAS_WIDE(line) else line for line in lines if _MAY_HOLD_DATE(line)
    ]
    with_year = [line for line in lines if _HOLDS_YEAR(line)]
    with_month = [line for line in lines if "月" in line]
    for shape, needs_year in zip(_DOCUMENT_DATE_SHAPES, _SHAPE_NEEDS_YEAR, strict=True):
        for line in with_year if needs_year else with_month:
            found = shape.search(line)
            if found is not None:
                return _iso_of(found)
    return None


def _iso_of(found: re.Match[str]) -> str:
    groups = found.groupdict()
    year, month, day = groups.get("y"), groups.get("m"), groups.get("d")
    return _iso(int(year) if year else None, int(month) if month else None, _int(day))


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _iso(year: int | None, month: int | None, day: int | None = None) -> str:
    """ISO 8601 at the precision given, truncated forms for what is unknown."""
    if year is not None:
        text = f"{year:04d}"
        if month is None:
            return text
        text += f"-{month:02d}"
        return text + (f"-{day:02d}" if day is not None else "")
    if month is None:
        return f"---{day:02d}" if day is not None else ""
    return f"--{month:02d}" + (f"-{day:02d}" if day is not None else "")


def year_of(iso: str | None) -> int | None:
    """The year of an ISO value (the first of an interval), if it has one."""
    if iso and len(iso) >= 4 and iso[:4].isdigit():
        return int(iso[:4])
    return None


def _split_iso(iso: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an ISO value in any of the forms written here."""
    if not iso:
        return None, None, None
    iso = iso.split("/", 1)[0]
    if iso.startswith("---"):
        return None, None, int(iso[3:])
    if iso.startswith("--"):
        parts = iso[2:].split("-")
        return None, int(parts[0]), _int(parts[1] if len(parts) > 1 else None)
    parts = iso.split("-")
    return (
        int(parts[0]),
        _int(parts[1] if len(parts) > 1 else None),
        _int(parts[2] if len(parts) > 2 else None),
    )


# ---- date figures --------------------------------------------------------------------
_CN_NUM = "〇零一二三四五六七八九十廿"
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": None, "同年": None, "去年": -1, "上年": -1,
                   "前年": -2, "明年": 1}  # fmt: skip
_LUNAR_MONTHS = {"正": 1, "大年": 1, "冬": 11, "腊": 12}
#: a date figure's text, as figures.py writes them (its own text, so one pattern)
_DATE_TEXT = re.compile(
    r"(?P<rel>今年|本年|当年|同年|去年|上年|前年|明年)?"
    rf"(?:(?:民国|民國)?(?P<y>\d{{2,4}}|[{_CN_NUM}]{{2,4}})年)?"
    rf"(?:(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})(?:(?P<sep>至|到|-|、)(?P<m2>\d{{1,2}}|[{_CN_NUM}]{{1,3}}))?月份?)?"
    rf"(?:(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})[日号])?"
    r"(?P<suf>年度|底|初|末|度)?$"
)
_LUNAR_TEXT = re.compile(
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>正|大年|冬|腊|[{_CN_NUM}]{{1,2}})月?"
    rf"(?P<d>初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十)$"
)
#: before a date, a word that makes it a baseline of a comparison, not a time
_BASELINE_BEFORE = re.compile(r"(?:比|较|同比|环比|相比|对比|与|和|同)$")
#: after a year, what says it labels a statistic or ends a period, not a time handed on
_NOT_HANDED_AFTER = re.compile(r"(?:底|末|年度|度)")
#: a year of the Republic of China (Taiwan): ROC year + 1911
_ROC_YEAR = re.compile(r"民国|民國")


@dataclass
class _Frame:
    """The year and month a careful reader carries through an article."""

    year: int | None = None
    month: int | None = None


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        return int(parse_number(text.replace("廿", "二十")))
    except (ValueError, TypeError):
        return None


def _full_year(text: str, written: str) -> int | None:
    """The year a written year names: two digits are 20xx, ROC years + 1911."""
    year = _number(written)
    if year is None:
        return None
    if _ROC_YEAR.search(text) or (len(written) <= 3 and written.isdigit() and year > 31):
        return year + 1911  # 民国112年, 112年 (Taiwan): ROC
    if year < 100:
        return 2000 + year
    return year


def resolve_dates(
    text: str, figures: Sequence[DatedFigure], document_date: str | None = None
) -> list[str | None]:
    """The ``iso`` of each date figure of a text (``None`` for the others and
    for a lunar date whose year is unknown), resolved in text order.

    >>> from types import SimpleNamespace as F
    >>> text = "2021年6月24日，……8月，……"
    >>> dates = [F(start=0, end=10, text="2021年6月24日", kind="date"),
    ...          F(start=13, end=15, text="8月", kind="date")]
    >>> resolve_dates(text, dates)
    ['2021-06-24', '2021-08']
    """
    doc_year, doc_month, _ = _split_iso(document_date)
    frame = _Frame()
    out: list[str | None] = []
    for figure in figures:
        if figure.kind != "date":
            out.append(None)
            continue
        out.append(_resolve_one(text, figure, frame, doc_year, doc_month))
    return out


def _resolve_one(
    text: str, figure: DatedFigure, frame: _Frame, doc_year: int | None, doc_month: int | None
) -> str | None:
    written = figure.text
    lunar = _LUNAR_TEXT.search(written)
    if lunar is not None and not _DATE_TEXT.match(written):
        return _lunar_iso(text, figure, lunar, frame, doc_year)
    if written[-1:] in _CN_NUM or written[-1:].isdigit():
        written += "月"  # 九、十月份: the first month of a pair is written without 月
    found = _DATE_TEXT.match(written)
    if found is None:
        return None
    before = text[max(0, figure.start - 3) : figure.start]
    after = text[figure.end : figure.end + 2]
    baseline = bool(_BASELINE_BEFORE.search(before))
    rel = found["rel"]
    year: int | None = None
    explicit_year = False
    if found["y"]:
        year = _full_year(text[max(0, figure.start - 2) : figure.end], found["y"])
        explicit_year = True
    elif rel:
        shift = _RELATIVE_YEARS[rel]
        if shift is None:
            year = frame.year
        elif doc_year is not None:
            year = doc_year + shift
        explicit_year = True
    month, month2 = _number(found["m"]), _number(found["m2"])
    day = _number(found["d"])
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    if not explicit_year and month is not None:
        year = frame.year if frame.year is not None else doc_year
    if month is None and day is not None and not found["y"] and not rel:
        month = frame.month if frame.month is not None else doc_month
        year = frame.year if frame.year is not None else doc_year
        if month is None:
            year = None  # a day whose month is unknown: ---25
    iso = _iso(year, month, day)
    if month2 is not None and found["sep"] in ("至", "到", "-"):
        iso = f"{iso}/{_iso(year, month2)}"
    # what a later date without a year or month takes from this one
    hands_on = not baseline and not (found["suf"] and _NOT_HANDED_AFTER.match(found["suf"]))
    if hands_on and explicit_year and year is None:
        # 今年7月 without a document date: the year is unknown, the month is not
        frame.year, frame.month = None, (month2 or month)
    elif hands_on and not _labels_a_statistic(after, month):
        if year is not None:
            frame.year = year
        if month is not None:
            frame.month = month2 or month
    return iso


#: what may follow a year that times what comes after it (2021年，… 2021年以来 2021年全市…)
_HANDED_AFTER_YEAR = (
    "，,、。；：:以至到起前后间内上中下全我该各初底"  # punctuation, frames, scope words
    "0123456789一二三四五六七八九十正"  # a month (2021年1至6月)
)


def _labels_a_statistic(after: str, month: int | None) -> bool:
    """A bare year straight before a noun (2021年刑事案件立案数) labels a statistic."""
    return month is None and bool(after) and after[0] not in _HANDED_AFTER_YEAR


def _lunar_iso(
    text: str, figure: DatedFigure, found: re.Match[str], frame: _Frame, doc_year: int | None
) -> str | None:
    """A lunar date as the Gregorian day it falls on, when its year is known."""
    year = _number(found["y"])
    if year is None:
        before = text[max(0, figure.start - 2) : figure.start]
        shift = _RELATIVE_YEARS.get(before)
        if shift is not None and doc_year is not None:
            year = doc_year + shift
    if year is None:
        return None
    written = found["m"]
    month = _LUNAR_MONTHS.get(written) or _number(written)
    day_text = found["d"]
    day = _number(day_text[1:]) if day_text.startswith("初") else _number(day_text)
    if month is None or day is None:
        return None
    try:
        from lunardate import LunarDate  # imported only for a lunar date
    except ImportError:  # a dependency of the package; without it no lunar date is read
        return None
    try:
        return LunarDate(year, month, day).to_solar_date().isoformat()
    except ValueError:
        return None  # out of the library's range (1900–2099) or no such day


# ---- when: the period a figure is reported for -----------------------------------------
#: what ends a sentence for ``when`` (a ；-list of clauses shares its date)
_SENTENCE_MARKS = "。！？!?\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_MARKS}]")
_CLAUSE_END = re.compile(r"[，,；;：:]")
_CLAUSES_APART = re.compile(r"[；;]")
#: words that may stand before a date that opens a sentence (据了解，截至…)
_LEAD_IN = re.compile(
    r"(?:[^，,。（(\n]{0,8}[讯电]|[（(][^）)\n]{0,24}[）)]|\s+|"
    r"[“\"（(]?(?:据了解|据悉|据统计|据介绍|另据统计|经查|目前|其中|同时|此外|另外|而|在|于|自|从|截至|截止|截止到|截至到|至|到)[，,]?)*"
)
#: after a date, a word that makes it the time of a report, not of what is reported
_REPORTING = re.compile(
    r"^[^，,。；]{0,12}?(?:通报|获悉|召开|发布会|发布|介绍|透露|表示|称|说|报道|讯|电)"
)
#: a frame whose period is not a date: 五年来, 一年来, 近年来 (the figure's when is "")
_FRAME_WITHOUT_DATE = re.compile(r"(?:[一二两三四五六七八九十\d]+|近|多|近几|这几|几)年(?:来|以来)")
#: bare relative periods that govern like a date: 今年, 去年, 今年以来, 上半年
_BARE_PERIOD = re.compile(
    r"(?P<rel>今年|去年|前年|本年|上年)?(?P<half>上半年|下半年|前三季度)?"
    r"(?![\d一二三四五六七八九十]|同期|底|初|末)"
)
#: how many characters (a place, a short subject) may stand before a date that
#: still opens its sentence: 本港去年…
_SHORT_LEAD = 2


def resolve_when(
    text: str,
    figures: Sequence[DatedFigure],
    isos: Sequence[str | None],
    document_date: str | None = None,
) -> list[str]:
    """The ``when`` of each non-date figure ("" for the date figures): the ``iso``
    of the date that governs its clause or sentence, or of a date that opens its
    paragraph, ``""`` where nothing states it."""
    doc_year = _split_iso(document_date)[0]
    dates = [(f, iso) for f, iso in zip(figures, isos, strict=True) if f.kind == "date"]
    out: list[str] = []
    cache: dict[tuple[int, int], _Governors] = {}
    index = _SentenceIndex(text)
    for figure in figures:
        if figure.kind == "date":
            out.append("")
            continue
        sentence = index.bounds(figure.start)
        governors = cache.get(sentence)
        if governors is None:
            governors = cache[sentence] = _governors(text, sentence, dates, doc_year)
        out.append(_when_of(text, figure, sentence, governors, dates, doc_year, cache, index))
    return out


@dataclass
class _Governors:
    """The dates a sentence holds that may time its figures."""

    #: (start, end, iso, reach) of each date: it times what follows it up to ``reach``
    #: (the sentence's end, or a ；, when it opens the sentence or a clause) and the
    #: rest of its own clause
    dates: list[tuple[int, int, str, int]]
    #: the date the sentence opens with (handed on to its paragraph), or None
    opening: str | None
    #: a date-less frame (五年来) that stops a paragraph's date: its offset
    frame_at: int | None


class _SentenceIndex:
    """Where a text's sentences end, found once: the sentence of any offset by
    binary search (a walk back from each figure would rescan long paragraphs)."""

    def __init__(self, text: str) -> None:
        self.ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.size = len(text)

    def bounds(self, at: int) -> tuple[int, int]:
        """``[start, end)`` of the sentence holding offset ``at`` (its mark excluded)."""
        k = bisect_left(self.ends, at)
        start = self.ends[k - 1] + 1 if k else 0
        return start, self.ends[k] if k < len(self.ends) else self.size


def _governors(
    text: str,
    sentence: tuple[int, int],
    dates: list[tuple[DatedFigure, str | None]],
    doc_year: int | None,
) -> _Governors:
    start, end = sentence
    found: list[tuple[int, int, str, int]] = []
    first = bisect_left(dates, start, key=lambda pair: pair[0].start)
    inside = []
    for f, iso in dates[first:]:
        if f.start >= end:
            break
        if iso:
            inside.append((f, iso))
    i = 0
    opening: str | None = None
    while i < len(inside):
        figure, iso = inside[i]
        first_end = figure.end
        # two dates joined by 至/到/、 make one interval
        if i + 1 < len(inside):
            nxt, nxt_iso = inside[i + 1]
            between = text[figure.end : nxt.start]
            if between in ("至", "到", "、", "-", "—", "～", "~") and nxt_iso:
                iso = f"{iso.split('/')[0]}/{nxt_iso.split('/')[-1]}"
                first_end = nxt.end
                i += 1
        i += 1
        before = text[max(start, figure.start - 3) : figure.start]
        after = text[first_end : min(end, first_end + 16)]
        if _BASELINE_BEFORE.search(before):
            continue  # 比2015年下降: a baseline
        if after[:1] in ("“", "的") or after[:2] == "度“":
            continue  # 2022年度“最美警察”: a date inside a noun phrase
        if _REPORTING.match(after) and "以来" not in after[:4]:
            continue  # 21日通报, 5月27日电: the time of the report
        # a date that opens its clause times the rest of the sentence; one written
        # after the clause's subject times that clause only
        clause_start = max(
            (text.rfind(mark, start, figure.start) + 1 for mark in "，,；;：:"), default=start
        )
        clause_start = max(clause_start, start)
        lead = _LEAD_IN.match(text, clause_start, figure.start)
        at_start = lead is not None and figure.start - lead.end() <= _SHORT_LEAD
        first = _LEAD_IN.match(text, start, figure.start)
        opens = first is not None and figure.start - first.end() <= _SHORT_LEAD
        found.append((figure.start, first_end, iso, _reach(text, first_end, end, opens, at_start)))
        if opens and opening is None:
            opening = iso
    if not found:
        # 上半年 without a document date takes the year of the paragraph's dates
        year = doc_year if doc_year is not None else _paragraph_year(text, start, dates, first)
        period = _bare_period(text, start, end, year)
        if period is not None:
            found.append(period[:4])
            if period[4] and period[2]:
                opening = period[2]
    frame = _FRAME_WITHOUT_DATE.search(text, start, end)
    return _Governors(found, opening, frame.start() if frame else None)


def _bare_period(
    text: str, start: int, end: int, doc_year: int | None
) -> tuple[int, int, str, int, bool] | None:
    """今年, 去年, 上半年 in a sentence (not a baseline: 较去年), resolved against
    the document's year; ``""`` when the document's year is unknown."""
    at = start
    while True:
        found = _BARE_WORDS.search(text, at, end)
        if found is None:
            return None
        at = found.end()
        period = _BARE_PERIOD.match(text, found.start(), end)
        if period is None or not (period["rel"] or period["half"]):
            continue
        if _BASELINE_BEFORE.search(text[max(start, found.start() - 3) : found.start()]):
            continue
        break
    # like a date: opening the sentence or a clause it times what follows (…，今年以来，…)
    clause_start = max(start, *(text.rfind(m, start, found.start()) + 1 for m in "，,；;：:"))
    lead = _LEAD_IN.match(text, clause_start, found.start())
    at_start = lead is not None and found.start() - lead.end() <= _SHORT_LEAD
    first = _LEAD_IN.match(text, start, found.start())
    opens = first is not None and found.start() - first.end() <= _SHORT_LEAD
    reach = _reach(text, period.end(), end, opens, at_start)
    if doc_year is None:
        return (found.start(), period.end(), "", reach, opens)
    year = doc_year + (_RELATIVE_YEARS[period["rel"]] or 0 if period["rel"] else 0)
    half = period["half"]
    if half == "上半年":
        iso = f"{year}-01/{year}-06"
    elif half == "下半年":
        iso = f"{year}-07/{year}-12"
    elif half == "前三季度":
        iso = f"{year}-01/{year}-09"
    else:
        iso = f"{year}"
    return (found.start(), period.end(), iso, reach, opens)


def _reach(text: str, after: int, end: int, opens: bool, at_start: bool) -> int:
    """How far a date ending at ``after`` times what follows: to the sentence's
    ``end`` when it opens the sentence, to the next ；when it opens a clause
    (…；上半年该县…第九；…第二: the next ；-clause takes the paragraph's date),
    else only its own clause (-1)."""
    if opens:
        return end
    if at_start:
        found = _CLAUSES_APART.search(text, after, end)
        return found.start() if found else end
    return -1


def _paragraph_year(
    text: str, start: int, dates: list[tuple[DatedFigure, str | None]], first: int
) -> int | None:
    """The year of the nearest date with one before ``start`` in its paragraph."""
    paragraph_start = text.rfind("\n", 0, start) + 1
    for figure, iso in reversed(dates[:first]):
        if figure.start < paragraph_start:
            return None
        year = year_of(iso)
        if year is not None:
            return year
    return None


_BARE_WORDS = re.compile(r"今年|去年|前年|本年|上年|上半年|下半年|前三季度")


def _when_of(
    text: str,
    figure: DatedFigure,
    sentence: tuple[int, int],
    governors: _Governors,
    dates: list[tuple[DatedFigure, str | None]],
    doc_year: int | None,
    cache: dict[tuple[int, int], _Governors],
    index: _SentenceIndex,
) -> str:
    start, _ = sentence
    if governors.frame_at is not None and governors.frame_at < figure.start:
        return ""  # 五年来…: a frame that is no date
    best: str | None = None
    for date_start, date_end, iso, reach in governors.dates:
        if date_start >= figure.start:
            break
        if figure.start <= reach or not _CLAUSE_END.search(text, date_end, figure.start):
            best = iso  # the nearest date before it that reaches it
    if best is not None:
        return best
    earlier = [d for d in governors.dates if d[0] < figure.start]
    if earlier and not _CLAUSES_APART.search(text, earlier[0][1], figure.start):
        return ""  # a date after the subject times its own clause only (to a ；)
    # a date that opened the paragraph's first sentence, handed on to its end
    return _paragraph_date(text, start, dates, doc_year, cache, index)


def _paragraph_date(
    text: str,
    sentence_start: int,
    dates: list[tuple[DatedFigure, str | None]],
    doc_year: int | None,
    cache: dict[tuple[int, int], _Governors],
    index: _SentenceIndex,
) -> str:
    """The date that opens the paragraph's first sentence, unless a frame that is
    no date (一年来) stands between it and the sentence at ``sentence_start``."""
    paragraph_start = text.rfind("\n", 0, sentence_start) + 1
    at = sentence_start
    while at > paragraph_start:
        previous = index.bounds(at - 1)
        governors = cache.get(previous)
        if governors is None:
            governors = cache[previous] = _governors(text, previous, dates, doc_year)
        if previous[0] <= paragraph_start:
            return governors.opening or ""
        if governors.frame_at is not None:
            return ""
        at = previous[0]
    return ""
