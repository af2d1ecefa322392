"""Frozen records that flow out of the pipeline: Document, Token, Span."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple


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
    tokens: tuple[Token, ...] = ()
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
