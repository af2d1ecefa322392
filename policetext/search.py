"""grep: patterns normalised like the documents, matched on normalised text.

A literal pattern goes through the same normalisation as the documents (so
反詐 finds 反诈, ３ finds 3); a regular expression has its Han characters
converted and full-width digits narrowed.

Every search ends, as ripgrep's do: a regular expression is translated to RE2
(linear time, the ``google-re2`` binding) with Python's meaning of ``\\d``,
``\\w``, ``\\s``, ``.``, ``^`` and ``$`` kept; what RE2 cannot take
(backreferences, lookarounds, ``\\b`` outside ASCII mode, atomic groups, huge
counted repeats) runs on the ``regex`` module with a time limit per document, and
a document that runs out of time is reported in one line and skipped. Literal
patterns stay on Python's ``re``: an escaped literal cannot backtrack.
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
from policetext.errors import InputError, PolicetextError
from policetext.normalize import NormalizeCounts, Normalizer
from policetext.output import highlight

try:  # the parser module moved in Python 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SpanFilter = Callable[[Document], Sequence[tuple[int, int]]]
#: seconds a pattern RE2 cannot take may run over one document
DEFAULT_TIMEOUT = 3.0


class PatternError(PolicetextError):
    """A pattern that cannot be used: bad syntax, or one no engine can compile."""


class _NotForRE2(Exception):
    """A construct RE2 cannot express with Python's meaning."""


# Python's Unicode classes spelled for RE2 (whose \d \w \s \b are ASCII only)
_UNICODE_CLASSES = {
    "CATEGORY_DIGIT": r"\p{Nd}",
    "CATEGORY_WORD": r"\p{L}\p{N}_",
    "CATEGORY_SPACE": r"\t\n\x{0b}\f\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}",
}
_ASCII_CLASSES = {
    "CATEGORY_DIGIT": "0-9",
    "CATEGORY_WORD": "0-9A-Za-z_",
    "CATEGORY_SPACE": r"\t\n\x{0b}\f\r ",
}
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


def _char(code: int) -> str:
    if 0xD800 <= code <= 0xDFFF:
        raise _NotForRE2("a lone surrogate")
    if code < 0x80 and not chr(code).isalnum():
        return f"\\x{{{code:x}}}"
    return chr(code)


def _class_items(items: Any, flags: int) -> str:
    """The inside of an RE2 character class for sre items (LITERAL, RANGE, CATEGORY)."""
    classes = _ASCII_CLASSES if flags & re.ASCII else _UNICODE_CLASSES
    negate = False
    positive: list[str] = []
    negative: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            positive.append(_char(av))
        elif name == "RANGE":
            positive.append(f"{_char(av[0])}-{_char(av[1])}")
        elif name == "CATEGORY" and str(av) in classes:
            positive.append(classes[str(av)])
        elif name == "CATEGORY" and str(av).replace("NOT_", "") in classes:
            negative.append(classes[str(av).replace("NOT_", "")])
        else:
            raise _NotForRE2(name)
    if negative:
        if negate or positive or len(negative) > 1:
            raise _NotForRE2("a negated class inside a class")
        return "^" + negative[0]
    return ("^" if negate else "") + "".join(positive)


def _to_re2(items: Any, flags: int) -> str:
    """RE2 syntax for a parsed Python pattern, with Python's meaning under ``flags``."""
    out = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(_char(av))
        elif name == "NOT_LITERAL":
            out.append(f"[^{_char(av)}]")
        elif name == "ANY":
            out.append("(?s:.)" if flags & re.DOTALL else "[^\\n]")
        elif name == "IN":
            out.append(f"[{_class_items(av, flags)}]")
        elif name == "BRANCH":
            out.append("(?:" + "|".join(_to_re2(b, flags) for b in av[1]) + ")")
        elif name == "SUBPATTERN":
            _, add, remove, body = av
            inner = (flags | add) & ~remove
            text = _to_re2(body, inner)
            if (inner ^ flags) & re.IGNORECASE:
                text = ("(?i:" if inner & re.IGNORECASE else "(?-i:") + text + ")"
            out.append(f"(?:{text})")
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = av
            if low > 1000 or (high != sre_parse.MAXREPEAT and high > 1000):
                raise _NotForRE2("a counted repeat over 1000")
            if high == sre_parse.MAXREPEAT:
                quantifier = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
            elif (low, high) == (0, 1):
                quantifier = "?"
            else:
                quantifier = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
            lazy = "?" if name == "MIN_REPEAT" else ""
            out.append(f"(?:{_to_re2(body, flags)}){quantifier}{lazy}")
        elif name == "AT":
            out.append(_anchor(str(av), flags))
        else:  # backreferences, lookarounds, atomic groups, possessive repeats
            raise _NotForRE2(name)
    return "".join(out)


def _anchor(name: str, flags: int) -> str:
    multiline = flags & re.MULTILINE
    if name == "AT_BEGINNING":
        return "(?m:^)" if multiline else "\\A"
    if name == "AT_BEGINNING_STRING":
        return "\\A"
    if name == "AT_END":
        # without MULTILINE Python's $ also matches before a final newline: texts
        # ending in one are left to the other engine (see Matcher.spans)
        return "(?m:$)" if multiline else "\\z"
    if name == "AT_END_STRING":
        return "\\z"
    if name in ("AT_BOUNDARY", "AT_NON_BOUNDARY") and flags & re.ASCII:
        return "\\b" if name == "AT_BOUNDARY" else "\\B"
    raise _NotForRE2(name)


def _has_plain_dollar(items: Any, flags: int) -> bool:
    for op, av in items:
        name = str(op)
        if name == "AT" and str(av) == "AT_END" and not flags & re.MULTILINE:
            return True
        if name == "SUBPATTERN" and _has_plain_dollar(av[3], (flags | av[1]) & ~av[2]):
            return True
        if name == "BRANCH" and any(_has_plain_dollar(b, flags) for b in av[1]):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT") and _has_plain_dollar(av[2], flags):
            return True
    return False


def _scoped(pattern: str) -> str:
    """``(?i)rest`` → ``(?i:rest)``: global flags at the start of one of several
    patterns (joined by ``|``) would no longer be at the start."""
    flags = ""
    while match := _LEADING_FLAGS.match(pattern):
        flags += match[1]
        pattern = pattern[match.end() :]
    return f"(?{flags}:{pattern})" if flags else f"(?:{pattern})"


class Matcher:
    """Non-empty match spans of one pattern: RE2 when it can take the pattern,
    else the ``regex`` module with a time limit per text."""

    def __init__(self, source: str, flags: int, *, literal: bool, timeout: float) -> None:
        self.source = source
        self.timeout = timeout
        self.re2: Any = None
        self.fallback: Any = None
        self.plain_dollar = False
        if literal:  # escaped literals: Python's engine cannot run away on them
            self.python = re.compile(source, flags)
            return
        self.python = None
        try:
            parsed = sre_parse.parse(source, flags)
        except (re.error, OverflowError, RecursionError) as exc:
            raise PatternError(f"bad regular expression: {exc}") from None
        all_flags = parsed.state.flags
        try:
            translated = _to_re2(parsed, all_flags)
            if all_flags & re.IGNORECASE:
                translated = f"(?i:{translated})"
            self.re2 = _compile_re2(translated)
            self.plain_dollar = _has_plain_dollar(parsed, all_flags)
        except (_NotForRE2, RecursionError):
            pass
        if self.re2 is None or self.plain_dollar:
            self.fallback = _compile_fallback(source, flags)

    @property
    def engine(self) -> str:
        return "re" if self.python else "re2" if self.re2 is not None else "regex"

    def spans(self, text: str, name: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every non-empty match, in text order."""
        if self.python is not None:
            return [m.span() for m in self.python.finditer(text) if m.end() > m.start()]
        if self.re2 is not None and not (self.plain_dollar and text.endswith("\n")):
            return [m.span() for m in self.re2.finditer(text) if m.end() > m.start()]
        try:
            return [
                m.span()
                for m in self.fallback.finditer(text, timeout=self.timeout)
                if m.end() > m.start()
            ]
        except TimeoutError:
            raise InputError(
                f"the pattern ran longer than {self.timeout:g} s on this file and was stopped "
                "(RE2 cannot take it, so it backtracks); skipped: simplify it or raise --timeout",
                name,
            ) from None


def _compile_re2(pattern: str) -> Any:
    import re2  # only for regular expressions

    options = re2.Options()
    options.log_errors = False  # its parse errors would go to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error:
        raise _NotForRE2("RE2 refused it") from None


def _compile_fallback(source: str, flags: int) -> Any:
    import regex

    try:
        return regex.compile(source, flags | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        raise PatternError(f"bad regular expression: {exc}") from None


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
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not patterns:
            raise PatternError("no pattern given")
        sources = []
        literals = []
        flags = re.IGNORECASE if ignore_case else 0
        for pattern in patterns:
            if regex:
                text = pattern
                if normalizer.config.conversion:
                    text = normalizer.to_simplified(text, NormalizeCounts())
                text = _scoped(_narrow_digits(text))
                try:
                    sre_parse.parse(text, flags)
                except (re.error, OverflowError, RecursionError) as exc:
                    raise PatternError(f"bad regular expression {pattern!r}: {exc}") from None
                sources.append(text)
            else:
                literal = normalizer.normalize(pattern).text or pattern
                sources.append(re.escape(literal))
                literals.append(literal)
        self.matcher = Matcher("|".join(sources), flags, literal=not regex, timeout=timeout)
        #: one literal within a line, matched case for case: found in the UTF-8 of
        #: a cached text by ``bytes.find`` (UTF-8 cannot match inside a character)
        self.needle: bytes | None = None
        if len(literals) == 1 and not ignore_case and "\n" not in literals[0]:
            self.needle = literals[0].encode("utf-8", "surrogatepass")
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
        matches = [(s + base, e + base) for s, e in self.matcher.spans(text, document.doc)]
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
    return _lines_holding(searcher.matcher.spans(document.text, document.doc), document.text)


def _lines_holding(spans: list[tuple[int, int]], text: str) -> int:
    """Lines of ``text`` holding the start of one of ``spans``, in text order (a
    match starting on a line end is on the line that end closes)."""
    lines = 0
    line_end = -1
    for start, _ in spans:
        if start > line_end:
            lines += 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
    return lines


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
    rows = options.mode in ("json", "kwic")
    figures: list[Any] = []
    if inside == "figures" and rows:  # the rows say what each figure counts
        figures = analyser.figures_of(document)
        spans = [(f.start, f.end) for f in figures]
        bounded: SpanFilter | None = lambda d: spans  # noqa: E731
    else:
        bounded = (lambda d: extracted_spans(analyser, d, inside)) if inside else None
    hits = list(
        searcher.hits(document, whole_words=options.whole_words, inside=bounded, near=options.near)
    )
    if rows:
        return [{**h.as_row(), **_figure_fields(figures, h), **document.meta} for h in hits]
    lines = len({h.line_start for h in hits})
    if options.mode != "lines" or not hits:
        return GrepOutput(document.doc, lines)
    return GrepOutput(document.doc, lines, grep_lines(document, hits, options))


#: what a grep row in figures (``--in figures``) says of the figure it is in or near
FIGURE_FIELDS = ("figure", "value", "unit", "subject", "event", "when")


def _figure_fields(figures: list[Any], hit: Hit) -> dict[str, object]:
    """The fields of the figure a hit stands in (or is, with ``--near``)."""
    for figure in figures:
        if figure.start <= hit.start and hit.end <= figure.end:
            values = (figure.text, figure.value, figure.unit, figure.subject, figure.event,
                      figure.when)  # fmt: skip
            return dict(zip(FIGURE_FIELDS, values, strict=True))
    return {}


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


def grep_text(searcher: Searcher, options: GrepOptions, doc: str, data: bytes) -> Any:
    """A file's grep output from its normalised text (UTF-8) alone, when that is
    all it takes: its count of matching lines (``-c``, ``-l`` without ``-w`` or
    ``--in``), or nothing when it holds no match; else ``None`` (the whole
    document is read). A literal is looked for in the bytes as they are."""
    counting = options.mode in ("count", "files") and not (options.whole_words or options.inside)
    needle = searcher.needle
    if needle is not None and counting:
        return GrepOutput(doc, _lines_with(needle, data))
    if needle is not None:
        found = needle in data
    else:
        text = data.decode("utf-8")
        spans = searcher.matcher.spans(text, doc)
        if counting:
            return GrepOutput(doc, _lines_holding(spans, text))
        found = bool(spans)
    if found:
        return None
    return [] if options.mode in ("json", "kwic") else GrepOutput(doc, 0)


def _lines_with(needle: bytes, data: bytes) -> int:
    r"""Lines of ``data`` holding ``needle`` (which holds no line end): found one
    line after the other, the rest of a line with a match skipped.

    >>> _lines_with("民警".encode(), "民警民警\n无\n民警".encode())
    2
    """
    lines = 0
    at = data.find(needle)
    while at >= 0:
        lines += 1
        end = data.find(b"\n", at + len(needle))
        if end < 0:
            break
        at = data.find(needle, end + 1)
    return lines


def grep_task(searcher: Searcher, options: GrepOptions) -> Task[Any]:
    """The task of ``grep``: rows (``json``, ``kwic``) or a :class:`GrepOutput` per input.

    Files whose normalised text is cached are searched in that text first: only
    those with a match are made documents (line maps, tokens, figures)."""
    work = partial(grep_document, searcher, options)
    merge = chained if options.mode in ("json", "kwic") else _merged_output
    return Task(work, merge, partial(grep_text, searcher, options))


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
