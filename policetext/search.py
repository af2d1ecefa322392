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
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from policetext.analyser import Analyser, Task, chained
from policetext.document import Document
from policetext.errors import PolicetextError
from policetext.normalize import NormalizeCounts, Normalizer
from policetext.output import highlight

try:  # the parser module moved in Python 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SpanFilter = Callable[[Document], Sequence[tuple[int, int]]]


class PatternError(PolicetextError):
    """A pattern that cannot be used: bad syntax, or one that could run away."""


@dataclass(frozen=True)
class Hit:
    """One match: ``line`` and ``column`` where it stands in the input (the raw
    file's, when the document carries a line map; else the normalised text's);
    ``start:end`` index the normalised text, whose line holding the match is
    ``line_text`` from ``line_start`` on."""

    doc: str
    line: int
    column: int
    start: int
    end: int
    match: str
    left: str
    right: str
    line_text: str
    line_start: int = 0

    def as_row(self) -> dict[str, object]:
        row = asdict(self)
        del row["line_text"], row["line_start"]
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
        """Matches in one document, in text order, with offsets (and lines) of its
        whole normalised text; tokens and ``inside`` spans have them already."""
        text, base = document.text, document.offset
        boundaries: tuple[set[int], set[int]] | None = None
        if whole_words:
            boundaries = ({t.start for t in document.tokens}, {t.end for t in document.tokens})
        spans = sorted(inside(document)) if inside else None
        line_starts = _line_starts(text)
        matches = [
            (m.start() + base, m.end() + base)
            for m in self.pattern.finditer(text)
            if m.end() > m.start()
        ]
        if boundaries:
            starts, ends = boundaries
            matches = [(s, e) for s, e in matches if s in starts and e in ends]
        if spans is not None and near is not None:
            # report the spans (figures, units) lying within `near` characters of a match
            found = [
                (s, e)
                for s, e in spans
                if any(ms - near <= e and s <= me + near for ms, me in matches)
            ]
            for s, e in found:
                yield self._hit(document, s, e, line_starts)
            return
        for ms, me in matches:
            if spans is not None and not any(s <= ms and me <= e for s, e in spans):
                continue
            yield self._hit(document, ms, me, line_starts)

    def _hit(self, document: Document, start: int, end: int, line_starts: list[int]) -> Hit:
        """The hit at ``start:end`` of the whole text (``document.text`` starts at
        its ``offset``, on line ``line_offset + 1``)."""
        text, base = document.text, document.offset
        local = start - base
        line = _bisect(line_starts, local)
        line_start = line_starts[line]
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        n = self.context_chars
        if document.line_map is not None:  # the raw input's line and column
            place = document.line_map.locate(local, text[local : end - base])
        else:
            place = (document.line_offset + line + 1, local - line_start + 1)
        return Hit(
            doc=document.doc,
            line=place[0],
            column=place[1],
            start=start,
            end=end,
            match=text[local : end - base],
            left=text[max(line_start, local - n) : local],
            right=text[end - base : min(line_end, end - base + n)],
            line_start=base + line_start,
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


# ---- grep over a corpus: one document's output, computed where the document is --------
MODES = ("lines", "count", "files", "json", "kwic")


@dataclass(frozen=True)
class GrepOptions:
    """How ``grep`` reads and prints matches (``mode``: one of :data:`MODES`)."""

    mode: str = "lines"
    whole_words: bool = False
    #: only hits inside extracted ``figures`` or named ``units``
    inside: str | None = None
    #: with ``inside``: the figures or units within this many characters of a match
    near: int | None = None
    colour: bool = False
    context_chars: int | None = None
    context_sentences: int | None = None
    sentence: bool = False


@dataclass(frozen=True)
class GrepOutput:
    """One input's grep result: lines holding a match, and its printed lines."""

    doc: str
    lines: int
    text: str = ""


def extracted_spans(analyser: Analyser, document: Document, inside: str) -> list[tuple[int, int]]:
    """The spans of a document's extracted ``figures`` or named ``units``."""
    if inside == "figures":
        return [(f.start, f.end) for f in analyser.figures.figures(document)]
    return [(u.start, u.end) for u in analyser.units.units(document)]


def grep_document(
    searcher: Searcher, options: GrepOptions, analyser: Analyser, document: Document
) -> GrepOutput | list[dict[str, object]]:
    """One document's grep output: rows for ``json``/``kwic``, else its line count
    and printed lines."""
    if options.mode == "count" and not (options.whole_words or options.inside):
        return GrepOutput(document.doc, matching_lines(searcher, document))
    inside = options.inside
    hits = list(
        searcher.hits(
            document,
            whole_words=options.whole_words,
            inside=(lambda d: extracted_spans(analyser, d, inside)) if inside else None,
            near=options.near,
        )
    )
    if options.mode in ("json", "kwic"):
        return [{**h.as_row(), **document.meta} for h in hits]
    lines = len({h.line_start for h in hits})
    if options.mode != "lines" or not hits:
        return GrepOutput(document.doc, lines)
    return GrepOutput(document.doc, lines, grep_lines(document, hits, options))


def _merged_output(parts: Iterator[GrepOutput]) -> GrepOutput:
    first = next(parts)
    rest = list(parts)
    if not rest:
        return first
    return GrepOutput(
        first.doc,
        first.lines + sum(p.lines for p in rest),
        first.text + "".join(p.text for p in rest),
    )


def grep_task(searcher: Searcher, options: GrepOptions) -> Task[Any]:
    """The task of ``grep``: rows (``json``, ``kwic``) or a :class:`GrepOutput` per input."""
    work = partial(grep_document, searcher, options)
    return Task(work, chained if options.mode in ("json", "kwic") else _merged_output)


def grep_lines(document: Document, hits: list[Hit], options: GrepOptions) -> str:
    """The printed lines of a document's hits: ripgrep's ``path:line:col:line``, or
    the characters or sentences around each hit."""
    out = []
    colour = options.colour
    chars, around, sentence = options.context_chars, options.context_sentences, options.sentence
    if chars is None and around is None and not sentence:
        # ripgrep: one line per matching line, every match on it highlighted
        by_line: dict[int, list[Hit]] = {}
        for hit in hits:
            by_line.setdefault(hit.line_start, []).append(hit)
        for line_start, group in by_line.items():
            first = group[0]
            spans = [(h.start - line_start, h.end - line_start) for h in group]
            text = highlight(first.line_text, spans, colour)
            out.append(f"{document.doc}:{first.line}:{first.column}:{text}\n")
        return "".join(out)
    sentences = list(document.sentences)
    base = document.offset
    for hit in hits:
        if chars is not None and not sentence and around is None:
            piece, offset = hit.left + hit.match + hit.right, len(hit.left)
        else:
            local = hit.start - base
            index = next((i for i, s in enumerate(sentences) if s.start <= local < s.end), 0)
            n = around or 0
            chosen = sentences[max(0, index - n) : index + n + 1] or [sentences[index]]
            begin = chosen[0].start
            piece = document.text[begin : chosen[-1].end].replace("\n", " ")
            offset = local - begin
        text = highlight(piece, [(offset, offset + len(hit.match))], colour)
        out.append(f"{document.doc}:{hit.line}:{hit.column}:{text}\n")
    return "".join(out)
