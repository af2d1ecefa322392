"""What the report shows, collected: the layer below the charts and the page.

``collect_report`` runs :func:`report_document` on every document through
:meth:`Pipeline.run` (so ``--jobs`` works) and folds the results with
``stats.collect`` and ``stats.finish``, so the corpus numbers are exactly those of
``policetext stats``. Nothing here knows about HTML: the page (``page.py``) and its
charts (``charts.py``) only draw what :class:`ReportData` holds.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from policetext.analyser import Analyser, Runner, Task
from policetext.dates import year_of
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
        # a fact restated in a later part repeats one of an earlier part, as in the whole
        seen = {_fact(f) for f in self.figures if f.kind != "date"}
        for f in later.figures:
            if f.kind != "date" and not f.repeat and _fact(f) in seen:
                f = dataclasses.replace(f, repeat=True)
            if f.kind != "date":
                seen.add(_fact(f))
            self.figures.append(f)
        self.figure_sentences.extend(later.figure_sentences)
        self.sentences.update(later.sentences)
        self.units.extend(later.units)


def _fact(figure: FigureRecord) -> tuple[Any, str, str]:
    """What makes two figures of a document one fact (as ``facts.annotate`` marks repeats)."""
    return (figure.value, figure.unit, figure.subject)


def report_document(analyser: Analyser, document: Document) -> DocumentReport:
    """The stats, figures (with their sentences) and units of one document
    (a task for :meth:`Pipeline.run`)."""
    figures = analyser.figures_of(document)
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
    """The year of a document: its date field (``meta``: a table's field overrides),
    else the page's own date (``date``), else the year its text mentions most
    (``text``; ties: the latest)."""
    if date_field:
        match = _YEAR.search(item.stats.meta.get(date_field, ""))
        if match:
            return int(match.group(1)), "meta"
    own = year_of(item.stats.date)
    if own is not None:
        return own, "date"
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
    """The first and last date and where they come from: the date field (``meta``),
    the pages' own dates (``date``), the years of the text (``text``) or ``none``."""
    if data.meta_dates:
        return data.meta_dates[0], data.meta_dates[-1], "meta"
    own = sorted(d for item in data.documents if (d := item.stats.date))
    if own:
        return own[0], own[-1], "date"
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
    """The sum of one kind, unit (and currency) of figure per year, with the number
    of figures."""

    kind: str
    unit: str
    #: (year, documents, sum, figures) for every year from the first a figure holds
    #: for to the last; a year no figure holds for is a gap: 0 documents, sum None
    years: list[tuple[int, int, float | None, int]]
    currency: str | None = None


def figure_year(when: str, document_year: tuple[int, str] | None) -> int | None:
    """The year a figure holds for: of its ``when``, else its document's year."""
    year = year_of(when)
    if year is not None:
        return year
    return document_year[0] if document_year else None


def sums_per_year(data: ReportData, top: int = 6) -> list[YearSums]:
    """Counts and sums of money per year, for the ``top`` most frequent (kind, unit,
    currency): each figure in the year it holds for (:func:`figure_year`), a fact
    restated in its document (``repeat``) once, in the period any of its statements
    gives (a headline restating ``2021年…破获120起`` holds for 2021); ranges count
    their lower bound."""
    sums: dict[tuple[str, str, str | None], Counter[int]] = defaultdict(Counter)
    counts: Counter[tuple[str, str, str | None]] = Counter()
    numbers: dict[tuple[str, str, str | None], Counter[int]] = defaultdict(Counter)
    reporting: dict[int, set[int]] = defaultdict(set)
    for i, (item, document_year) in enumerate(zip(data.documents, data.years, strict=True)):
        stated: dict[tuple[Any, str, str], str] = {}
        for f in item.figures:
            if f.when and f.kind in SUMMABLE_KINDS:
                stated.setdefault(_fact(f), f.when)
        for f in item.figures:
            if f.kind not in SUMMABLE_KINDS or f.repeat:
                continue
            year = figure_year(f.when or stated.get(_fact(f), ""), document_year)
            if year is None:
                continue
            key = (f.kind, f.unit, f.currency)
            sums[key][year] += f.value
            numbers[key][year] += 1
            counts[key] += 1
            reporting[year].add(i)
    if not reporting:
        return []
    years = range(min(reporting), max(reporting) + 1)
    return [
        YearSums(
            kind,
            unit,
            [
                (
                    y,
                    len(reporting.get(y, ())),
                    round(sums[key][y], 6) if y in reporting else None,
                    numbers[key][y],
                )
                for y in years
            ],
            currency,
        )
        for key, _ in counts.most_common(top)
        for kind, unit, currency in [key]
    ]


#: (event, subject) groups shown per unit in "What was counted", and units shown
COUNTED_GROUPS = 10
COUNTED_UNITS = 6


@dataclass
class CountedGroup:
    """Figures of one (event, subject, unit, currency): their sum and their sentences."""

    event: str
    subject: str
    figures: int
    sum: float
    min: float
    max: float
    docs: int
    #: (document index, sentence start) of each figure summed, in corpus order
    sentences: list[tuple[int, int]]


@dataclass
class CountedUnit:
    """The largest groups of one unit (and currency) of count or money."""

    kind: str
    unit: str
    currency: str | None
    figures: int
    groups: list[CountedGroup]


def what_was_counted(
    data: ReportData, top: int = COUNTED_GROUPS, units: int = COUNTED_UNITS
) -> tuple[list[CountedUnit], int, int]:
    """Counts and money summed by (event, subject) with ``groups.group_figures``
    (one unit per sum, money per currency, restated facts once), for the ``units``
    units with most figures, the ``top`` largest sums of each; the number of
    figures that name neither event nor subject (left out: nothing says what they
    count); and the number of units there are."""
    from policetext.groups import group_figures

    rows: list[dict[str, Any]] = []
    sentences: dict[tuple[str, str, str, str], list[tuple[int, int]]] = defaultdict(list)
    unnamed = 0
    for i, item in enumerate(data.documents):
        for f, start in with_sentences(item):
            if f.kind not in SUMMABLE_KINDS or f.repeat:
                continue
            if not f.event and not f.subject:
                unnamed += 1
                continue
            row = f.as_row()
            row["doc"] = f"{i}\t{item.stats.doc}"  # documents of the same name kept apart
            rows.append(row)
            sentences[(f.event, f.subject, f.unit, f.currency or "")].append((i, start))
    kinds = {(f["unit"], f["currency"] or ""): f["kind"] for f in rows}
    by_unit: dict[tuple[str, str], list[CountedGroup]] = defaultdict(list)
    totals: Counter[tuple[str, str]] = Counter()
    for g in group_figures(rows, ("event", "subject", "unit")):
        unit_key = (g["unit"], g["currency"] or "")
        totals[unit_key] += g["figures"]
        by_unit[unit_key].append(
            CountedGroup(
                g["event"],
                g["subject"],
                g["figures"],
                g["sum"],
                g["min"],
                g["max"],
                g["docs"],
                sentences[(g["event"], g["subject"], g["unit"], g["currency"] or "")],
            )
        )
    shown = sorted(totals, key=lambda k: (-totals[k], k))[:units]
    out = []
    for unit_key in shown:
        groups = sorted(
            by_unit[unit_key], key=lambda g: (-abs(g.sum), -g.figures, g.event, g.subject)
        )[:top]
        unit, currency = unit_key
        out.append(CountedUnit(kinds[unit_key], unit, currency or None, totals[unit_key], groups))
    return out, unnamed, len(totals)


def unit_regions(data: ReportData) -> dict[str, str]:
    """Each unit's region (the first a mention of it gives); a parent named only
    through its units takes theirs."""
    regions: dict[str, str] = {}
    for item in data.documents:
        for u in item.units:
            if u.region and not regions.get(u.name):
                regions[u.name] = u.region
    for item in data.documents:
        for u in item.units:
            if u.parent and u.region and not regions.get(u.parent):
                regions[u.parent] = u.region
    return regions


def documents_per_unit(data: ReportData) -> dict[str, set[int]]:
    """Each named unit and the indexes of the documents that name it."""
    documents_of: dict[str, set[int]] = defaultdict(set)
    for i, item in enumerate(data.documents):
        for u in item.units:
            documents_of[u.name].add(i)
    return documents_of


__all__ = [
    "CountedGroup",
    "CountedUnit",
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
    "unit_regions",
    "what_was_counted",
    "with_sentences",
]
