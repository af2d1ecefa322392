"""Corpus statistics: per-document counts and corpus totals that merge by addition.

``document_stats`` is a pure function of (analyser, document), so it runs in
worker processes; ``CorpusStats.add`` and ``CorpusStats.merge`` combine partial
results in any grouping (serial, ``--jobs N``, or partitions elsewhere).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from typing import Any

from policetext.analyser import Analyser, Runner, Task
from policetext.document import Document
from policetext.keywords import KeywordExtractor
from policetext.text import count_han, count_sentences, script_of


@dataclass
class DocumentStats:
    """Counts for one document, plus its candidate keyword terms for ranking later."""

    doc: str
    title: str | None
    reporters: list[str]
    chars: int
    han: int
    sentences: int
    tokens: int
    distinct_tokens: int
    script: str
    changes: dict[str, int]
    vocabulary: Counter[str]
    terms: Counter[str]
    extra: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    #: the document's own and meta fields, for grouping (``Document.fields``)
    fields: dict[str, str] = field(default_factory=dict)
    top_keywords: list[str] = field(default_factory=list)
    #: the page's own date (Document.date)
    date: str | None = None
    #: where the article is: province and city, as its units resolve (units.py)
    place: str = ""

    def as_row(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "title": self.title,
            "date": self.date,
            "place": self.place,
            "reporters": self.reporters,
            "chars": self.chars,
            "han": self.han,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "distinct_tokens": self.distinct_tokens,
            "script": self.script,
            **self.extra,
            "keywords": self.top_keywords,
            **self.meta,
        }


def absorb(whole: DocumentStats, part: DocumentStats) -> None:
    """Add a later part of a huge input to the stats of the parts before it."""
    for name in ("chars", "han", "sentences", "tokens"):
        setattr(whole, name, getattr(whole, name) + getattr(part, name))
    whole.vocabulary.update(part.vocabulary)
    whole.distinct_tokens = len(whole.vocabulary)
    whole.terms.update(part.terms)
    for key, value in part.changes.items():
        whole.changes[key] = whole.changes.get(key, 0) + value
    for key, value in part.extra.items():
        whole.extra[key] = whole.extra.get(key, 0) + value
    whole.reporters = [*whole.reporters, *part.reporters]
    if whole.script != "unknown":
        whole.script = script_of(whole.han, whole.changes.get("converted_chars", 0))


def merge_stats(parts: Iterator[DocumentStats]) -> DocumentStats:
    """The stats of a huge input: its parts' counts added to the first part's."""
    whole = next(parts)
    for part in parts:
        absorb(whole, part)
    return whole


def document_stats(
    analyser: Analyser,
    document: Document,
    *,
    figures: Sequence[Any] | None = None,
    units: Sequence[Any] | None = None,
) -> DocumentStats:
    """Count one segmented document (the work of :data:`DOCUMENT_STATS`).

    Tokens are words: punctuation tokens are not counted. A caller that has
    extracted the figures and units already passes them, so they are not
    extracted twice.
    """
    # stats reports how many figures there are: counting them skips making records
    found_figures = analyser.figures.count(document.text) if figures is None else len(figures)
    found_units = len(analyser.units.units(document) if units is None else units)
    # punctuation is not a word (the word counts are shared with units: a copy)
    vocabulary = analyser.keywords.words_only(document.word_counts)
    words = vocabulary.total()
    return DocumentStats(
        doc=document.doc,
        title=document.title,
        reporters=list(document.reporters),
        chars=len(document.separator) + len(document.text),  # a part counts its join
        han=count_han(document.text),
        sentences=count_sentences(document.text),
        tokens=words,
        distinct_tokens=len(vocabulary),
        script=document.script,
        changes=dict(document.changes),
        vocabulary=vocabulary,
        terms=analyser.keywords.term_counts(document, vocabulary),
        meta=dict(document.meta),
        fields=document.fields(),
        extra={"figures": found_figures, "units": found_units},
        date=document.date,
        place=analyser.units.article_place(document.word_counts),
    )


#: ``stats``'s task: each input's counts (a huge input's parts added up)
DOCUMENT_STATS: Task[DocumentStats] = Task(document_stats, merge_stats)


@dataclass
class CorpusStats:
    """Totals over documents; ``merge`` is associative and commutative."""

    documents: int = 0
    chars: int = 0
    han: int = 0
    sentences: int = 0
    tokens: int = 0
    converted_documents: int = 0
    pinyin_removed: int = 0
    garbled_repaired: int = 0
    garbled_dropped: int = 0
    vocabulary: Counter[str] = field(default_factory=Counter)
    figures: int = 0
    units: int = 0
    skipped: list[str] = field(default_factory=list)

    def add(self, stats: DocumentStats) -> None:
        self.documents += 1
        self.figures += stats.extra.get("figures", 0)
        self.units += stats.extra.get("units", 0)
        self.chars += stats.chars
        self.han += stats.han
        self.sentences += stats.sentences
        self.tokens += stats.tokens
        self.converted_documents += stats.script in ("traditional", "mixed")
        self.pinyin_removed += stats.changes.get("pinyin_removed", 0)
        self.garbled_repaired += stats.changes.get("garbled_repaired", 0)
        self.garbled_dropped += stats.changes.get("garbled_dropped", 0)
        add_counts(self.vocabulary, stats.vocabulary)

    def merge(self, other: CorpusStats) -> CorpusStats:
        merged = CorpusStats()
        for name in (
            "documents",
            "chars",
            "han",
            "sentences",
            "tokens",
            "converted_documents",
            "pinyin_removed",
            "garbled_repaired",
            "garbled_dropped",
            "figures",
            "units",
        ):
            setattr(merged, name, getattr(self, name) + getattr(other, name))
        merged.vocabulary = self.vocabulary + other.vocabulary
        merged.skipped = self.skipped + other.skipped
        return merged

    def as_row(self) -> dict[str, Any]:
        distinct = len(self.vocabulary)
        return {
            "documents": self.documents,
            "characters": self.chars,
            "han_characters": self.han,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "distinct_tokens": distinct,
            "type_token_ratio": round(distinct / self.tokens, 4) if self.tokens else 0.0,
            "converted_from_traditional": self.converted_documents,
            "pinyin_annotations_removed": self.pinyin_removed,
            "garbled_repaired": self.garbled_repaired,
            "garbled_dropped": self.garbled_dropped,
            "figures": self.figures,
            "units": self.units,
            "files_skipped": len(self.skipped),
        }


def add_counts(total: Counter[str], counts: Counter[str]) -> None:
    """``total.update(counts)`` with no Python step per word: the sums are mapped
    in C and stored in the counts' order, as ``update`` stores them."""
    values = map(add, map(total.get, counts, repeat(0)), counts.values())
    dict.update(total, zip(counts, values, strict=True))


def finish(
    extractor: KeywordExtractor, documents: list[DocumentStats], corpus: CorpusStats, top: int
) -> list[tuple[str, float, int]]:
    """Give each document its top three keywords (blended IDF) and return the
    corpus's top ``top`` keywords; per-document counters are dropped afterwards."""
    if extractor.pos:
        total: Counter[str] = Counter()
        for stats in documents:
            total.update(stats.terms)
    else:
        # without a part-of-speech filter a document's terms are its candidate
        # words, so the corpus's are the candidate words of its vocabulary
        total = extractor.candidate_counts(corpus.vocabulary)
    rankings = extractor.blended([stats.terms for stats in documents], 3)
    for stats, ranked in zip(documents, rankings, strict=True):
        stats.top_keywords = [term for term, _, _ in ranked]
    for stats in documents:
        stats.terms = Counter()
        stats.vocabulary = Counter()
    return extractor.tfidf(total, top)


@dataclass
class CorpusSummary:
    """What ``stats`` reports: the corpus totals, each document, the top keywords."""

    corpus: CorpusStats
    documents: list[DocumentStats]
    keywords: list[tuple[str, float, int]]

    def keyword_rows(self) -> list[dict[str, Any]]:
        return [
            {"rank": i, "term": t, "score": round(s, 6), "count": c}
            for i, (t, s, c) in enumerate(self.keywords, 1)
        ]

    def as_object(self) -> dict[str, Any]:
        """The ``stats --format json`` object."""
        return {
            "corpus": self.corpus.as_row(),
            "documents": [d.as_row() for d in self.documents],
            "keywords": self.keyword_rows(),
            "skipped": self.corpus.skipped,
        }


def collect(documents: Iterable[DocumentStats]) -> tuple[CorpusStats, list[DocumentStats]]:
    """Fold per-document results into corpus totals.

    Each document's vocabulary moves into the corpus (which holds the counts);
    its keyword counts stay for the blended IDF of ``finish``.
    """
    corpus = CorpusStats()
    kept: list[DocumentStats] = []
    for result in documents:
        corpus.add(result)
        result.vocabulary = Counter()
        kept.append(result)
    return corpus, kept


def summarise(
    runner: Runner,
    inputs: Iterable[Any],
    *,
    top: int = 15,
    jobs: int | None = 1,
    on_error: Callable[[Any], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CorpusSummary:
    """Run ``document_stats`` over ``inputs`` and finish the corpus (``stats``)."""
    failed: list[str] = []

    def note(error: Any) -> None:
        failed.append(str(error))
        if on_error is not None:
            on_error(error)

    results = runner.run(
        inputs, DOCUMENT_STATS, segment=True, jobs=jobs, on_error=note, progress=progress
    )
    corpus, documents = collect(results)
    corpus.skipped = failed
    keywords = finish(runner.keywords, documents, corpus, top)
    return CorpusSummary(corpus, documents, keywords)
