"""Regular expressions used for speed: what a pattern's matches can start with,
read from its parse tree, so that a scan can jump to those characters instead of
trying every position; and characters of a class counted in C."""

from __future__ import annotations

import re
from typing import Any


def first_chars(pattern: str) -> set[str] | None:
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


def literal_first_chars(pattern: str) -> str | None:
    """The characters a match of ``pattern`` can start with, when they are a few
    literals (no ranges or classes); else ``None``."""
    pieces = first_chars(pattern)
    if pieces is None or len(pieces) > 4:
        return None
    chars = []
    for piece in pieces:  # pieces are written as re.escape writes them
        if len(piece) == 1:
            chars.append(piece)
        elif len(piece) == 2 and piece[0] == "\\" and not piece[1].isalnum():
            chars.append(piece[1])  # an escaped mark: \(
        else:
            return None  # a range or a category: \d, 一-龥
    return "".join(sorted(chars))


def search_at(pattern: re.Pattern[str], firsts: str | None, text: str) -> bool:
    """``pattern.search(text) is not None``, trying only where one of ``firsts``
    stands: ``str.find`` skips to a rare character far faster than the engine
    tests a class at every character. Without ``firsts``, a plain search."""
    if firsts is None:
        return pattern.search(text) is not None
    for char in firsts:
        at = text.find(char)
        while at >= 0:
            if pattern.match(text, at):
                return True
            at = text.find(char, at + 1)
    return False


def count_runs(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the matches of ``runs`` (runs of a character
    class, ``[…]+``) cover: what is left when they are cut out is counted, in C,
    with no Python step per character or per run."""
    return len(text) - len(runs.sub("", text))
