"""What the report shows, collected: the layer below the charts and the page.

``collect_report`` runs :func:`report_document` on every document through
:meth:`Pipeline.run` (so ``--jobs`` works) and folds the results with
``stats.collect`` and ``stats.finish``, so the corpus numbers are exactly those of
``policetext stats``. Nothing here knows about HTML: the page (``page.py``) and its
charts (``charts.py``) only draw what :class:`ReportData` holds.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from policetext.analyser import Analyser, Runner, Task
from policetext.document import Document
from policetext.figures import FigureRecord
from policetext.keywords import Keyness, keyness
from policetext.stats import (
    CorpusSummary,
    DocumentStats,
    absorb,
    collect,
    document_stats,
    finish,
)
from policetext.units import UnitRecord

#: documents or groups drawn as small multiples of keywords
MAX_SMALL_MULTIPLES = 12
#: groups compared each against the rest when --by gives more than two
MAX_KEYNESS_GROUPS = 6
#: kinds whose values add up to something (a sum of percentages or ranks means nothing)
SUMMABLE_KINDS = ("count", "money")
NO_GROUP = "(no value)"
#: the group of PATHS given beside --compare A B
OTHER_INPUTS = "(other inputs)"
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


# ---- per-document data (runs in worker processes) ------------------------------
@dataclass
class DocumentReport:
    """What the report needs of one document besides its ``stats`` counts."""

    stats: DocumentStats
    figures: list[FigureRecord]
    #: per figure, the start of its sentence in the document's normalised text
    figure_sentences: list[int]
    #: the sentences that hold a figure, by start
    sentences: dict[int, str]
    units: list[UnitRecord]
    group: str | None = None

    def absorb(self, later: DocumentReport) -> None:
        """Add a later part of a huge input (its offsets already index the whole text)."""
        absorb(self.stats, later.stats)
        self.figures.extend(later.figures)
        self.figure_sentences.extend(later.figure_sentences)
        self.sentences.update(later.sentences)
        self.units.extend(later.units)


def report_document(analyser: Analyser, document: Document) -> DocumentReport:
    """The stats, figures (with their sentences) and units of one document
    (a task for :meth:`Pipeline.run`)."""
    figures = analyser.figures.figures(document)
    units = analyser.units.units(document)
    stats = document_stats(analyser, document, figures=figures, units=units)
    spans = document.sentences
    starts = [span.start + document.offset for span in spans]
    figure_sentences: list[int] = []
    sentences: dict[int, str] = {}
    for figure in figures:
        i = max(0, bisect.bisect_right(starts, figure.start) - 1)
        if not spans:
            figure_sentences.append(figure.start)
            sentences[figure.start] = figure.context
            continue
        figure_sentences.append(starts[i])
        sentences[starts[i]] = spans[i].text
    return DocumentReport(
        stats=stats,
        figures=figures,
        figure_sentences=figure_sentences,
        sentences=sentences,
        units=units,
    )


def _merge_reports(parts: Iterator[DocumentReport]) -> DocumentReport:
    whole = next(parts)
    for part in parts:
        whole.absorb(part)
    return whole


#: the report's task: what it shows of one input (a huge input's parts added up)
REPORT_DOCUMENT: Task[DocumentReport] = Task(report_document, _merge_reports)


# ---- the corpus ------------------------------------------------------------------
@dataclass
class KeynessChart:
    """Keyness of group A against group B (B may be the rest of the corpus)."""

    label_a: str
    label_b: str
    rows: list[Keyness]


@dataclass
class ReportData:
    """Everything the page shows; ``documents`` line up with ``summary.documents``."""

    summary: CorpusSummary
    documents: list[DocumentReport]
    terms: list[Counter[str]]
    #: per document: (year, "meta" | "text") or None
    years: list[tuple[int, str] | None]
    date_field: str | None
    meta_dates: list[str]
    keyword_groups: list[tuple[str, list[tuple[str, float, int]]]]
    keyness: list[KeynessChart]
    by: str | None = None
    compare: tuple[str, str] | None = None
    top: int = 15
    title: str = "policetext report"
    notes: list[str] = field(default_factory=list)


def collect_report(
    pipeline: Runner,
    inputs: Sequence[Any],
    *,
    compare: tuple[Any, Any] | None = None,
    by: str | None = None,
    date_field: str | None = "date",
    top: int = 15,
    min_freq: int = 3,
    jobs: int | None = 1,
    on_error: Callable[[Any], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReportData:
    """Run :func:`report_document` over ``inputs`` (and the two sides of ``compare``)
    and gather what the report shows."""
    failed: list[str] = []

    def note(error: Any) -> None:
        failed.append(str(error))
        if on_error is not None:
            on_error(error)

    runs: list[tuple[str | None, Sequence[Any]]] = [(None, inputs)] if inputs else []
    if compare is not None:
        runs += [(str(compare[0]), [compare[0]]), (str(compare[1]), [compare[1]])]

    def results() -> Iterator[DocumentReport]:
        for group, items in runs:
            for result in pipeline.run(
                items, REPORT_DOCUMENT, segment=True, jobs=jobs, on_error=note, progress=progress
            ):
                result.group = group
                yield result

    gathered: list[DocumentReport] = []

    def stats_of() -> Iterator[DocumentStats]:
        for result in results():
            gathered.append(result)
            yield result.stats

    corpus, documents = collect(stats_of())
    corpus.skipped = failed
    terms = [Counter(d.terms) for d in documents]  # finish() drops them
    keywords = finish(pipeline.keywords, documents, corpus, top)
    summary = CorpusSummary(corpus, documents, keywords)
    if by is not None:
        for item in gathered:
            item.group = item.stats.fields.get(by) or NO_GROUP

    years = [_document_year(item, date_field) for item in gathered]
    meta_dates = sorted(
        d for item in gathered if date_field and (d := item.stats.meta.get(date_field, ""))
    )
    groups = _groups(gathered, by) if (by or compare) else []
    notes: list[str] = []
    if by is not None and len(groups) < 2:
        notes.append(f"every document has the same {by}: nothing to compare")
    if compare is not None and len([g for g in groups if g is not None]) < 2:
        notes.append("one side of --compare has no documents: no keyness")
    if groups:
        units = [(g, _sum_terms(terms, gathered, g)) for g in groups]
    else:
        units = [(d.doc, t) for d, t in zip(documents, terms, strict=True)]
    if len(units) > MAX_SMALL_MULTIPLES:
        notes.append(f"keywords of the first {MAX_SMALL_MULTIPLES} of {len(units)} shown")
        units = units[:MAX_SMALL_MULTIPLES]
    keyword_groups = _rank_each(pipeline, units, 8)
    charts: list[KeynessChart] = []
    labelled = [g for g in groups if g is not None]
    if len(labelled) == 2:
        a, b = labelled
        rows = keyness(_sum_terms(terms, gathered, a), _sum_terms(terms, gathered, b), min_freq)
        charts.append(KeynessChart(a, b, rows))
    elif len(labelled) > 2:
        for g in labelled[:MAX_KEYNESS_GROUPS]:
            rest: Counter[str] = Counter()
            for other in labelled:
                if other != g:
                    rest.update(_sum_terms(terms, gathered, other))
            rows = keyness(_sum_terms(terms, gathered, g), rest, min_freq)
            charts.append(KeynessChart(g, "the rest", rows))
    return ReportData(
        summary=summary,
        documents=gathered,
        terms=terms,
        years=years,
        date_field=date_field,
        meta_dates=meta_dates,
        keyword_groups=keyword_groups,
        keyness=charts,
        by=by,
        compare=(str(compare[0]), str(compare[1])) if compare else None,
        top=top,
        notes=notes,
    )


def _groups(items: list[DocumentReport], by: str | None) -> list[str | None]:
    """The groups in order: --compare's sides as given, --by's values sorted (none last)."""
    seen = list(dict.fromkeys(item.group for item in items))
    if by is None:
        return seen
    return sorted(seen, key=lambda g: (g == NO_GROUP, g or ""))


def _sum_terms(
    terms: list[Counter[str]], items: list[DocumentReport], group: str | None
) -> Counter[str]:
    total: Counter[str] = Counter()
    for counts, item in zip(terms, items, strict=True):
        if item.group == group:
            total.update(counts)
    return total


def _rank_each(
    pipeline: Runner, units: list[tuple[str | None, Counter[str]]], top: int
) -> list[tuple[str, list[tuple[str, float, int]]]]:
    """Each document's (or group's) keywords, with the IDF blended over them as in stats."""
    rankings = pipeline.keywords.blended([counts for _, counts in units], top)
    return [
        (OTHER_INPUTS if name is None else name, ranked)
        for (name, _), ranked in zip(units, rankings, strict=True)
    ]


def _document_year(item: DocumentReport, date_field: str | None) -> tuple[int, str] | None:
    """The year of a document: its date field, else the year its text mentions most
    (ties: the latest)."""
    if date_field:
        match = _YEAR.search(item.stats.meta.get(date_field, ""))
        if match:
            return int(match.group(1)), "meta"
    years = Counter(
        int(f.value) for f in item.figures if f.kind == "date" and f.unit == "年" and f.max is None
    )
    if not years:
        return None
    best = max(years.items(), key=lambda pair: (pair[1], pair[0]))
    return best[0], "text"


# ---- what the sections show, derived from the collected data ---------------------------
def with_sentences(item: DocumentReport) -> Iterator[tuple[FigureRecord, int]]:
    """Each figure of a document with the start of its sentence."""
    return zip(item.figures, item.figure_sentences, strict=True)


def date_range(data: ReportData) -> tuple[str, str, str]:
    """The first and last date and where they come from (``meta``, ``text`` or ``none``)."""
    if data.meta_dates:
        return data.meta_dates[0], data.meta_dates[-1], "meta"
    years = sorted(
        int(f.value)
        for item in data.documents
        for f in item.figures
        if f.kind == "date" and f.unit == "年"
    )
    if years:
        return str(years[0]), str(years[-1]), "text"
    return "", "", "none"


def report_summary(data: ReportData) -> dict[str, Any]:
    """The corpus card's numbers: the corpus row of ``stats``, documents per script
    (``script_<name>``) and the date range (``date_from``, ``date_to``, ``date_source``)."""
    summary = dict(data.summary.corpus.as_row())
    scripts = Counter(d.script for d in data.summary.documents)
    summary.update((f"script_{name}", n) for name, n in sorted(scripts.items()))
    date_from, date_to, date_source = date_range(data)
    summary.update(date_from=date_from, date_to=date_to, date_source=date_source)
    return summary


@dataclass
class YearSums:
    """The sum of one kind and unit of figure per year, with the number of figures."""

    kind: str
    unit: str
    #: (year, documents, sum, figures) for every year from the first a document has to
    #: the last; a year no document has is a gap: 0 documents, sum None
    years: list[tuple[int, int, float | None, int]]


def sums_per_year(data: ReportData, top: int = 6) -> list[YearSums]:
    """Counts and sums of money per document year, for the ``top`` most frequent
    (kind, unit) pairs; ranges count their lower bound."""
    known = [(item, y[0]) for item, y in zip(data.documents, data.years, strict=True) if y]
    if not known:
        return []
    documents = Counter(year for _, year in known)
    years = range(min(documents), max(documents) + 1)
    sums: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    counts: Counter[tuple[str, str]] = Counter()
    numbers: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for item, year in known:
        for f in item.figures:
            if f.kind in SUMMABLE_KINDS:
                key = (f.kind, f.unit)
                sums[key][year] += f.value
                numbers[key][year] += 1
                counts[key] += 1
    return [
        YearSums(
            kind,
            unit,
            [
                (y, documents[y], round(sums[key][y], 6) if documents[y] else None, numbers[key][y])
                for y in years
            ],
        )
        for key, _ in counts.most_common(top)
        for kind, unit in [key]
    ]


def documents_per_unit(data: ReportData) -> dict[str, set[int]]:
    """Each named unit and the indexes of the documents that name it."""
    documents_of: dict[str, set[int]] = defaultdict(set)
    for i, item in enumerate(data.documents):
        for u in item.units:
            documents_of[u.name].add(i)
    return documents_of


__all__ = [
    "DocumentReport",
    "KeynessChart",
    "ReportData",
    "YearSums",
    "collect_report",
    "date_range",
    "documents_per_unit",
    "report_document",
    "report_summary",
    "sums_per_year",
    "with_sentences",
]
