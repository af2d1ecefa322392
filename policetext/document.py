"""Frozen records that flow out of the pipeline: Document, Token, Span."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import repeat
from typing import Any, NamedTuple, overload


@dataclass(frozen=True)
class Span:
    """A stretch ``text[start:end]`` of a document's normalised text."""

    start: int
    end: int
    text: str


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
    """

    __slots__ = ("ends", "starts", "tags", "words")

    def __init__(
        self,
        words: list[str],
        starts: list[int],
        ends: list[int],
        tags: list[str | None] | None = None,
    ) -> None:
        self.words = words
        self.starts = starts
        self.ends = ends
        self.tags = tags

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...

    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self.words))))
        tag = self.tags[index] if self.tags is not None else None
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


@dataclass(frozen=True, eq=False)
class Document:
    """One article after normalisation (and segmentation, when asked for)."""

    doc: str  # the name used in every output row: the path as given, or an id
    text: str  # the normalised text; every start:end in every output indexes it
    path: str | None = None
    encoding: str = "str"
    script: str = "unknown"
    title: str = ""
    source: str = ""
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    editor: tuple[str, ...] = ()
    changes: Mapping[str, int] = field(default_factory=dict)
    tokens: Sequence[Token] = ()  # a Tokens when segmented
    #: fields of a table-shaped input that travel into every output row (date, source …)
    meta: Mapping[str, str] = field(default_factory=dict)
    # A huge input is processed in bounded parts: ``part`` counts them from 0,
    # ``offset`` and ``line_offset`` say where this part's text starts in the whole
    # normalised document, ``separator`` is what joins it to the part before
    # ("\n", or "" for a part cut after a sentence end inside a line).
    #: filled by Pipeline.parse (the notebook API): extracted figures and units, and
    #: the keyword ranking behind keywords()
    figures: tuple[Any, ...] = ()
    units: tuple[Any, ...] = ()
    keyword_ranking: tuple[Any, ...] = ()
    part: int = 0
    offset: int = 0
    line_offset: int = 0
    separator: str = ""

    def keywords(self, top: int = 10) -> list[Any]:
        """The document's best keywords (TF-IDF with jieba's IDF), from Pipeline.parse."""
        return list(self.keyword_ranking[:top])

    @cached_property
    def word_counts(self) -> Counter[str]:
        """How often each token's word occurs, in order of first occurrence (computed
        on first use and shared: stats and units both count the words)."""
        return Counter(token_words(self.tokens))

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        """Sentences of the normalised text (computed on first use)."""
        from policetext.segment import split_sentences

        return tuple(split_sentences(self.text))

    def metadata_row(self) -> dict[str, Any]:
        """The document's metadata as a flat output row (no text)."""
        return {
            "doc": self.doc,
            "title": self.title,
            "source": self.source,
            "reporters": list(self.reporters),
            "correspondents": list(self.correspondents),
            "editor": list(self.editor),
            "encoding": self.encoding,
            "script": self.script,
            "chars": len(self.text),
        }
