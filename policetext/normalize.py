"""Repair and normalise decoded text, one small function per fix.

Steps run in this order, because each needs the text the previous one leaves:

1. ``repair_garbled``: GBK stretches decoded one byte out of step are re-encoded
   and read one byte later; what cannot be repaired becomes the noise mark ``〓``.
   (Must run on the raw text: the repair needs the garbled characters as they are.)
2. ``strip_pinyin``: ``見習(xí)記者`` → ``見習記者``.
3. ``to_simplified``: OpenCC t2s (or tw2s, hk2s); lines with no traditional
   character are not passed to OpenCC at all.
4. ``fix_width``: full-width digits and Latin letters to ASCII; ASCII ``,:;()?!``
   beside Chinese text to the Chinese forms.
5. ``fix_stutter``: scraping doubles (``,,`` ``为为192192``) and words broken across
   a line break (``今`` / ``年以来``).
6. ``strip_furniture``: page furniture removed; bylines and editor become metadata.

Finally lines are stripped and blank lines dropped: one paragraph per line.
Normalising normalised text changes nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from itertools import compress
from operator import eq, methodcaller, ne

from policetext.config import Config
from policetext.datafiles import common_chars, common_words, shipped_lines
from policetext.engines import fast_converter, pure_converter, pure_opencc_root, resolve_segmenter
from policetext.patterns import literal_first_chars, search_at
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
_REPLACEMENT_RUN = re.compile("\ufffd+")
# what the "xmlcharrefreplace" error handler writes for a character outside a codec
_CHAR_REFERENCE = re.compile(rb"&#(\d+);")

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

# -- 6. furniture and bylines -----------------------------------------------
_EDITOR_WORDS = "责任编辑|编辑|校对|审核|终审"
_EDITOR_RE = re.compile(rf"^(?:{_EDITOR_WORDS})\s*[:：]\s*(?P<names>.{{1,30}})$")


@dataclass
class NormalizeCounts:
    """How many things each step changed in one document."""

    garbled_repaired: int = 0
    garbled_dropped: int = 0
    pinyin_removed: int = 0
    converted_chars: int = 0
    width_fixed: int = 0
    stutter_fixed: int = 0
    lines_rejoined: int = 0
    furniture_removed: int = 0
    bylines_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Byline:
    """Metadata taken out of the body: who wrote and edited the article."""

    source: str = ""
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editor: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NormalizedText:
    """The result of normalisation: text, what changed, and byline metadata."""

    text: str
    counts: NormalizeCounts
    byline: Byline
    script: str  # "simplified", "traditional", "mixed" (or "unknown" when not converted)


class Normalizer:
    """Owns the OpenCC converter and the data the steps need; create once, reuse."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()

    # ---- shared resources, loaded on first use -----------------------------
    @property
    def common_chars(self) -> frozenset[str]:
        return common_chars()

    @property
    def common_words(self) -> frozenset[str]:
        return common_words()

    @cached_property
    def converter(self) -> Callable[[str], str]:
        conversion = self.config.conversion or "t2s"
        if resolve_segmenter(self.config.engine) == "rjieba":
            fast = fast_converter(conversion)  # the fast extra: the OpenCC binding
            if fast is not None:
                return fast
        return pure_converter(conversion)

    @cached_property
    def convertible_chars(self) -> frozenset[str]:
        """Every character that some entry of the conversion would change."""
        root = pure_opencc_root()
        conf = json.loads((root / "config" / f"{self.config.conversion}.json").read_text("utf-8"))
        files: list[str] = []

        def collect(node: object) -> None:
            if isinstance(node, dict):
                if node.get("type") == "txt":
                    files.append(str(node["file"]))
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        collect(conf.get("conversion_chain", []))
        common = self.common_chars
        single: set[str] = set()
        phrases: list[str] = []
        for name in files:
            with open(root / "dictionary" / name, encoding="utf-8") as handle:
                for line in handle:
                    key, _, values = line.rstrip("\n").partition("\t")
                    if not key or values.split(" ")[0] == key:
                        continue
                    if len(key) == 1:
                        single.add(key)
                    else:
                        phrases.append((key, values.split(" ")[0]))
        chars = set(single)
        for key, value in phrases:
            # A phrase can only fire on a line holding all its characters, so one
            # character per phrase suffices: one that the phrase changes (藉 in
            # 藉口), else a rare one, so that simplified text is not sent through
            # OpenCC for nothing.
            if any(c in chars for c in key):
                continue
            changed = [a for a, b in zip(key, value, strict=False) if a != b]
            rare = [c for c in key if c not in common]
            chars.add((changed or rare or [key[-1]])[0])
        return frozenset(chars)

    @cached_property
    def _convertible_in_gb2312(self) -> str:
        """The few convertible characters that GB2312 holds (乾, 後, 於 …)."""
        inside = []
        for char in self.convertible_chars:
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                continue
            inside.append(char)
        return "".join(sorted(inside))

    def has_convertible(self, text: str) -> bool:
        """Whether ``text`` holds a character the conversion could change.

        Simplified text is almost all GB2312, which the codec checks in C at
        hundreds of MB/s and which writes the few characters outside it as
        ``&#N;``. Only those, and the 18 convertible characters that GB2312
        holds, need looking at; a set test of every character is ten times slower.
        """
        if "&#" in text:  # the text writes references itself: they are ambiguous
            return not self.convertible_chars.isdisjoint(text)
        encoded = text.encode("gb2312", "xmlcharrefreplace")
        return bool(self._referenced_convertibles(encoded)) or self._holds_gb2312_convertible(text)

    def _referenced_convertibles(self, encoded: bytes) -> frozenset[str]:
        """The convertible characters written as ``&#N;`` in ``encoded``."""
        if b"&#" not in encoded:
            return frozenset()
        codes = _CHAR_REFERENCE.findall(encoded)
        return self.convertible_chars.intersection(chr(int(code)) for code in codes)

    def _holds_gb2312_convertible(self, text: str) -> bool:
        """Whether ``text`` holds one of the convertible characters GB2312 holds."""
        if len(text) > 16384:  # one plain search per character beats the class scan
            return any(char in text for char in self._convertible_in_gb2312)
        return self._convertible_in_gb2312_re.search(text) is not None

    @cached_property
    def _convertible_in_gb2312_re(self) -> re.Pattern[str]:
        inside = self._convertible_in_gb2312
        return re.compile(f"[{re.escape(inside)}]" if inside else "(?!)")

    @cached_property
    def furniture_patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The whole-line patterns and the inline ones, each joined into one regex."""
        whole: list[str] = []
        inline: list[str] = []
        for line in shipped_lines("furniture.txt"):
            kind, _, pattern = line.partition("\t")
            (whole if kind == "line" else inline).append(f"(?:{pattern})")
        return re.compile("|".join(whole)), re.compile("|".join(inline))

    @cached_property
    def byline_roles(self) -> tuple[re.Pattern[str], dict[str, str]]:
        roles = {}
        for line in shipped_lines("byline_roles.txt"):
            field_name, _, role = line.partition("\t")
            roles[role] = field_name
        ordered = sorted(roles, key=len, reverse=True)
        return re.compile("(" + "|".join(map(re.escape, ordered)) + ")"), roles

    # ---- the whole pass ----------------------------------------------------
    def normalize(self, text: str) -> NormalizedText:
        """Run every enabled step on ``text``."""
        cfg = self.config
        counts = NormalizeCounts()
        byline = Byline()
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if cfg.repair_garbled:
            text = self.repair_garbled(text, counts)
        if cfg.strip_pinyin:
            text = strip_pinyin(text, counts)
        script = "unknown"
        if cfg.conversion:
            text = self.to_simplified(text, counts)
            script = judge_script(text, counts.converted_chars)
        full_width = True  # whether the text may hold full-width letters or digits
        if cfg.fix_stutter:
            # before width repair, which would turn ",," into "，,"
            text, full_width = _collapse_stuttering_lines(text, counts)
        if cfg.fix_width:
            text = fix_width(text, counts, narrow=full_width)
        if cfg.fix_stutter:
            text = self.rejoin_broken_lines(text, counts)
        if cfg.strip_furniture:
            lines = self.strip_furniture(text, counts, byline)
        else:
            lines = text.split("\n")
        # every line's blanks stripped and blank lines dropped, in C
        body = "\n".join(filter(None, map(_strip_blanks, lines)))
        return NormalizedText(body, counts, byline, script)

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
            text = _GARBLE_RE.sub(fix, text)
        if "\ufffd" not in text:  # a plain test is 50 times faster than the scan
            return text

        def drop(match: re.Match[str]) -> str:
            counts.garbled_dropped += 1
            return NOISE_MARK

        return _REPLACEMENT_RUN.sub(drop, text)

    # ---- 3 -----------------------------------------------------------------
    def to_simplified(self, text: str, counts: NormalizeCounts) -> str:
        """OpenCC conversion, skipping lines that hold no convertible character."""
        # a character test is far cheaper than a conversion (OpenCC: about 3 MB/s)
        found = self._convertible_lines(text)
        if found is None:
            return text
        out = []
        for line, convert in zip(*found, strict=True):
            if convert:
                converted = self.converter(line)
                if len(converted) == len(line):
                    counts.converted_chars += sum(map(ne, line, converted))
                else:
                    counts.converted_chars += max(1, abs(len(converted) - len(line)))
                line = converted
            out.append(line)
        return "\n".join(out)

    def _convertible_lines(self, text: str) -> tuple[list[str], list[bool]] | None:
        """The lines of ``text`` and ``has_convertible`` of each (``None`` when no
        line has one), from one encoding of the whole text: a line break is one
        byte of it and never part of a two-byte character, so its lines are the
        text's lines."""
        if "&#" in text:  # references written in the text: the plain test, line by line
            if not self.has_convertible(text):
                return None
            lines = text.split("\n")
            return lines, [self.has_convertible(line) for line in lines]
        encoded = text.encode("gb2312", "xmlcharrefreplace")
        hits = self._referenced_convertibles(encoded)  # those outside GB2312
        check_inside = self._holds_gb2312_convertible(text)  # usually none of the 18
        if not (hits or check_inside):
            return None
        search_inside = self._convertible_in_gb2312_re.search
        lines = text.split("\n")
        return lines, [
            (b"&#" in line_bytes and not hits.isdisjoint(line))
            or (check_inside and search_inside(line) is not None)
            for line, line_bytes in zip(lines, encoded.split(b"\n"), strict=True)
        ]

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
        return len(before) >= 16 or _RUNNING_TEXT_MARK_RE.search(before) is not None

    # ---- 6 -----------------------------------------------------------------
    def strip_furniture(self, text: str, counts: NormalizeCounts, byline: Byline) -> list[str]:
        """The lines of ``text`` without page furniture; bylines and editor lines
        go into ``byline``."""
        whole, inline = self.furniture_patterns
        lines = text.split("\n")
        any_inline = search_at(inline, self.inline_furniture_firsts, text)
        candidates = self._furniture_candidates(text)
        byline_hint = self.byline_hint.search
        out = []
        for index, line in enumerate(lines):
            stripped = line.strip(" \t\u3000\u00a0")
            if not stripped:
                out.append(line)
                continue
            if index in candidates and whole.fullmatch(stripped):
                counts.furniture_removed += 1
                continue
            if any_inline:
                stripped, n = inline.subn("", stripped)
                counts.furniture_removed += n
                if not stripped:
                    continue
            if (
                len(stripped) <= 60
                and byline_hint(stripped)
                and self._take_byline(stripped, byline)
            ):
                counts.bylines_removed += 1
                continue
            out.append(stripped)
        return out

    def _furniture_candidates(self, text: str) -> set[int]:
        """The lines (by index) that a whole-line furniture pattern may match.

        One scan of the text jumps from line break to line break in C; the
        caller confirms each line with ``fullmatch``, so a pattern that runs on
        into the next line (``\\s*``) costs a check, never a miss.
        """
        scan = self.furniture_scan
        found = {0}  # the first line, which no line break precedes
        line, counted = 0, 0
        match = scan.search(text)
        while match:
            line += 1 + text.count("\n", counted, match.start())
            counted = match.start() + 1
            found.add(line)
            match = scan.search(text, counted)
        return found

    @cached_property
    def byline_hint(self) -> re.Pattern[str]:
        """A word that every byline or editor line holds (the roles, 责任编辑 …)."""
        _, roles = self.byline_roles
        words = sorted({*roles, *_EDITOR_WORDS.split("|")}, key=len, reverse=True)
        # plain words, no group: the engine then skips in C to their first characters
        return re.compile("|".join(map(re.escape, words)))

    @cached_property
    def inline_furniture_firsts(self) -> str | None:
        """The characters an inline furniture match starts with (brackets), if few."""
        return literal_first_chars(self.furniture_patterns[1].pattern)

    @cached_property
    def furniture_scan(self) -> re.Pattern[str]:
        """The whole-line patterns after a line break (a literal first: a fast scan)."""
        whole, _ = self.furniture_patterns
        space = "[ \t\u3000\u00a0]*"
        return re.compile(f"\n{space}(?:{whole.pattern}){space}(?![^\n])")

    def _take_byline(self, line: str, byline: Byline) -> bool:
        editor = _EDITOR_RE.match(line)
        if editor:
            byline.editor.extend(_split_names(editor["names"]))
            return True
        if len(line) > 60 or _SENTENCE_MARK_RE.search(line):
            return False
        pattern, roles = self.byline_roles
        parts = pattern.split(line)
        if len(parts) < 3:
            return False
        found: dict[str, list[str]] = {}
        for role, chunk in zip(parts[1::2], parts[2::2], strict=False):
            names = _split_names(chunk)
            if not names:
                return False
            found.setdefault(roles[role], []).extend(names)
        lead = parts[0].strip(" ●·•:：/")
        if lead and (
            len(lead) > 20 or not re.search(r"(报|网|刊|台|社|杂志|新闻|客户端|[/／])$", lead)
        ):
            return False
        if lead:
            byline.source = byline.source or lead.rstrip("/／")
        byline.reporters.extend(found.get("reporters", []))
        byline.correspondents.extend(found.get("correspondents", []))
        byline.editor.extend(found.get("editor", []))
        return True


_RUNNING_TEXT_MARK_RE = re.compile("[。，；、]")
_SENTENCE_MARK_RE = re.compile("[。，；！？“”]")  # none of them is in a byline
_NAME_RE = re.compile(f"[{HAN}]{{2,4}}(?:[·•][{HAN}]{{2,6}})?")


def _split_names(chunk: str) -> list[str]:
    """Personal names in a byline chunk: ``●王祯`` or ``张锦程 王硕``."""
    names = []
    for piece in re.split(r"[\s●·•:：、，,/／]+", chunk):
        if not piece:
            continue
        if not _NAME_RE.fullmatch(piece):
            return []
        names.append(piece)
    return names


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


def strip_pinyin(text: str, counts: NormalizeCounts | None = None) -> str:
    """Remove pinyin annotations written right after a Han character.

    >>> strip_pinyin("見習(xí)記者，办法(试行)")
    '見習記者，办法(试行)'
    """

    def drop(match: re.Match[str]) -> str:
        if not _is_pinyin(match["py"]):
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
