"""grep: patterns normalised like the documents, matched on normalised text.

A literal pattern goes through the same normalisation as the documents (so
反詐 finds 反诈, ３ finds 3); a regular expression has its Han characters
converted and full-width digits narrowed. Patterns whose matching could run
away (nested unbounded repetition such as ``(a+)+``) are refused up front:
Python's ``re`` cannot be interrupted once it backtracks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace

from policetext.document import Document
from policetext.errors import PolicetextError
from policetext.normalize import NormalizeCounts, Normalizer

try:  # the parser module moved in Python 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SpanFilter = Callable[[Document], Sequence[tuple[int, int]]]


class PatternError(PolicetextError):
    """A pattern that cannot be used: bad syntax, or one that could run away."""


@dataclass(frozen=True)
class Hit:
    """One match; ``start:end`` index the normalised text."""

    doc: str
    line: int
    column: int
    start: int
    end: int
    match: str
    left: str
    right: str
    line_text: str

    def as_row(self) -> dict[str, object]:
        row = asdict(self)
        del row["line_text"], row["column"]
        return row


def _parts(op: object, av: object) -> list[object]:
    """The sub-patterns of one parsed item (a group's body, a branch's alternatives)."""
    name = str(op)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return [av[2]]  # type: ignore[index]
    if name == "SUBPATTERN":
        return [av[-1]]  # type: ignore[index]
    if name == "BRANCH":
        return list(av[1])  # type: ignore[index]
    return []


def _unbounded_repeat(op: object, av: object) -> bool:
    return str(op) in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and (
        av[1] == sre_parse.MAXREPEAT  # type: ignore[index]
    )


def _unbounded(items: object) -> bool:
    """Whether a parsed pattern (or a piece of one) holds an unbounded repeat."""
    return any(
        _unbounded_repeat(op, av) or any(_unbounded(part) for part in _parts(op, av))
        for op, av in items  # type: ignore[attr-defined]
    )


def _nested_repeat(items: object) -> bool:
    """An unbounded repeat whose body can itself repeat without bound: (a+)+, (a*)*."""
    for op, av in items:  # type: ignore[attr-defined]
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT") and _unbounded_repeat(op, av):
            if _unbounded(av[2]):
                return True
        if str(op) != "POSSESSIVE_REPEAT" and any(_nested_repeat(p) for p in _parts(op, av)):
            return True
    return False


class Searcher:
    """Compiled patterns plus how to read matches (whole words, context)."""

    def __init__(
        self,
        patterns: Sequence[str],
        normalizer: Normalizer,
        *,
        regex: bool = False,
        ignore_case: bool = False,
        context_chars: int = 20,
    ) -> None:
        if not patterns:
            raise PatternError("no pattern given")
        sources = []
        for pattern in patterns:
            if regex:
                text = pattern
                if normalizer.config.conversion:
                    text = normalizer.to_simplified(text, NormalizeCounts())
                text = _narrow_digits(text)
                try:
                    parsed = sre_parse.parse(text)
                except re.error as exc:
                    raise PatternError(f"bad regular expression {pattern!r}: {exc}") from None
                if _nested_repeat(parsed):
                    raise PatternError(
                        f"pattern {pattern!r} nests unbounded repetition (like (a+)+), which "
                        "can take exponential time on a long line; rewrite it without the "
                        "nested repeat"
                    )
                sources.append(f"(?:{text})")
            else:
                literal = normalizer.normalize(pattern).text or pattern
                sources.append(re.escape(literal))
        try:
            self.pattern = re.compile("|".join(sources), re.IGNORECASE if ignore_case else 0)
        except re.error as exc:
            raise PatternError(f"bad regular expression: {exc}") from None
        self.context_chars = context_chars

    def hits(
        self,
        document: Document,
        *,
        whole_words: bool = False,
        inside: SpanFilter | None = None,
        near: int | None = None,
    ) -> Iterator[Hit]:
        """Matches in one document, in text order."""
        text = document.text
        boundaries: tuple[set[int], set[int]] | None = None
        if whole_words:
            boundaries = ({t.start for t in document.tokens}, {t.end for t in document.tokens})
        spans = sorted(inside(document)) if inside else None
        line_starts = _line_starts(text)
        matches = [m for m in self.pattern.finditer(text) if m.end() > m.start()]
        if boundaries:
            starts, ends = boundaries
            matches = [m for m in matches if m.start() in starts and m.end() in ends]
        if spans is not None and near is not None:
            # report the spans (figures, units) lying within `near` characters of a match
            found = [
                (s, e)
                for s, e in spans
                if any(m.start() - near <= e and s <= m.end() + near for m in matches)
            ]
            for s, e in found:
                yield self._hit(document, s, e, line_starts)
            return
        for m in matches:
            if spans is not None and not any(s <= m.start() and m.end() <= e for s, e in spans):
                continue
            yield self._hit(document, m.start(), m.end(), line_starts)

    def _hit(self, document: Document, start: int, end: int, line_starts: list[int]) -> Hit:
        hit = self._local_hit(document, start, end, line_starts)
        if document.offset or document.line_offset:
            # a part of a huge input: positions in the whole normalised document
            return replace(
                hit,
                start=hit.start + document.offset,
                end=hit.end + document.offset,
                line=hit.line + document.line_offset,
            )
        return hit

    def _local_hit(self, document: Document, start: int, end: int, line_starts: list[int]) -> Hit:
        text = document.text
        line = _bisect(line_starts, start)
        line_start = line_starts[line]
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        n = self.context_chars
        return Hit(
            doc=document.doc,
            line=line + 1,
            column=start - line_start + 1,
            start=start,
            end=end,
            match=text[start:end],
            left=text[max(line_start, start - n) : start],
            right=text[end : min(line_end, end + n)],
            line_text=text[line_start:line_end],
        )


def _narrow_digits(text: str) -> str:
    return text.translate({0xFF10 + i: 0x30 + i for i in range(10)})


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _bisect(starts: list[int], position: int) -> int:
    return bisect.bisect_right(starts, position) - 1


def matching_lines(searcher: Searcher, document: Document) -> int:
    """How many lines of a document hold a match (grep -c), without building hits."""
    text = document.text
    starts: list[int] | None = None
    seen = set()
    for match in searcher.pattern.finditer(text):
        if match.end() > match.start():
            starts = starts or _line_starts(text)
            seen.add(_bisect(starts, match.start()))
    return len(seen)
