"""Repair and normalise decoded text, one small function per fix.

The steps are one ordered table, :data:`STEPS` (at the end of this module), as
ftfy keeps its fixers; each runs because it needs the text the previous one leaves:

0. ``markup``: HTML comments and tags removed, entities decoded (:mod:`policetext.markup`).
1. ``repair``: GBK stretches decoded one byte out of step are re-encoded and
   read one byte later; what cannot be repaired becomes the noise mark ``〓``.
   (Must run on the raw text: the repair needs the garbled characters as they are.)
2. ``pinyin``: ``見習(xí)記者`` → ``見習記者``.
3. ``convert``: OpenCC t2s (or tw2s, hk2s); lines with no traditional character
   are not passed to OpenCC at all (:mod:`policetext.convertible`).
4. ``collapse`` (switch ``stutter``): scraping doubles (``,,`` ``为为192192``).
5. ``width``: full-width digits and Latin letters to ASCII; ASCII ``,:;()?!``
   beside Chinese text to the Chinese forms.
6. ``furniture``: page furniture removed; bylines and editor become metadata
   (:mod:`policetext.furniture`).
7. ``rejoin`` (switch ``stutter``): words broken across a line break (``今`` /
   ``年以来``); after furniture, which can bring two halves together.

Finally lines are stripped and blank lines dropped: one paragraph per line.
Normalising normalised text changes nothing.

A new step is one function of ``(normalizer, work)`` and one :class:`Step` entry
in :data:`STEPS`: its ``--no-*`` option, its ``Config.skip`` name, its ``--report``
columns and its part of the cache fingerprint follow from the entry.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import compress
from operator import eq, methodcaller, ne

from policetext.config import Config
from policetext.convertible import Convertibles
from policetext.datafiles import common_chars, common_words
from policetext.engines import StretchConverter, fast_converter, resolve_segmenter
from policetext.errors import ConfigError
from policetext.furniture import Byline, FurnitureReader
from policetext.markup import strip_markup
from policetext.memo import Memo
from policetext.text import (
    CLOSING_MARKS,
    HAN,
    NOISE_MARK,
    SENTENCE_END_MARKS,
    count_han,
    script_of,
)
from policetext.text import is_han as _is_han

# -- 1. garbled GBK ---------------------------------------------------------
# A stream decoded one byte late starts with "?" for the orphaned byte (sometimes
# with that character's pinyin annotation left behind) and re-synchronises at the
# first single-byte character, which was really a GBK trail byte (0x40-0x7E).
_GARBLE_RE = re.compile(
    r"\?(?P<py>[a-zü\u00e0-\u01dc]{1,6}\))?"  # orphaned byte, maybe with its pinyin
    r"(?P<body>[?!\u00a1-\uffff]{0,80}?)"  # mis-paired double-byte characters
    r"(?P<tail>[\x40-\x7e])"  # the trail byte that re-synchronises
)
# A stretch can also end at a pinyin annotation: the annotated character's trail
# byte and the "(" were read as one invalid pair ("?"), and the stream is back
# in step after the ")": ``…悖?緢?bào)訊`` where ``報(bào)訊`` was written.
_PINYIN_LETTERS = "a-zü\u00e0-\u01dc"
_NOTE_END_RE = re.compile(f"\\?[{_PINYIN_LETTERS}]{{1,6}}\\)")
_GARBLE_TO_NOTE_RE = re.compile(
    rf"\?(?P<py>[{_PINYIN_LETTERS}]{{1,6}}\))?"
    r"(?P<body>[?!\u00a1-\uffff]{1,80}?)"
    rf"\?(?P<note>[{_PINYIN_LETTERS}]{{1,6}})\)"
)
# an intact annotation elsewhere in the text: which character a reading belongs to
_ANNOTATED = f"([{HAN}])[(（]([{_PINYIN_LETTERS}]{{1,6}})[)）]"
_REPLACEMENT_RUN = re.compile("\ufffd+")

# -- 2. pinyin annotations --------------------------------------------------
# the bracket comes first and the look-behind after it, so that the engine can
# skip to brackets instead of trying the look-behind at every position
_PINYIN_BODY = (
    "(?P<py>[a-zA-Zü\u00e0-\u01dc\u0300-\u036f]{1,7}"
    "(?: [a-zA-Zü\u00e0-\u01dc\u0300-\u036f]{1,7}){0,3})[)）]"
)
_PINYIN_RE = re.compile(f"[(（](?<=[{HAN}][(（]){_PINYIN_BODY}")
# one pattern per bracket for text holding only that bracket: a literal first
# character lets the engine jump between brackets instead of testing a class at
# every character (about 8 times faster)
_PINYIN_ONE_BRACKET = {
    bracket: re.compile(f"{re.escape(bracket)}(?<=[{HAN}]{re.escape(bracket)}){_PINYIN_BODY}")
    for bracket in "(（"
}
_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|üan|"
    r"ai|ei|ao|ou|an|en|er|in|un|vn|ün|ia|ie|iu|ua|uo|ui|ue|ve|üe|a|o|e|i|u|v|ü)"
    r"|ng|m|n|hm|hng"
)

# -- 4. width and punctuation -----------------------------------------------
_FULLWIDTH_ALNUM = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "％": "%",
}
_FULLWIDTH_RE = re.compile("[" + "".join(_FULLWIDTH_ALNUM) + "]")
_CJK_CLASS = f"[{HAN}\u3000-\u303f\uff01-\uff60\u2018\u2019\u201c\u201d\u2014\u2026〓]"


def _widen_condition(mark: str) -> str:
    """Where an ASCII mark just matched turns Chinese (see :func:`fix_width`)."""
    m = re.escape(mark)
    cjk_before, cjk_after = f"(?<={_CJK_CLASS}{m})", f"(?={_CJK_CLASS})"
    if mark == "(":
        return f"{cjk_before}|{cjk_after}(?<![0-9A-Za-z]{m})"
    if mark == ")":
        return f"{cjk_after}|{cjk_before}(?![0-9A-Za-z])"
    return f"{cjk_before}|{cjk_after}"


_WIDE_FORM = dict(zip(",:;()?!", "，：；（）？！", strict=True))


@cache
def _widen_pattern(mark: str, turns: bool) -> re.Pattern[str]:
    """Where ``mark`` turns Chinese (or, ``turns=False``, where it stays). The mark
    comes first, so the engine jumps from mark to mark in C. Compiled on first
    use: each takes milliseconds (the large classes)."""
    condition = _widen_condition(mark)
    return re.compile(f"{re.escape(mark)}(?{':' if turns else '!'}{condition})")


def _widen_mark(text: str, mark: str) -> tuple[str, int]:
    """Every ``mark`` with a Chinese-side neighbour to its Chinese form; and how many."""
    wide = _WIDE_FORM[mark]
    sample = len(text) >> 4
    if text.count(mark, 0, sample) < sample >> 8:  # a few: substitute them
        return _widen_pattern(mark, turns=True).subn(wide, text)
    # many, as commas in scraped text: nearly all change, and replacing them all
    # in C and putting back the few that stay is three times faster
    total = text.count(mark)
    kept = [match.start() for match in _widen_pattern(mark, turns=False).finditer(text)]
    if len(kept) == total:
        return text, 0
    widened = text.replace(mark, wide)
    if kept:
        pieces = []
        done = 0
        for at in kept:
            pieces += (widened[done:at], mark)
            done = at + 1
        pieces.append(widened[done:])
        widened = "".join(pieces)
    return widened, total - len(kept)


# -- 5. stutter -------------------------------------------------------------
_DOUBLED_PUNCT_RE = re.compile(r"[,;:，；：、。][,;:，；：、。]")
# ASCII and Chinese forms of one mark count as the same piece when doubled
_PUNCT_KIND = str.maketrans(",;:", "，；：")
_MARK_KIND = {",": "，", ";": "；", ":": "："}
_STUTTER_MARKS = frozenset("，；：、。")  # marks whose runs are stutter (kinds, so ASCII too)
# a line can only stutter where a mark is doubled with itself (ASCII or Chinese
# form); the look-ahead finds overlapping pairs ("，、、") one mark at a time
_MARK_BEFORE_MARK_RE = re.compile(r"[,;:，；：、。](?=[,;:，；：、。])")
# the same, or a full-width letter or digit; one class first keeps the scan fast
_FULL_WIDTH_CLASS = _FULLWIDTH_RE.pattern[1:-1]
_STUTTER_OR_FULL_WIDTH_RE = re.compile(
    f"[,;:，；：、。{_FULL_WIDTH_CLASS}](?:(?<=[{_FULL_WIDTH_CLASS}])|(?=[,;:，；：、。]))"
)
_STUTTER_PIECE_RE = re.compile(r"\d+(?:\.\d+)?|.", re.S)
# a line break right after Han or a blank (the break first: the engine jumps
# from break to break)
_BREAK_AFTER_HAN_OR_BLANK_RE = re.compile(f"\n(?<=[{HAN} \t\u3000]\n)")
_NON_BLANK_RE = re.compile("[^ \t\u3000\n]")
# what is stripped around every line of the result (a stray BOM too)
_strip_blanks = methodcaller("strip", " \t\u3000\u00a0\ufeff")
_SENTENCE_END = set(SENTENCE_END_MARKS + CLOSING_MARKS)


# -- 6. furniture and bylines: see policetext.furniture ----------------------


class NormalizeCounts:
    """How many things each step changed in one document: one attribute per
    counter of the registry (:data:`STEPS`), in its order."""

    def __init__(self) -> None:
        for name in counter_names():
            setattr(self, name, 0)

    def __getattr__(self, name: str) -> int:
        # only reached for a counter that no entry of STEPS declares
        raise AttributeError(f"no counter {name!r}: declare it on its step in STEPS")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NormalizeCounts) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return f"NormalizeCounts({self.as_dict()})"

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in counter_names()}


@dataclass(frozen=True)
class NormalizedText:
    """The result of normalisation: text, what changed, and byline metadata."""

    text: str
    counts: NormalizeCounts
    byline: Byline
    script: str  # "simplified", "traditional", "mixed" (or "unknown" when not converted)


class Work:
    """One text on its way through the steps: what each step reads and leaves.

    A step reads and sets ``text``; a step that splits the text into lines can
    leave them (``set_lines``): they are joined only if a later step reads
    ``text``, and the final pass strips them as they are.
    """

    def __init__(self, text: str, counts: NormalizeCounts, byline: Byline) -> None:
        self._text = text
        self._lines: list[str] | None = None
        self.counts = counts
        self.byline = byline
        self.script = "unknown"
        #: whether the text may hold full-width letters or digits (the stutter scan
        #: finds out on the way, which spares the width step its own scan)
        self.full_width = True

    @property
    def text(self) -> str:
        if self._lines is not None:
            self._text, self._lines = "\n".join(self._lines), None
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self._text, self._lines = text, None

    def set_lines(self, lines: list[str]) -> None:
        """Leave the text as lines."""
        self._lines = lines

    def lines(self) -> list[str]:
        """The text's lines."""
        return self._text.split("\n") if self._lines is None else self._lines


def _gbk_lead(char: str) -> int | None:
    """The lead byte of ``char`` in GBK, or ``None`` outside it."""
    try:
        return char.encode("gbk")[0]
    except UnicodeEncodeError:
        return None


def check_skip(config: Config) -> None:
    """Raise :class:`ConfigError` for a name in ``config.skip`` that is no step's."""
    unknown = sorted(config.skip - switches().keys())
    if unknown:
        raise ConfigError(
            f"unknown normalisation step {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(switches())}"
        )


#: distinct annotations whose verdict is remembered before the memory starts afresh
_KEPT_VERDICTS = 100_000


class Normalizer:
    """Owns the OpenCC converter and the data the steps need; create once, reuse."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        check_skip(self.config)
        #: the registry's steps this configuration runs, in order
        self.steps = tuple(step for step in STEPS if step_enabled(step, self.config))
        # whether each distinct annotation is pinyin: a corpus repeats its readings
        self._pinyin_verdicts: Memo[str, bool] = Memo(_KEPT_VERDICTS)

    def is_pinyin(self, annotation: str) -> bool:
        """Whether an annotation in brackets (``xí``) is pinyin; decided once per
        distinct annotation."""
        return self._pinyin_verdicts.recall(annotation, _is_pinyin)

    # ---- shared resources, loaded on first use -----------------------------
    @property
    def common_chars(self) -> frozenset[str]:
        return common_chars()

    @property
    def common_words(self) -> frozenset[str]:
        return common_words()

    @cached_property
    def converter(self) -> Callable[[str], str]:
        """The converter, fast on whole texts: the OpenCC binding (about 30 MB/s), or
        the reimplementation converting only the stretches that hold a convertible
        character, each distinct one once."""
        conversion = self.config.conversion or "t2s"
        if resolve_segmenter(self.config.engine) == "rjieba":
            fast = fast_converter(conversion)  # the fast extra: the OpenCC binding
            if fast is not None:
                return fast
        return StretchConverter(conversion, self.convertible_chars.isdisjoint)

    @cached_property
    def convertibles(self) -> Convertibles:
        """OpenCC's table of convertible characters for this conversion."""
        return Convertibles(self.config.conversion or "t2s")

    @property
    def convertible_chars(self) -> frozenset[str]:
        """Every character that some entry of the conversion would change."""
        return self.convertibles.chars

    def has_convertible(self, text: str) -> bool:
        """Whether ``text`` holds a character the conversion could change."""
        return self.convertibles.has_convertible(text)

    @cached_property
    def furniture(self) -> FurnitureReader:
        """The furniture and byline reader."""
        return FurnitureReader()

    # ---- the whole pass ----------------------------------------------------
    def normalize(self, text: str) -> NormalizedText:
        """Run every enabled step of :data:`STEPS` on ``text``, in order."""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        work = Work(text, NormalizeCounts(), Byline())
        for step in self.steps:
            step.run(self, work)
        lines = work.lines()
        # every line's blanks stripped and blank lines dropped, in C
        body = "\n".join(filter(None, map(_strip_blanks, lines)))
        return NormalizedText(body, work.counts, work.byline, work.script)

    # ---- 1 -----------------------------------------------------------------
    def _plausibility(self, text: str) -> float:
        han = [c for c in text if _is_han(c)]
        if not han:
            return 1.0
        return sum(c in self.common_chars for c in han) / len(han)

    def repair_garbled(self, text: str, counts: NormalizeCounts) -> str:
        """Re-read GBK stretches decoded one byte out of step; mark the rest ``〓``."""

        def fix(match: re.Match[str]) -> str:
            body, tail = match["body"], match["tail"]
            # a pinyin remnant after the "?" (``?fàn)``) is garble beyond doubt
            certain = match["py"] is not None
            original_score = 0.0 if certain else self._plausibility(body)
            try:
                raw = body.replace("?", "？").replace("!", "！").encode("gbk") + tail.encode()
            except UnicodeEncodeError:
                return match[0]
            # raw[0] is the trail byte of the character whose lead byte was lost.
            lost = b"\xa1" + raw[:1]
            try:
                first = lost.decode("gbk")
            except UnicodeDecodeError:
                first = NOISE_MARK
            if unicodedata.category(first)[0] != "P":
                first = NOISE_MARK
            try:
                rest = raw[1:].decode("gbk")
            except UnicodeDecodeError:
                rest = ""
            if rest and rest[-1] not in self.common_chars and not rest[-1].isascii():
                # the trail byte paired with a byte that was lost: unknowable
                rest = rest[:-1] + NOISE_MARK
            if (rest or certain) and self._plausibility(rest) >= 0.85 and original_score < 0.7:
                counts.garbled_repaired += 1
                return first + rest
            if original_score < 0.5 and (len(body) >= 4 or certain):
                counts.garbled_dropped += 1
                return NOISE_MARK
            return match[0]

        if "?" in text:
            if ")" in text and _NOTE_END_RE.search(text):
                text = self._repair_up_to_notes(text, counts)
            text = _GARBLE_RE.sub(fix, text)
        if "\ufffd" not in text:  # a plain test is 50 times faster than the scan
            return text

        def drop(match: re.Match[str]) -> str:
            counts.garbled_dropped += 1
            return NOISE_MARK

        return _REPLACEMENT_RUN.sub(drop, text)

    def _repair_up_to_notes(self, text: str, counts: NormalizeCounts) -> str:
        """Repair the stretches that end at a pinyin annotation (``?bào)``): the
        annotated character's lead byte ends the stretch, its trail byte is lost,
        and it is the one character of that lead byte that the text annotates
        with the same reading elsewhere (else the noise mark)."""
        readings: dict[str, set[str]] | None = None

        def fix(match: re.Match[str]) -> str:
            nonlocal readings
            body = match["body"]
            if match["py"] is None and self._plausibility(body) >= 0.7:
                return match[0]
            try:
                raw = body.replace("?", "？").replace("!", "！").encode("gbk")
            except UnicodeEncodeError:
                return match[0]
            if len(raw) % 2:  # raw[0] the first's trail byte, then pairs, then the lead
                return match[0]
            try:
                first = (b"\xa1" + raw[:1]).decode("gbk")
                rest = raw[1:-1].decode("gbk")
            except UnicodeDecodeError:
                return match[0]
            if unicodedata.category(first)[0] != "P":
                first = NOISE_MARK
            if self._plausibility(rest) < 0.85:
                return match[0]
            if readings is None:
                readings = {}
                for char, reading in re.findall(_ANNOTATED, text):
                    readings.setdefault(reading, set()).add(char)
            lead = raw[-1]
            found = {c for c in readings.get(match["note"], ()) if _gbk_lead(c) == lead}
            counts.garbled_repaired += 1
            return first + rest + (found.pop() if len(found) == 1 else NOISE_MARK)

        return _GARBLE_TO_NOTE_RE.sub(fix, text)

    # ---- 3 -----------------------------------------------------------------
    def to_simplified(self, text: str, counts: NormalizeCounts) -> str:
        """OpenCC conversion of the lines holding a convertible character, the whole
        text converted in one call (which costs less than the test of its lines). No
        dictionary entry holds a line break, so each line converts as it would
        alone; a changed line is kept only if the test would have sent it to
        OpenCC (the binding's dictionaries may be newer than those of the test)."""
        converted = self.converter(text)
        if converted == text:
            return text  # most texts: simplified already
        lines, new_lines = text.split("\n"), converted.split("\n")
        if len(lines) != len(new_lines):  # not line by line after all: test each line
            found = self.convertibles.lines(text)
            new_lines = [self.converter(line) for line in lines]
            flags = found[1] if found is not None else [False] * len(lines)
            new_lines = [
                new if flag else old for old, new, flag in zip(lines, new_lines, flags, strict=True)
            ]
        chars = self.convertible_chars  # has_convertible, without its encoding
        for i in compress(range(len(lines)), map(ne, lines, new_lines)):
            line, new = lines[i], new_lines[i]
            if chars.isdisjoint(line):
                new_lines[i] = line
            elif len(new) == len(line):
                counts.converted_chars += sum(map(ne, line, new))
            else:
                counts.converted_chars += max(1, abs(len(new) - len(line)))
        return "\n".join(new_lines)

    # ---- 5 -----------------------------------------------------------------
    def rejoin_broken_lines(self, text: str, counts: NormalizeCounts) -> str:
        """Join a line to the next when a word was broken across them (今 / 年以来).

        Only a line ending in Han can break a word, so only those line breaks
        are looked at; blank lines between the two halves go with the break.
        """
        done = 0  # text[:done] is in pieces
        pieces: list[str] = []
        joined_at = -1  # where the last joined line's text resumed
        joined_before = ""  # the line, as joined so far, up to there
        for end, newline in _breaks_after_han(text):
            resume = _NON_BLANK_RE.search(text, newline)
            if resume is None:
                break
            line_start = text.rfind("\n", 0, end) + 1
            if line_start <= joined_at < end:
                before = joined_before + text[joined_at:end]
            else:
                before = text[line_start:end]
            if self._breaks_word(before, text[resume.start()]):
                counts.lines_rejoined += 1
                pieces.append(text[done:end])
                done = joined_at = resume.start()
                joined_before = before
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    def _breaks_word(self, before: str, after: str) -> bool:
        if not before or not after or not _is_han(before[-1]) or not _is_han(after[0]):
            return False
        if before[-1] in _SENTENCE_END or (before[-1] + after[0]) not in self.common_words:
            return False
        # a heading is short and has no sentence punctuation; a broken paragraph has
        # punctuation before the break or is long enough to be running text
        if len(before) < 16 and _RUNNING_TEXT_MARK_RE.search(before) is None:
            return False
        # a publication line (来源：某某日报) ends in a name, not in half a word
        return not self.furniture.is_publication_line(before.strip(" \t\u3000"))


_RUNNING_TEXT_MARK_RE = re.compile("[。，；、]")


# ---- 2 ---------------------------------------------------------------------
def _is_pinyin(annotation: str) -> bool:
    for syllable in annotation.split(" "):
        plain = "".join(
            c
            for c in unicodedata.normalize("NFD", syllable.lower())
            if not unicodedata.combining(c)
        )
        plain = plain.replace("ü", "v")
        if not _SYLLABLE_RE.fullmatch(plain):
            return False
    return True


def strip_pinyin(
    text: str,
    counts: NormalizeCounts | None = None,
    is_pinyin: Callable[[str], bool] = _is_pinyin,
) -> str:
    """Remove pinyin annotations written right after a Han character
    (``is_pinyin`` tells an annotation apart: ``Normalizer.is_pinyin`` remembers).

    >>> strip_pinyin("見習(xí)記者，办法(试行)")
    '見習記者，办法(试行)'
    """

    def drop(match: re.Match[str]) -> str:
        if not is_pinyin(match["py"]):
            return match[0]
        if counts is not None:
            counts.pinyin_removed += 1
        return ""

    ascii_bracket, wide_bracket = "(" in text, "（" in text
    if ascii_bracket and wide_bracket:
        return _PINYIN_RE.sub(drop, text)
    if ascii_bracket or wide_bracket:
        return _PINYIN_ONE_BRACKET["(" if ascii_bracket else "（"].sub(drop, text)
    return text


# ---- 4 ---------------------------------------------------------------------
def fix_width(text: str, counts: NormalizeCounts | None = None, *, narrow: bool = True) -> str:
    """Full-width digits and letters to ASCII; ASCII punctuation in Chinese text to Chinese.

    An ASCII mark turns Chinese when a neighbour is Chinese-side (Han, CJK or
    full-width punctuation, quotes); a bracket not when its other side is an
    ASCII letter or digit, so ``f(x)`` stays. A mark turned Chinese makes its
    neighbour mark Chinese-side too (``:,“``): the passes repeat until none changes.
    ``narrow=False`` skips the letters and digits, for text known to hold none.

    >>> fix_width("共抓获１２人,其中")
    '共抓获12人，其中'
    """
    changed = 0

    def to_ascii(match: re.Match[str]) -> str:
        nonlocal changed
        changed += 1
        return _FULLWIDTH_ALNUM[match[0]]

    if narrow:
        text = _FULLWIDTH_RE.sub(to_ascii, text)
    marks = [mark for mark in _WIDE_FORM if mark in text]
    while marks:
        progressed = False
        for mark in marks:
            text, n = _widen_mark(text, mark)
            changed += n
            progressed = progressed or n > 0
        marks = [mark for mark in marks if mark in text] if progressed else []
    if counts is not None:
        counts.width_fixed += changed
    return text


# ---- 5 ---------------------------------------------------------------------
def collapse_stutter(line: str, counts: NormalizeCounts | None = None) -> str:
    """Undo scraping stutter on a line that shows it (doubled commas or semicolons).

    Only such lines are touched, so reduplication (扎扎实实, 时时刻刻) elsewhere is kept.

    >>> collapse_stutter("相结合,,为为192192名民警晋升职级,,激励")
    '相结合,为192名民警晋升职级,激励'
    """
    if not any(
        m[0][0].translate(_PUNCT_KIND) == m[0][1].translate(_PUNCT_KIND)
        for m in _DOUBLED_PUNCT_RE.finditer(line)
    ):
        return line
    pieces = _STUTTER_PIECE_RE.findall(line)
    n = len(pieces)
    keep = [True] * n
    stutter = [False] * n
    # each piece's kind: ASCII , ; : count as their Chinese forms
    kinds = list(map(_MARK_KIND.get, pieces, pieces))
    halved = 0
    # only marks and numbers of four or more digits stutter by themselves
    for i in [i for i, kind in enumerate(kinds) if kind in _STUTTER_MARKS or len(kind) >= 4]:
        piece, kind = pieces[i], kinds[i]
        if kind in _STUTTER_MARKS and i + 1 < n and kinds[i + 1] == kind and not stutter[i]:
            # a run of one mark (",," or ",,,") collapses to its first
            j = i + 1
            while j < n and kinds[j] == kind:
                stutter[j] = True
                keep[j] = False
                j += 1
            stutter[i] = True
        elif piece[0].isdigit() and len(piece) >= 4 and len(piece) % 2 == 0:
            half = len(piece) // 2
            if piece[:half] == piece[half:]:
                pieces[i] = piece[:half]
                stutter[i] = True
                halved += 1
    # a doubled character (为为) next to stutter is stutter too
    for i in compress(range(n - 1), map(eq, pieces, pieces[1:])):
        if keep[i] and _is_han(pieces[i]) and not stutter[i]:
            before = stutter[i - 1] if i > 0 else False
            after = stutter[i + 2] if i + 2 < n else False
            if before or after:
                keep[i + 1] = False
                stutter[i] = stutter[i + 1] = True
    if counts is not None:
        counts.stutter_fixed += keep.count(False) + halved
    return "".join(compress(pieces, keep))


def _collapse_stuttering_lines(text: str, counts: NormalizeCounts) -> tuple[str, bool]:
    """Run :func:`collapse_stutter` on the lines holding a doubled mark, and only
    those; and tell whether the text holds full-width letters or digits.

    One scan of the whole text finds both (a test per line is four times
    slower, and a second scan for width repair would cost as much again).
    """
    pieces = []
    done = 0
    full_width = False
    search = _STUTTER_OR_FULL_WIDTH_RE.search
    match = search(text)
    while match:
        at = match.start()
        if text[at] in _FULLWIDTH_ALNUM:
            full_width = True
            search = _MARK_BEFORE_MARK_RE.search  # one is enough
            match = search(text, at + 1)
            continue
        if text[at].translate(_PUNCT_KIND) != text[at + 1].translate(_PUNCT_KIND):
            match = search(text, at + 1)
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        pieces += (text[done:start], collapse_stutter(text[start:end], counts))
        # the rest of the line is not scanned
        full_width = full_width or _FULLWIDTH_RE.search(text, at, end) is not None
        done = end
        match = search(text, end)
    if not pieces:
        return text, full_width
    pieces.append(text[done:])
    return "".join(pieces), full_width


def _breaks_after_han(text: str) -> list[tuple[int, int]]:
    """``(end, newline)`` for each line ending in Han: where its text ends (before
    any trailing blanks) and where its line break is."""
    found = []
    for match in _BREAK_AFTER_HAN_OR_BLANK_RE.finditer(text):
        end = newline = match.start()
        while text[end - 1] in " \t\u3000":  # rare: trailing blanks
            end -= 1
            if end == 0:
                break
        if end > 0 and _is_han(text[end - 1]):
            found.append((end, newline))
    return found


def judge_script(text: str, converted_chars: int) -> str:
    """Name the script from the share of Han characters that conversion changed."""
    return script_of(count_han(text), converted_chars) if converted_chars else "simplified"


def normalize_text(text: str, config: Config | None = None) -> str:
    """Normalise one text with a throw-away :class:`Normalizer` (see the module docstring).

    >>> normalize_text("他是見習(xí)民警,抓獲嫌疑人１２人")
    '他是见习民警，抓获嫌疑人12人'
    """
    return Normalizer(config).normalize(text).text


# ---- the registry ----------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One normalisation step: a function of ``(normalizer, work)`` that changes
    ``work`` in place, and the switch that turns it off.

    ``flag`` names the switch (``--no-FLAG``, ``Config(skip={FLAG})``; default:
    the step's name). Steps may share one: ``stutter`` collapses doubled pieces
    before width repair and rejoins broken words after it. A switch is declared
    on exactly one of its steps, the one with ``help``: its ``--no-FLAG`` help,
    and the counters (:class:`NormalizeCounts`, ``--report`` columns) that all
    its steps increment. ``when`` says what else of the configuration it needs.
    """

    name: str
    run: Callable[[Normalizer, Work], None]
    flag: str = ""
    help: str = ""
    counters: tuple[str, ...] = ()
    when: Callable[[Config], bool] | None = None

    @property
    def switch(self) -> str:
        return self.flag or self.name


def _markup(normalizer: Normalizer, work: Work) -> None:
    # first: a comment splits a number (4<!--AD-->.5万人), entities hide punctuation
    work.text, removed = strip_markup(work.text)
    work.counts.markup_removed += removed


def _repair(normalizer: Normalizer, work: Work) -> None:
    # first: the repair needs the garbled characters as they were decoded
    work.text = normalizer.repair_garbled(work.text, work.counts)


def _pinyin(normalizer: Normalizer, work: Work) -> None:
    work.text = strip_pinyin(work.text, work.counts, normalizer.is_pinyin)


def _convert(normalizer: Normalizer, work: Work) -> None:
    work.text = normalizer.to_simplified(work.text, work.counts)
    work.script = judge_script(work.text, work.counts.converted_chars)


def _collapse(normalizer: Normalizer, work: Work) -> None:
    # before width repair, which would turn ",," into "，,"
    work.text, work.full_width = _collapse_stuttering_lines(work.text, work.counts)


def _width(normalizer: Normalizer, work: Work) -> None:
    work.text = fix_width(work.text, work.counts, narrow=work.full_width)


def _rejoin(normalizer: Normalizer, work: Work) -> None:
    work.text = normalizer.rejoin_broken_lines(work.text, work.counts)


def _furniture(normalizer: Normalizer, work: Work) -> None:
    lines, removed, bylines = normalizer.furniture.strip(work.text, work.byline)
    work.counts.furniture_removed += removed
    work.counts.bylines_removed += bylines
    work.set_lines(lines)


#: Every normalisation step, in the order they run. The ``--no-*`` options, the
#: ``Config.skip`` names, the ``--report`` columns, the counters and the cache
#: fingerprint are all derived from this table: a new step is one function and
#: one entry here.
STEPS: tuple[Step, ...] = (
    Step(
        "markup",
        _markup,
        help="Keep HTML comments, tags and entities as scraped.",
        counters=("markup_removed",),
    ),
    Step(
        "repair",
        _repair,
        help="Keep garbled GBK stretches as they are.",
        counters=("garbled_repaired", "garbled_dropped"),
    ),
    Step(
        "pinyin", _pinyin, help="Keep pinyin annotations like 習(xí).", counters=("pinyin_removed",)
    ),
    Step(
        "convert",
        _convert,
        help="Keep traditional characters.",
        counters=("converted_chars",),
        when=lambda config: bool(config.conversion),
    ),
    Step("collapse", _collapse, flag="stutter"),
    Step(
        "width",
        _width,
        help="Keep full-width digits, ASCII punctuation.",
        counters=("width_fixed",),
    ),
    Step(
        "furniture",
        _furniture,
        help="Keep page furniture and bylines.",
        counters=("furniture_removed", "bylines_removed"),
    ),
    Step(
        "rejoin",
        _rejoin,
        flag="stutter",
        help="Keep doubled pieces and broken lines.",
        counters=("stutter_fixed", "lines_rejoined"),
    ),
)


@cache
def _derived(steps: tuple[Step, ...]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The switches (flag → help, in order) and the counters of a registry."""
    switches: dict[str, str] = {}
    counters: list[str] = []
    for step in steps:
        if step.help:
            if step.switch in switches:
                raise ValueError(f"normalisation switch {step.switch!r} declared twice")
            switches[step.switch] = step.help
            counters.extend(step.counters)
        elif step.counters:
            raise ValueError(f"step {step.name!r}: counters belong to the step with help")
    undeclared = {step.switch for step in steps} - set(switches)
    if undeclared:
        raise ValueError(f"normalisation switches without help: {sorted(undeclared)}")
    return switches, tuple(counters)


def switches() -> dict[str, str]:
    """Each switch of the registry (``--no-NAME``, ``Config.skip``) and its help."""
    return dict(_derived(STEPS)[0])


def counter_names() -> tuple[str, ...]:
    """The counters of the registry, in order: the ``--report`` columns."""
    return _derived(STEPS)[1]


def step_enabled(step: Step, config: Config) -> bool:
    """Whether ``config`` runs ``step``."""
    return step.switch not in config.skip and (step.when is None or step.when(config))


def settings_fingerprint(config: Config) -> str:
    """What of the configuration changes the normalised text: the conversion, a
    forced encoding, and which of the registry's steps run (so that a new step
    changes the fingerprint, and cached text made without it is not reused)."""
    steps = {step.name: step_enabled(step, config) for step in STEPS}
    relevant = {"conversion": config.conversion, "encoding": config.encoding, "steps": steps}
    return json.dumps(relevant, sort_keys=True)
