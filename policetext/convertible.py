"""OpenCC's table of convertible characters, and the fast test for them.

OpenCC converts at about 3 MB/s; most of a corpus is simplified text it would
leave as it is. :class:`Convertibles` reads, from the conversion's own
dictionaries, every character some entry would change, and tells in C-level
operations which lines hold one, so that only those lines are converted.
"""

from __future__ import annotations

import json
import re
from functools import cached_property

from policetext.datafiles import common_chars
from policetext.engines import pure_opencc_root

# what the "xmlcharrefreplace" error handler writes for a character outside a codec
_CHAR_REFERENCE = re.compile(rb"&#(\d+);")


def _dictionary_files(conversion: str) -> list[str]:
    """The text dictionaries of an OpenCC conversion's chain (``t2s`` …)."""
    root = pure_opencc_root()
    conf = json.loads((root / "config" / f"{conversion}.json").read_text("utf-8"))
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
    return files


def convertible_chars(conversion: str) -> frozenset[str]:
    """Every character that some entry of ``conversion`` would change.

    A phrase can only fire on a line holding all its characters, so one
    character per phrase suffices: one that the phrase changes (藉 in 藉口),
    else a rare one, so that simplified text is not sent through OpenCC for
    nothing.
    """
    root = pure_opencc_root()
    common = common_chars()
    single: set[str] = set()
    phrases: list[tuple[str, str]] = []
    for name in _dictionary_files(conversion):
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
        if any(c in chars for c in key):
            continue
        changed = [a for a, b in zip(key, value, strict=False) if a != b]
        rare = [c for c in key if c not in common]
        chars.add((changed or rare or [key[-1]])[0])
    return frozenset(chars)


class Convertibles:
    """The convertible characters of one conversion and the tests for them."""

    def __init__(self, conversion: str) -> None:
        self.conversion = conversion

    @cached_property
    def chars(self) -> frozenset[str]:
        """Every character that some entry of the conversion would change."""
        return convertible_chars(self.conversion)

    @cached_property
    def _in_gb2312(self) -> str:
        """The few convertible characters that GB2312 holds (乾, 後, 於 …)."""
        inside = []
        for char in self.chars:
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                continue
            inside.append(char)
        return "".join(sorted(inside))

    @cached_property
    def _in_gb2312_re(self) -> re.Pattern[str]:
        inside = self._in_gb2312
        return re.compile(f"[{re.escape(inside)}]" if inside else "(?!)")

    def has_convertible(self, text: str) -> bool:
        """Whether ``text`` holds a character the conversion could change.

        Simplified text is almost all GB2312, which the codec checks in C at
        hundreds of MB/s and which writes the few characters outside it as
        ``&#N;``. Only those, and the 18 convertible characters that GB2312
        holds, need looking at; a set test of every character is ten times slower.
        """
        if "&#" in text:  # the text writes references itself: they are ambiguous
            return not self.chars.isdisjoint(text)
        encoded = text.encode("gb2312", "xmlcharrefreplace")
        return bool(self._referenced(encoded)) or self._holds_gb2312_convertible(text)

    def _referenced(self, encoded: bytes) -> frozenset[str]:
        """The convertible characters written as ``&#N;`` in ``encoded``."""
        if b"&#" not in encoded:
            return frozenset()
        codes = _CHAR_REFERENCE.findall(encoded)
        return self.chars.intersection(map(chr, map(int, codes)))  # mapped in C

    def _holds_gb2312_convertible(self, text: str) -> bool:
        """Whether ``text`` holds one of the convertible characters GB2312 holds."""
        if len(text) > 16384:  # one plain search per character beats the class scan
            return any(char in text for char in self._in_gb2312)
        return self._in_gb2312_re.search(text) is not None

    def lines(self, text: str) -> tuple[list[str], list[bool]] | None:
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
        hits = self._referenced(encoded)  # those outside GB2312
        check_inside = self._holds_gb2312_convertible(text)  # usually none of the 18
        if not (hits or check_inside):
            return None
        search_inside = self._in_gb2312_re.search
        lines = text.split("\n")
        return lines, [
            (b"&#" in line_bytes and not hits.isdisjoint(line))
            or (check_inside and search_inside(line) is not None)
            for line, line_bytes in zip(lines, encoded.split(b"\n"), strict=True)
        ]
