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
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from functools import cached_property
from typing import Any

from policetext.datafiles import shipped_lines
from policetext.document import Document
from policetext.memo import Memo
from policetext.numerals import adjacent_range, parse_number
from policetext.patterns import first_chars

KINDS = ("count", "percent", "money", "duration", "rank", "ratio", "date")
# approximation words as written → as reported (接近 → 近, 超过 → 超)
APPROX_WORDS = {
    **{w: w for w in ("近", "约", "超", "逾", "过", "余", "多", "以上", "左右")},
    **{"接近": "近", "大约": "约", "超过": "超"},
}

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN = f"[{_CN_CHARS}]+"
_NUM = rf"(?:{_AR}[十百千万亿]*|{_CN})"
_PRE = r"(?P<pre>接近|大约|超过|近|约|超|逾|过)?"
#: a run of the characters approximation words and numerals are written with
_NUMERAL_RUN = rf"[接近大约超过逾\d,.{_CN_CHARS}]*+"
_YEAR = r"(?:(?<!\d)\d{4}(?!\d)|[〇零一二三四五六七八九]{4}|[〇零一二三四五六七八九]{2}(?=年))"
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|[二]?十[一二三四五六七八九]?|[一二三四五六七八九])"

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


@dataclass(frozen=True)
class _Unit:
    kind: str
    unit: str
    scale: int


#: a count as read from its text: value, max, unit, kind, approx as reported
_CountFields = tuple[int | float, int | float | None, str, str, str | None]
#: a figure as read from a match: start, end, then the fields of a count
_Reading = tuple[int, int, int | float, int | float | None, str, str, str | None]
#: distinct count texts remembered per extractor before the memory starts afresh
_KEPT_READINGS = 100_000
# the groups of each rank branch: the figure is the 第… part of the match
_RANK_GROUPS = {"rank_lead": "rl", "rank_name": "rn", "rank_first": "rf", "rank_bare": "rb"}


def _as_reported(approx: str | None) -> str | None:
    """An approximation word as reported (接近 → 近), or ``None``."""
    return APPROX_WORDS.get(approx) if approx else None


class FigureExtractor:
    """Compiled patterns and word lists for figures; build once, reuse."""

    def __init__(self) -> None:
        # what each distinct count text reads as (see _read_count); bounded
        self._count_fields: Memo[str, _CountFields | None] = Memo(_KEPT_READINGS)

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
            # 分之 must follow the approximation word and numeral: looked for first (one
            # run of their characters), not after parsing a numeral at every digit
            "fraction": rf"(?={_NUMERAL_RUN}分之){_PRE}(?P<fr_a>{_NUM})分之(?P<fr_b>{_NUM})",
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
        backwards = text[::-1]  # where clauses start is read on it (see _left_runs)
        records: list[FigureRecord] = []
        previous: FigureRecord | None = None
        for reading in self._readings(text, backwards):
            previous = _record(text, backwards, doc, reading, previous)
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
        for match in self.pattern.finditer(text):
            if match.lastgroup == "count":  # most matches: one reading, often seen before
                reading = self._read_count(match, text)
                if reading is None:
                    continue
                readings = (reading,)
            else:
                try:
                    readings = self._read(match, text, backwards)
                except ValueError:
                    continue  # not a well-formed numeral (万百): not a figure
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
        if kind == "date_full":
            year = m["df_y"]
            value = parse_number(year)
            if len(year) == 2:
                value += 2000
            if not 1900 <= value <= 2100:
                return []
            return [(m.start(), m.end(), value, None, "年", "date", None)]
        if kind == "date_month":
            first, second = parse_number(m["dm_m"]), m["dm_m2"]
            if m["dm_sep"] == "、" and second:
                return [
                    (m.start(), m.start("dm_sep"), first, None, "月", "date", None),
                    (m.start("dm_m2"), m.end(), parse_number(second), None, "月", "date", None),
                ]
            top = parse_number(second) if second else None
            return [(m.start(), m.end(), first, top, "月", "date", None)]
        if kind == "date_day":
            return [(m.start(), m.end(), parse_number(m["dd_d"]), None, "日", "date", None)]
        if kind == "fraction":
            a, b = parse_number(m["fr_a"]), parse_number(m["fr_b"])
            if not a:
                return []
            return [
                (m.start(), m.end(), round(b / a, 6), None, "", "ratio", _as_reported(m["pre"]))
            ]
        if kind == "percent_cn":
            value = parse_number(m["pc_n"])
            return [(m.start(), m.end(), value, None, "%", "percent", _as_reported(m["pc_pre"]))]
        if kind == "half":
            return [(m.start(), m.end(), 0.5, None, "", "ratio", _as_reported(m["hf_pre"]))]
        if kind in _RANK_GROUPS:
            key = _RANK_GROUPS[kind]
            if kind == "rank_bare" and not _RANK_LEAD.search(
                text, _left_runs(backwards, m.start())[0], m.start()
            ):
                return []  # an ordinal that is not a result
            unit = (m[f"{key}_u"] if kind != "rank_bare" else None) or ""
            value = parse_number(m[f"{key}_n"])
            return [(m.start(key), m.end(key), value, None, unit, "rank", None)]
        return []

    def _read_count(self, m: re.Match[str], text: str) -> _Reading | None:
        """A number with a measure word; ``None`` for an ordinal (第二期), a bare scale
        word, value-one 一 or a malformed numeral."""
        start = m.start()
        if start > 0 and text[start - 1] == "第":
            return None  # an ordinal (第二期, 第七次), not a count
        # the rest depends on the matched text alone (the count branch has no
        # lookaround), so each distinct text is read once per extractor
        fields = self._count_fields.recall(m.group(), lambda _: self._read_count_fields(m))
        if fields is None:
            return None
        return (start, m.end(), *fields)  # type: ignore[misc]

    def _read_count_fields(self, m: re.Match[str]) -> _CountFields | None:
        """``(value, max, unit, kind, approx)`` of a count match, or ``None``."""
        number, written_unit = m["ct_n"], m["ct_unit"]
        before, after, second = m["ct_pre"], m["ct_post"], m["ct_n2"]
        if number in "百千万亿" and not (before or after):
            return None  # a bare scale word (亿元 in 数亿元) is not a number
        unit = self.units[written_unit]
        pair = adjacent_range(number) if not second else None
        try:
            value = pair[0] if pair else parse_number(number)
            top = pair[1] if pair else (parse_number(second) if second else None)
        except ValueError:
            return None
        if number == "一" and not (before or after or second):
            return None  # value-one 一 (一名, 一次, 这一年): not scored either way; left out
        kind = unit.kind
        if written_unit == "年" and isinstance(value, int) and 1900 <= value <= 2100:
            kind = "date"  # 2021年 caught here only when the date pattern could not run
        value = _scale(value, unit.scale)
        top = _scale(top, unit.scale) if top is not None else None
        return value, top, unit.unit, kind, _as_reported(before or after or m["ct_tail"])

    def figures(self, document: Document) -> list[FigureRecord]:
        """The figures of a document (offsets shifted for a part of a huge input)."""
        records = self.find(document.text, document.doc)
        if document.offset:
            shift = document.offset
            records = [replace(r, start=r.start + shift, end=r.end + shift) for r in records]
        return records


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
    text: str, start: int, clause_start: int, previous: FigureRecord | None
) -> tuple[str | None, str | None]:
    """Direction of change (up/down) and its base (同比 …) as written before the figure."""
    left = max(clause_start, previous.end if previous else 0, start - 16)
    window = text[left:start]
    if previous and not window.strip("、和及与") and previous.end >= start - 1:
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
    text: str, backwards: str, doc: str, reading: _Reading, previous: FigureRecord | None
) -> FigureRecord:
    """The record of a figure read; ``previous`` is the figure before it, if any."""
    start, end, value, top, unit, kind, approx = reading
    clause_start, context_start = _left_runs(backwards, start)
    change, base = _change_and_base(text, start, clause_start, previous)
    context_end = _CONTEXT_RUN.match(text, end)
    assert context_end is not None  # a run of {0,30} characters always matches
    context = text[context_start : context_end.end()]  # the clause around the figure
    return FigureRecord(
        doc=doc,
        start=start,
        end=end,
        text=text[start:end],
        value=value,
        max=top,
        unit=unit,
        kind=kind,
        approx=approx,
        change=change,
        base=base,
        context=context,
    )


def figure_rows(pipeline: Any, document: Document) -> list[dict[str, Any]]:
    """The figures of one document as rows (a task for :meth:`Pipeline.run`), with
    what each counts, when it holds and the ``iso`` of dates (see facts.py)."""
    from policetext.facts import document_figures

    records = document_figures(pipeline.figures, pipeline.facts, document)
    # the document's date travels with each row (not a column: --group-by year
    # reads it where a figure has no when); a table's own date field overrides it
    return [{**f.as_row(), "date": document.date, **document.meta} for f in records]
