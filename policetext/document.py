"""Frozen records that flow out of the pipeline: Document, Token, Span."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import repeat
from typing import Any, NamedTuple, overload

from policetext.linemap import LineMap
from policetext.text import Span, split_sentences


class Token(NamedTuple):
    """One segmented word; ``start:end`` indexes the normalised text.

    A named tuple, not a dataclass: documents hold hundreds of thousands.
    """

    text: str
    start: int
    end: int
    pos: str | None = None


_make_token = partial(tuple.__new__, Token)  # Token from a 4-tuple, in C


def token_words(tokens: Sequence[Token]) -> list[str]:
    """The words of a token sequence, without making a Token for each."""
    if isinstance(tokens, Tokens):
        return tokens.words
    return [token.text for token in tokens]


def token_offsets(tokens: Sequence[Token]) -> tuple[list[int], list[int]]:
    """The start and end offsets of a token sequence, as two lists."""
    if isinstance(tokens, Tokens):
        return tokens.starts, tokens.ends
    return [token.start for token in tokens], [token.end for token in tokens]


class Tokens(Sequence[Token]):
    """A document's tokens, held as parallel lists of words and offsets.

    Behaves as a tuple of :class:`Token` (indexing, iteration, ``len``); the
    Token objects are made on access, so that counting words (``words``) costs
    no object per token: a corpus holds millions of them.

    Made from a segmenter's cut (:meth:`from_cut`), whitespace tokens are dropped
    only when the lists are first asked for: counting words (``word_counts``)
    and reading units (``with_blanks``) take the cut as it is, which spares
    ``stats`` a pass over every token.
    """

    __slots__ = ("_cut", "_ends", "_starts", "_tags", "_words")

    def __init__(
        self,
        words: list[str],
        starts: list[int],
        ends: list[int],
        tags: list[str | None] | None = None,
    ) -> None:
        self._words = words
        self._starts = starts
        self._ends = ends
        self._tags = tags
        self._cut: _Cut | None = None

    @classmethod
    def from_cut(
        cls,
        text: str,
        cut: list[str],
        bounds: list[int],
        tags: list[str | None] | None = None,
    ) -> Tokens:
        """The tokens of ``text`` cut into ``cut`` (every character in one token,
        whitespace too), ``bounds`` their running offsets (one more than the
        tokens) from where ``text`` stands in the whole document, ``tags`` their
        parts of speech if tagged."""
        tokens = cls([], [], [], None)
        tokens._cut = _Cut(text, cut, bounds, tags)
        return tokens

    @property
    def words(self) -> list[str]:
        self._drop_blanks()
        return self._words

    @property
    def starts(self) -> list[int]:
        self._drop_blanks()
        return self._starts

    @property
    def ends(self) -> list[int]:
        self._drop_blanks()
        return self._ends

    @property
    def tags(self) -> list[str | None] | None:
        self._drop_blanks()
        return self._tags

    def _drop_blanks(self) -> None:
        """Make the lists from the cut, without the tokens that hold whitespace."""
        if self._cut is None:
            return
        text, cut, bounds, cut_tags = self._cut
        # whitespace is always a token of its own (jieba splits at it), so the few
        # whitespace tokens are found from the text, and the words between them
        # copied a slice at a time; bounds start where the text stands in the whole
        at = bounds[0]
        blank = sorted({bisect_right(bounds, m.start() + at) - 1 for m in _SPACE.finditer(text)})
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        tags: list[str | None] | None = [] if cut_tags is not None else None
        done = 0
        for stop in (*blank, len(cut)):
            words += cut[done:stop]
            starts += bounds[done:stop]
            ends += bounds[done + 1 : stop + 1]
            if tags is not None and cut_tags is not None:
                tags += cut_tags[done:stop]
            done = stop + 1
        self._words, self._starts, self._ends, self._tags = words, starts, ends, tags
        self._cut = None

    def with_blanks(self) -> tuple[list[str], list[int], list[int]]:
        """Words, starts and ends with any whitespace tokens still in, for a reader
        to whom a whitespace token is a gap between words (as ``units``): from a
        cut, without dropping them first."""
        if self._cut is None:
            return self._words, self._starts, self._ends
        _, cut, bounds, _ = self._cut
        return cut, bounds, bounds[1:]

    def word_counts(self) -> Counter[str]:
        """``Counter(self.words)``: how often each word occurs, in order of first
        occurrence; from a cut, counted as it is and the whitespace taken out."""
        if self._cut is None:
            return Counter(self._words)
        text, cut, _, _ = self._cut
        counts = Counter(cut)
        spaces = _SPACE.findall(text)
        alone = sum(counts.pop(space, 0) for space in set(spaces))
        if alone != len(spaces):  # whitespace inside a longer token: drop those too
            for word in list(filter(_SPACE.search, counts)):
                del counts[word]
        return counts

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...

    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self.words))))
        tags = self.tags
        tag = tags[index] if tags is not None else None
        return Token(self.words[index], self.starts[index], self.ends[index], tag)

    def __iter__(self) -> Iterator[Token]:
        tags = self.tags if self.tags is not None else repeat(None)
        return map(_make_token, zip(self.words, self.starts, self.ends, tags, strict=False))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Tokens({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Tokens, (self.words, self.starts, self.ends, self.tags))


class _Cut(NamedTuple):
    text: str
    cut: list[str]
    bounds: list[int]
    tags: list[str | None] | None


_SPACE = re.compile(r"\s")


#: the fields of every document that ``--by`` and grouping read (besides ``--meta`` ones)
DOCUMENT_FIELDS = ("title", "date", "year", "source", "encoding", "script")


@dataclass(frozen=True, eq=False)
class Document:
    """One article after normalisation (and segmentation, when asked for)."""

    doc: str  # the name used in every output row: the path as given, or an id
    text: str  # the normalised text; every start:end in every output indexes it
    path: str | None = None
    encoding: str = "str"
    script: str = "unknown"
    #: the headline as printed; ``None`` when the page shows none
    title: str | None = None
    source: str = ""
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    editor: tuple[str, ...] = ()
    changes: Mapping[str, int] = field(default_factory=dict)
    tokens: Sequence[Token] = ()  # a Tokens when segmented
    #: fields of a table-shaped input that travel into every output row (date, source …)
    meta: Mapping[str, str] = field(default_factory=dict)
    #: removed page lines that carry metadata (publication lines, timestamps): what
    #: a reader of the document's date reads; not printed in rows
    furniture: tuple[str, ...] = ()
    #: filled by Pipeline.parse (the notebook API): extracted figures and units, and
    #: the keyword ranking behind keywords()
    figures: tuple[Any, ...] = ()
    units: tuple[Any, ...] = ()
    keyword_ranking: tuple[Any, ...] = ()
    # A huge input is analysed in bounded parts (see analyser.py): ``offset`` and
    # ``line_offset`` say where this part's text starts in the whole normalised
    # text (characters and line breaks before it), and ``separator`` is what joins
    # it to the part before ("\n", or "" for a part cut inside a line). Every
    # token, figure, unit and hit is made with offsets into the whole text.
    offset: int = 0
    line_offset: int = 0
    separator: str = ""
    #: with ``Config.line_map``: where this text comes from in the raw input
    line_map: LineMap | None = None
    #: the page's own date of the article, ISO at the precision given (dates.py)
    date: str | None = None

    def keywords(self, top: int = 10) -> list[Any]:
        """The document's best keywords (TF-IDF with jieba's IDF), from Pipeline.parse."""
        return list(self.keyword_ranking[:top])

    @cached_property
    def word_counts(self) -> Counter[str]:
        """How often each token's word occurs, in order of first occurrence (computed
        on first use and shared: stats and units both count the words)."""
        if isinstance(self.tokens, Tokens):
            return self.tokens.word_counts()
        return Counter(token_words(self.tokens))

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        """Sentences of the normalised text (computed on first use)."""
        return tuple(split_sentences(self.text))

    def fields(self) -> dict[str, str]:
        """The document's fields by name, for ``--by`` and grouping: its own
        (:data:`DOCUMENT_FIELDS`) and its ``meta`` fields (a meta field with a value
        wins over the document's field of that name).

        >>> Document("a.txt", "", script="traditional", meta={"region": "香港"}).fields()["script"]
        'traditional'
        """
        own = {name: str(getattr(self, name, None) or "") for name in DOCUMENT_FIELDS}
        own["year"] = (self.date or "")[:4] if (self.date or "")[:4].isdigit() else ""
        return {"doc": self.doc, **own, **{k: v for k, v in self.meta.items() if v}}

    def metadata_row(self) -> dict[str, Any]:
        """The document's metadata as a flat output row (no text)."""
        return {
            "doc": self.doc,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "reporters": list(self.reporters),
            "correspondents": list(self.correspondents),
            "editor": list(self.editor),
            "encoding": self.encoding,
            "script": self.script,
            "chars": len(self.text),
        }
