"""Corpus statistics: per-document counts and corpus totals that merge by addition.

``document_stats`` is a pure function of (analyser, document), so it runs in
worker processes; ``CorpusStats.add`` and ``CorpusStats.merge`` combine partial
results in any grouping (serial, ``--jobs N``, or partitions elsewhere).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cached_property
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any

from policetext.analyser import Analyser, ClosesDocuments, Runner, Task
from policetext.document import Document
from policetext.keywords import DocumentFrequencies, KeywordExtractor
from policetext.text import count_han, count_sentences, script_of

if TYPE_CHECKING:
    from policetext.spill import Spill


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

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as lists, each counter as its words and its counts: in half the
        # time of a dataclass's state and two Counters (each document's stats are
        # pickled by a worker of --jobs, and again into the spill)
        counters = (self.vocabulary, self.terms)
        return _restored_stats, (
            [getattr(self, name) for name in _PLAIN_FIELDS],
            *[part for counts in counters for part in (list(counts), list(counts.values()))],
        )

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


#: the fields of DocumentStats but its two counters
_PLAIN_FIELDS = tuple(
    f.name for f in dataclass_fields(DocumentStats) if f.name not in ("vocabulary", "terms")
)


def _restored_stats(plain: list[Any], *counters: list[Any]) -> DocumentStats:
    """A pickled :class:`DocumentStats` made again (see its ``__reduce__``)."""
    stats = DocumentStats.__new__(DocumentStats)
    stats.__dict__.update(zip(_PLAIN_FIELDS, plain, strict=True))
    vocabulary: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    dict.update(vocabulary, zip(counters[0], counters[1], strict=True))
    dict.update(terms, zip(counters[2], counters[3], strict=True))
    stats.vocabulary, stats.terms = vocabulary, terms
    return stats


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


class CorpusSummary(ClosesDocuments):
    """What ``stats`` reports: the corpus totals, each document, the top keywords.

    ``documents`` is read again each time it is iterated: each document's counts
    were spilled to a temporary file while the corpus was read, and get their
    top three keywords (TF-IDF with the corpus's document frequencies) on the
    way out. :meth:`close` (or the ``with`` block) removes the file.
    """

    def __init__(
        self,
        corpus: CorpusStats,
        documents: Iterable[DocumentStats],
        keywords: list[tuple[str, float, int]],
    ) -> None:
        self.corpus = corpus
        self.documents = documents
        self.keywords = keywords

    def keyword_rows(self) -> list[dict[str, Any]]:
        return [
            {"rank": i, "term": t, "score": round(s, 6), "count": c}
            for i, (t, s, c) in enumerate(self.keywords, 1)
        ]

    def as_object(self) -> dict[str, Any]:
        """The ``stats --format json`` object; its documents an iterator, one row at
        a time (``output.write_object`` streams it)."""
        return {
            "corpus": self.corpus.as_row(),
            "documents": (d.as_row() for d in self.documents),
            "keywords": self.keyword_rows(),
            "skipped": self.corpus.skipped,
        }


class CorpusFold:
    """The corpus read one document at a time (the first pass): totals, document
    frequencies of the keyword terms, and each document's stats spilled to a
    temporary file for the second pass (:meth:`finished`), which gives each its
    top three keywords. Nothing here grows with the number of documents but the
    file (and the vocabulary, with the words the corpus has)."""

    def __init__(self, extractor: KeywordExtractor) -> None:
        self.extractor = extractor
        self.corpus = CorpusStats()
        self.frequencies = DocumentFrequencies()
        #: the terms of all documents, summed (with a part-of-speech filter only: a
        #: document's terms are otherwise the candidate words of its vocabulary)
        self.terms: Counter[str] = Counter()

    @cached_property
    def spill(self) -> Spill[DocumentStats]:
        """The documents' stats, in a temporary file (made on first use)."""
        from policetext.spill import Spill

        return Spill()

    def add(self, stats: DocumentStats, *, spill: bool = True) -> None:
        """Add a document's stats to the totals and (unless ``spill`` is false: the
        report keeps its documents itself) spill them for the second pass."""
        self.corpus.add(stats)
        self.frequencies.add(stats.terms)
        if self.extractor.pos:
            self.terms.update(stats.terms)
        stats.vocabulary = Counter()  # in the corpus's now
        if spill:
            self.spill.append(stats)

    def finish(self, stats: DocumentStats) -> DocumentStats:
        """A spilled document's stats given their top three keywords (blended IDF),
        its term counts dropped."""
        ranked = self.frequencies.rank(self.extractor, stats.terms, 3)
        stats.top_keywords = [term for term, _, _ in ranked]
        stats.terms = Counter()
        return stats

    def top_keywords(self, top: int) -> list[tuple[str, float, int]]:
        """The corpus's top ``top`` keywords (TF-IDF with jieba's IDF)."""
        if self.extractor.pos:
            total = self.terms
        else:
            total = self.extractor.candidate_counts(self.corpus.vocabulary)
        return self.extractor.tfidf(total, top)

    def finished(self) -> FinishedDocuments:
        """Each document's stats with its top three keywords (blended IDF), in order."""
        return FinishedDocuments(self)


class FinishedDocuments:
    """The documents of a :class:`CorpusFold`, read back from its spill as often
    as they are iterated, each with its top three keywords and its counters dropped."""

    def __init__(self, fold: CorpusFold) -> None:
        self.fold = fold

    def __len__(self) -> int:
        return len(self.fold.spill)

    def __iter__(self) -> Iterator[DocumentStats]:
        return map(self.fold.finish, self.fold.spill)

    def close(self) -> None:
        self.fold.spill.close()


def summarise(
    runner: Runner,
    inputs: Iterable[Any],
    *,
    top: int = 15,
    jobs: int | None = 1,
    on_error: Callable[[Any], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CorpusSummary:
    """Run ``document_stats`` over ``inputs`` and finish the corpus (``stats``).

    Close the summary (``with summarise(...) as summary:``) when done with its
    documents: they are read back from a temporary file."""
    failed: list[str] = []

    def note(error: Any) -> None:
        failed.append(str(error))
        if on_error is not None:
            on_error(error)

    fold = CorpusFold(runner.keywords)
    try:
        for result in runner.run(
            inputs, DOCUMENT_STATS, segment=True, jobs=jobs, on_error=note, progress=progress
        ):
            fold.add(result)
    except BaseException:
        fold.spill.close()
        raise
    fold.corpus.skipped = failed
    return CorpusSummary(fold.corpus, fold.finished(), fold.top_keywords(top))
