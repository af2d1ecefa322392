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
from functools import cached_property

from policetext.config import Config
from policetext.datafiles import common_chars, common_words, shipped_lines
from policetext.engines import fast_converter, pure_converter, pure_opencc_root, resolve_segmenter

#: the noise mark put where a garbled stretch could not be repaired (geta mark).
NOISE_MARK = "〓"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")
_HAN_RUN_RE = re.compile(f"[{HAN}]+")
# Chinese-side neighbours for width repair: Han, CJK and full-width punctuation, quotes.
_CJK_CONTEXT = f"{HAN}\u3000-\u303f\uff01-\uff60\u2018\u2019\u201c\u201d\u2014\u2026{NOISE_MARK}"

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

# -- 2. pinyin annotations --------------------------------------------------
# the bracket comes first and the look-behind after it, so that the engine can
# skip to brackets instead of trying the look-behind at every position
_PINYIN_RE = re.compile(
    f"[(（](?<=[{HAN}][(（])(?P<py>[a-zA-Zü\u00e0-\u01dc\u0300-\u036f]{{1,7}}"
    f"(?: [a-zA-Zü\u00e0-\u01dc\u0300-\u036f]{{1,7}}){{0,3}})[)）]"
)
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
_ASCII_TO_CJK_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_PUNCT_RE = re.compile(r"[,:;()?!]")
_CJK_CLASS = f"[{HAN}\u3000-\u303f\uff01-\uff60\u2018\u2019\u201c\u201d\u2014\u2026〓]"
# one pattern per mark, so that each substitution is a plain string (no Python
# call per mark); the mark comes first so that the engine skips to it
_BETWEEN_CJK = tuple(
    (re.compile(f"{re.escape(mark)}(?<={_CJK_CLASS}{re.escape(mark)})(?={_CJK_CLASS})"), wide)
    for mark, wide in ((",", "，"), (":", "："), (";", "；"), ("?", "？"), ("!", "！"))
)

# -- 5. stutter -------------------------------------------------------------
_DOUBLED_PUNCT_RE = re.compile(r"[,;:，；：、。][,;:，；：、。]")
# ASCII and Chinese forms of one mark count as the same piece when doubled
_PUNCT_KIND = str.maketrans(",;:", "，；：")
_MARK_KIND = {",": "，", ";": "；", ":": "："}
_STUTTER_MARKS = frozenset("，；：、。")  # marks whose runs are stutter (kinds, so ASCII too)
# a line can only stutter where a mark is doubled with itself (ASCII or Chinese form)
_SAME_DOUBLED_RE = re.compile(r"[,，][,，]|[;；][;；]|[:：][:：]|、、|。。")
_STUTTER_PIECE_RE = re.compile(r"\d+(?:\.\d+)?|.", re.S)
_SENTENCE_END = set("。！？；…”’」』）)!?;")

# -- 6. furniture and bylines -----------------------------------------------
_EDITOR_RE = re.compile(r"^(?:责任编辑|编辑|校对|审核|终审)\s*[:：]\s*(?P<names>.{1,30})$")


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


def _is_han(char: str) -> bool:
    return bool(_HAN_RE.match(char))


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
    def _convertible_in_gb2312(self) -> re.Pattern[str]:
        """The few convertible characters that GB2312 holds (乾, 後, 於 …)."""
        inside = []
        for char in self.convertible_chars:
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                continue
            inside.append(re.escape(char))
        return re.compile(f"[{''.join(sorted(inside))}]" if inside else "(?!)")

    def has_convertible(self, text: str) -> bool:
        """Whether ``text`` holds a character the conversion could change.

        Simplified text is almost all GB2312, which the codec checks in C at
        hundreds of MB/s; then only the few convertible characters GB2312 holds
        need looking for. Other text gets the set test (about 50 MB/s here).
        """
        verdict = self._gb2312_verdict(text)
        return not self.convertible_chars.isdisjoint(text) if verdict is None else verdict

    def _gb2312_verdict(self, text: str) -> bool | None:
        """``has_convertible`` for GB2312 text; ``None`` when ``text`` is not GB2312."""
        try:
            text.encode("gb2312")
        except UnicodeEncodeError:
            return None
        return self._convertible_in_gb2312.search(text) is not None

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
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if cfg.repair_garbled:
            text = self.repair_garbled(text, counts)
        if cfg.strip_pinyin:
            text = strip_pinyin(text, counts)
        script = "unknown"
        if cfg.conversion:
            text = self.to_simplified(text, counts)
            script = judge_script(text, counts.converted_chars)
        if cfg.fix_stutter:
            # before width repair, which would turn ",," into "，,"
            if _SAME_DOUBLED_RE.search(text):  # most texts, and most lines, have none
                text = "\n".join(
                    collapse_stutter(line, counts) if _SAME_DOUBLED_RE.search(line) else line
                    for line in text.split("\n")
                )
        if cfg.fix_width:
            text = fix_width(text, counts)
        lines = text.split("\n")
        if cfg.fix_stutter:
            lines = self.rejoin_broken_lines(lines, counts)
        if cfg.strip_furniture:
            lines = self.strip_furniture(lines, counts, byline)
        body = "\n".join(s for line in lines if (s := line.strip(" \t\u3000\u00a0\ufeff")))
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

        text = _GARBLE_RE.sub(fix, text)

        def drop(match: re.Match[str]) -> str:
            counts.garbled_dropped += 1
            return NOISE_MARK

        return _REPLACEMENT_RUN.sub(drop, text)

    # ---- 3 -----------------------------------------------------------------
    def to_simplified(self, text: str, counts: NormalizeCounts) -> str:
        """OpenCC conversion, skipping lines that hold no convertible character."""
        # a character test is far cheaper than a conversion (OpenCC: about 3 MB/s)
        if self._gb2312_verdict(text) is False:
            return text  # all GB2312, none of its convertible characters
        out = []
        for line in text.split("\n"):
            if self.has_convertible(line):
                converted = self.converter(line)
                if len(converted) == len(line):
                    pairs = zip(line, converted, strict=True)
                    counts.converted_chars += sum(a != b for a, b in pairs)
                else:
                    counts.converted_chars += max(1, abs(len(converted) - len(line)))
                line = converted
            out.append(line)
        return "\n".join(out)

    # ---- 5 -----------------------------------------------------------------
    def rejoin_broken_lines(self, lines: list[str], counts: NormalizeCounts) -> list[str]:
        """Join a line to the next when a word was broken across them (今 / 年以来)."""
        out: list[str] = []
        pending_blank: list[str] = []
        for line in lines:
            stripped = line.strip(" \t\u3000")
            if not stripped:
                pending_blank.append(line)
                continue
            if out and self._breaks_word(out[-1].rstrip(" \t\u3000"), stripped):
                out[-1] = out[-1].rstrip(" \t\u3000") + stripped
                counts.lines_rejoined += 1
                pending_blank = []
                continue
            out.extend(pending_blank)
            pending_blank = []
            out.append(line)
        out.extend(pending_blank)
        return out

    def _breaks_word(self, before: str, after: str) -> bool:
        if not before or not after or not _is_han(before[-1]) or not _is_han(after[0]):
            return False
        if before[-1] in _SENTENCE_END:
            return False
        # a heading is short and has no sentence punctuation; a broken paragraph has
        # punctuation before the break or is long enough to be running text
        running_text = any(p in before for p in "。，；、") or len(before) >= 16
        return running_text and (before[-1] + after[0]) in self.common_words

    # ---- 6 -----------------------------------------------------------------
    def strip_furniture(
        self, lines: list[str], counts: NormalizeCounts, byline: Byline
    ) -> list[str]:
        """Remove page furniture; move bylines and editor lines into ``byline``."""
        whole, inline = self.furniture_patterns
        any_inline = inline.search("\n".join(lines)) is not None
        out = []
        for line in lines:
            stripped = line.strip(" \t\u3000\u00a0")
            if not stripped:
                out.append(line)
                continue
            if whole.fullmatch(stripped):
                counts.furniture_removed += 1
                continue
            if any_inline:
                stripped, n = inline.subn("", stripped)
                counts.furniture_removed += n
                if not stripped:
                    continue
            if len(stripped) <= 60 and self._take_byline(stripped, byline):
                counts.bylines_removed += 1
                continue
            out.append(stripped)
        return out

    def _take_byline(self, line: str, byline: Byline) -> bool:
        editor = _EDITOR_RE.match(line)
        if editor:
            byline.editor.extend(_split_names(editor["names"]))
            return True
        if len(line) > 60 or any(p in line for p in "。，；！？“”"):
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

    return _PINYIN_RE.sub(drop, text)


# ---- 4 ---------------------------------------------------------------------
def fix_width(text: str, counts: NormalizeCounts | None = None) -> str:
    """Full-width digits and letters to ASCII; ASCII punctuation in Chinese text to Chinese.

    >>> fix_width("共抓获１２人,其中")
    '共抓获12人，其中'
    """
    changed = 0

    def narrow(match: re.Match[str]) -> str:
        nonlocal changed
        changed += 1
        return _FULLWIDTH_ALNUM[match[0]]

    text = _FULLWIDTH_RE.sub(narrow, text)

    def widen(match: re.Match[str]) -> str:
        nonlocal changed
        i = match.start()
        before = text[i - 1] if i > 0 else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        cjk_before = before in _CJK_CONTEXT_SET or _is_han(before)
        cjk_after = after in _CJK_CONTEXT_SET or _is_han(after)
        ascii_before = before.isascii() and before.isalnum()
        ascii_after = after.isascii() and after.isalnum()
        char = match[0]
        if char == "(":
            ok = cjk_before or (cjk_after and not ascii_before)
        elif char == ")":
            ok = cjk_after or (cjk_before and not ascii_after) or (after == "\n" and cjk_before)
        else:
            ok = (cjk_before or cjk_after) and not (ascii_before and ascii_after)
        if not ok:
            return char
        changed += 1
        if before in _ASCII_TO_CJK_PUNCT or after in _ASCII_TO_CJK_PUNCT:
            nonlocal again
            again = True  # its neighbour mark may now count as Chinese-side
        return _ASCII_TO_CJK_PUNCT[char]

    # fast path in C for the common case, a mark between two Chinese characters
    for pattern, wide in _BETWEEN_CJK:
        text, n = pattern.subn(wide, text)
        changed += n
    if not _PUNCT_RE.search(text):
        if counts is not None:
            counts.width_fixed += changed
        return text
    # a mark turned Chinese can make its neighbour Chinese-side too (":,“"): repeat
    again = True
    while again:
        again = False
        text = _PUNCT_RE.sub(widen, text)
    if counts is not None:
        counts.width_fixed += changed
    return text


_CJK_CONTEXT_SET = frozenset(
    c
    for lo, hi in (
        ("\u3000", "\u303f"),
        ("\uff01", "\uff60"),
    )
    for c in map(chr, range(ord(lo), ord(hi) + 1))
) | frozenset("\u2018\u2019\u201c\u201d\u2014\u2026" + NOISE_MARK)


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
    original = _STUTTER_PIECE_RE.findall(line)
    pieces = list(original)
    n = len(pieces)
    keep = [True] * n
    stutter = [False] * n
    # each piece's kind: ASCII , ; : count as their Chinese forms
    kinds = [_MARK_KIND.get(piece, piece) for piece in pieces]
    for i, piece in enumerate(pieces):
        kind = kinds[i]
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
    for i in range(n - 1):
        if keep[i] and pieces[i] == pieces[i + 1] and _is_han(pieces[i]) and not stutter[i]:
            before = stutter[i - 1] if i > 0 else False
            after = stutter[i + 2] if i + 2 < n else False
            if before or after:
                keep[i + 1] = False
                stutter[i] = stutter[i + 1] = True
    collapsed = keep.count(False) + sum(1 for a, b in zip(original, pieces, strict=True) if a != b)
    if counts is not None:
        counts.stutter_fixed += collapsed
    return "".join(p for p, k in zip(pieces, keep, strict=False) if k)


def judge_script(text: str, converted_chars: int) -> str:
    """Name the script from the share of Han characters that conversion changed."""
    if not converted_chars:
        return "simplified"
    han = sum(map(len, _HAN_RUN_RE.findall(text)))
    share = converted_chars / han if han else 0.0
    return "traditional" if share > 0.05 else "mixed" if share > 0.002 else "simplified"


def normalize_text(text: str, config: Config | None = None) -> str:
    """Normalise one text with a throw-away :class:`Normalizer` (see the module docstring).

    >>> normalize_text("他是見習(xí)民警,抓獲嫌疑人１２人")
    '他是见习民警，抓获嫌疑人12人'
    """
    return Normalizer(config).normalize(text).text
