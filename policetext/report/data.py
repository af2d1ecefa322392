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
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from policetext.analyser import Analyser, ClosesDocuments, Runner, Task
from policetext.config import REPORT_MAX_ROWS
from policetext.dates import year_of
from policetext.document import Document
from policetext.figures import FigureRecord
from policetext.keywords import Keyness, keyness
from policetext.stats import CorpusFold, CorpusSummary, DocumentStats, absorb, document_stats
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
    #: (year, "meta" | "date" | "text") or None: see ``_document_year``
    year: tuple[int, str] | None = None

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
#: rows of each long table and sentences the page embeds by default (``--max-rows``)
MAX_ROWS = REPORT_MAX_ROWS


@dataclass
class KeynessChart:
    """Keyness of group A against group B (B may be the rest of the corpus)."""

    label_a: str
    label_b: str
    rows: list[Keyness]


class ReportDocuments:
    """The report's documents, read back in order from the temporary file they were
    spilled to while the corpus was read (as often as a section needs them; their
    term counts left out: the keywords of the first ones are in the summary);
    :meth:`close` removes the file."""

    def __init__(self) -> None:
        from policetext.spill import Spill

        self.spill: Spill[DocumentReport] = Spill()

    def __len__(self) -> int:
        return len(self.spill)

    def __iter__(self) -> Iterator[DocumentReport]:
        return iter(self.spill)

    def close(self) -> None:
        self.spill.close()


@dataclass
class ReportData(ClosesDocuments):
    """Everything the page shows. ``documents`` is read again for each section,
    one document at a time (see :class:`ReportDocuments`); ``summary.documents``
    are the first ``max_rows`` documents' stats (the table of documents)."""

    summary: CorpusSummary
    documents: Iterable[DocumentReport]
    date_field: str | None
    #: (documents with a date in the date field, the first, the last)
    meta_dates: tuple[int, str, str]
    keyword_groups: list[tuple[str, list[tuple[str, float, int]]]]
    keyness: list[KeynessChart]
    by: str | None = None
    compare: tuple[str, str] | None = None
    top: int = 15
    title: str = "policetext report"
    notes: list[str] = field(default_factory=list)
    #: rows of each long table (and sentences) embedded; the rest are counted
    max_rows: int = MAX_ROWS

    @property
    def document_count(self) -> int:
        return self.summary.corpus.documents


def collect_report(
    pipeline: Runner,
    inputs: Sequence[Any],
    *,
    compare: tuple[Any, Any] | None = None,
    by: str | None = None,
    date_field: str | None = "date",
    top: int = 15,
    min_freq: int = 3,
    max_rows: int = MAX_ROWS,
    jobs: int | None = 1,
    on_error: Callable[[Any], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReportData:
    """Run :func:`report_document` over ``inputs`` (and the two sides of ``compare``)
    and gather what the report shows.

    One document at a time: the corpus's totals, its document frequencies and
    each group's term counts are added up as the documents come, and the
    documents themselves are spilled to a temporary file that each section reads
    again (close the data, or use it in a ``with`` block, to remove it)."""
    failed: list[str] = []

    def note(error: Any) -> None:
        failed.append(str(error))
        if on_error is not None:
            on_error(error)

    runs: list[tuple[str | None, Sequence[Any]]] = [(None, inputs)] if inputs else []
    if compare is not None:
        runs += [(str(compare[0]), [compare[0]]), (str(compare[1]), [compare[1]])]

    fold = CorpusFold(pipeline.keywords)
    documents = ReportDocuments()
    #: the stats of the first ``max_rows`` documents (the table of documents)
    shown: list[DocumentStats] = []
    #: each group's term counts, in the order the groups come
    group_terms: dict[str | None, Counter[str]] = {}
    #: the first documents' term counts (their keywords are drawn without groups)
    first_terms: list[tuple[str, Counter[str]]] = []
    meta_dated, meta_first, meta_last = 0, "", ""
    try:
        for group, items in runs:
            for result in pipeline.run(
                items, REPORT_DOCUMENT, segment=True, jobs=jobs, on_error=note, progress=progress
            ):
                result.group = group
                if by is not None:
                    result.group = result.stats.fields.get(by) or NO_GROUP
                result.year = _document_year(result, date_field)
                if date_field and (dated := result.stats.meta.get(date_field, "")):
                    meta_first = min(meta_first, dated) if meta_dated else dated
                    meta_last = max(meta_last, dated)
                    meta_dated += 1
                terms = Counter(result.stats.terms)
                if by is not None or compare is not None:
                    group_terms.setdefault(result.group, Counter()).update(terms)
                elif len(first_terms) < MAX_SMALL_MULTIPLES:
                    first_terms.append((result.stats.doc, terms))
                fold.add(result.stats, spill=False)
                if len(shown) < max_rows:
                    shown.append(result.stats)  # ranked once the corpus is read
                    result = dataclasses.replace(
                        result, stats=dataclasses.replace(result.stats, terms=Counter())
                    )
                else:
                    result.stats.terms = Counter()
                documents.spill.append(result)
    except BaseException:
        documents.close()
        raise
    corpus = fold.corpus
    corpus.skipped = failed
    summary = CorpusSummary(corpus, [fold.finish(stats) for stats in shown], fold.top_keywords(top))

    groups = list(group_terms)
    if by is not None:
        groups.sort(key=lambda g: (g == NO_GROUP, g or ""))
    notes: list[str] = []
    if by is not None and len(groups) < 2:
        notes.append(f"every document has the same {by}: nothing to compare")
    if compare is not None and len([g for g in groups if g is not None]) < 2:
        notes.append("one side of --compare has no documents: no keyness")
    if groups:
        units = [(g, group_terms[g]) for g in groups]
        count = len(units)
    else:
        units = list(first_terms)
        count = corpus.documents
    if count > MAX_SMALL_MULTIPLES:
        notes.append(f"keywords of the first {MAX_SMALL_MULTIPLES} of {count} shown")
        units = units[:MAX_SMALL_MULTIPLES]
    keyword_groups = _rank_each(pipeline, units, 8)
    charts: list[KeynessChart] = []
    labelled = [g for g in groups if g is not None]
    if len(labelled) == 2:
        a, b = labelled
        rows = keyness(group_terms[a], group_terms[b], min_freq)
        charts.append(KeynessChart(a, b, rows))
    elif len(labelled) > 2:
        for g in labelled[:MAX_KEYNESS_GROUPS]:
            rest: Counter[str] = Counter()
            for other in labelled:
                if other != g:
                    rest.update(group_terms[other])
            rows = keyness(group_terms[g], rest, min_freq)
            charts.append(KeynessChart(g, "the rest", rows))
    return ReportData(
        summary=summary,
        documents=documents,
        date_field=date_field,
        meta_dates=(meta_dated, meta_first, meta_last),
        keyword_groups=keyword_groups,
        keyness=charts,
        by=by,
        compare=(str(compare[0]), str(compare[1])) if compare else None,
        top=top,
        notes=notes,
        max_rows=max_rows,
    )


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
    dated, first, last = data.meta_dates
    if dated:
        return first, last, "meta"
    first = last = ""
    for item in data.documents:
        if own := item.stats.date:
            first, last = (min(first, own), max(last, own)) if first else (own, own)
    if first:
        return first, last, "date"
    years = [
        int(f.value)
        for item in data.documents
        for f in item.figures
        if f.kind == "date" and f.unit == "年"
    ]
    if years:
        return str(min(years)), str(max(years)), "text"
    return "", "", "none"


def scripts_of(data: ReportData) -> Counter[str]:
    """Documents per script."""
    return Counter(item.stats.script for item in data.documents)


def report_summary(data: ReportData) -> dict[str, Any]:
    """The corpus card's numbers: the corpus row of ``stats``, documents per script
    (``script_<name>``) and the date range (``date_from``, ``date_to``, ``date_source``)."""
    summary = dict(data.summary.corpus.as_row())
    scripts = scripts_of(data)
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
    #: documents holding a figure of each year
    reporting: Counter[int] = Counter()
    for item in data.documents:
        document_year = item.year
        years_of_document: set[int] = set()
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
            years_of_document.add(year)
        reporting.update(years_of_document)
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
                    reporting.get(y, 0),
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
    #: (document index, sentence start) of each figure summed whose sentence the
    #: page shows (:func:`shown_sentences`), in corpus order
    sentences: list[tuple[int, int]]
    #: figures summed whose sentence is beyond those the page shows
    beyond: int = 0


@dataclass
class CountedUnit:
    """The largest groups of one unit (and currency) of count or money."""

    kind: str
    unit: str
    currency: str | None
    figures: int
    groups: list[CountedGroup]


def shown_sentences(data: ReportData) -> dict[tuple[int, int], str]:
    """The sentences the page shows, the first ``max_rows`` of those that hold a
    figure in corpus order, as (document index, start) → the document's name."""
    shown: dict[tuple[int, int], str] = {}
    for i, item in enumerate(data.documents):
        for start in sorted(item.sentences):
            if len(shown) >= data.max_rows:
                return shown
            shown[(i, start)] = item.stats.doc
    return shown


def what_was_counted(
    data: ReportData,
    top: int = COUNTED_GROUPS,
    units: int = COUNTED_UNITS,
    shown: Collection[tuple[int, int]] | None = None,
) -> tuple[list[CountedUnit], int, int]:
    """Counts and money summed by (event, subject) with ``groups.group_figures``
    (one unit per sum, money per currency, restated facts once), for the ``units``
    units with most figures, the ``top`` largest sums of each; the number of
    figures that name neither event nor subject (left out: nothing says what they
    count); and the number of units there are. Each group keeps the sentences of
    its figures that are among ``shown`` (default: :func:`shown_sentences`)."""
    from policetext.groups import group_figures

    if shown is None:
        shown = shown_sentences(data)
    sentences: dict[tuple[str, str, str, str], list[tuple[int, int]]] = defaultdict(list)
    beyond: Counter[tuple[str, str, str, str]] = Counter()
    kinds: dict[tuple[str, str], str] = {}
    unnamed = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal unnamed
        for i, item in enumerate(data.documents):
            for f, start in with_sentences(item):
                if f.kind not in SUMMABLE_KINDS or f.repeat:
                    continue
                if not f.event and not f.subject:
                    unnamed += 1
                    continue
                row = f.as_row()
                row["doc"] = i  # documents of the same name kept apart
                kinds[(row["unit"], row["currency"] or "")] = row["kind"]
                key = (f.event, f.subject, f.unit, f.currency or "")
                if (i, start) in shown:
                    sentences[key].append((i, start))
                else:
                    beyond[key] += 1
                yield row

    by_unit: dict[tuple[str, str], list[CountedGroup]] = defaultdict(list)
    totals: Counter[tuple[str, str]] = Counter()
    for g in group_figures(rows(), ("event", "subject", "unit")):
        unit_key = (g["unit"], g["currency"] or "")
        totals[unit_key] += g["figures"]
        key = (g["event"], g["subject"], g["unit"], g["currency"] or "")
        by_unit[unit_key].append(
            CountedGroup(
                g["event"],
                g["subject"],
                g["figures"],
                g["sum"],
                g["min"],
                g["max"],
                g["docs"],
                sentences[key],
                beyond[key],
            )
        )
    shown_units = sorted(totals, key=lambda k: (-totals[k], k))[:units]
    out = []
    for unit_key in shown_units:
        groups = sorted(
            by_unit[unit_key], key=lambda g: (-abs(g.sum), -g.figures, g.event, g.subject)
        )[:top]
        unit, currency = unit_key
        out.append(CountedUnit(kinds[unit_key], unit, currency or None, totals[unit_key], groups))
    return out, unnamed, len(totals)


def unit_regions(data: ReportData) -> dict[str, str]:
    """Each unit's region (the first a mention of it gives); a parent named only
    through its units takes theirs."""
    return unit_documents_and_regions(data)[1]


def documents_per_unit(data: ReportData) -> Counter[str]:
    """Each named unit and the number of documents that name it."""
    return unit_documents_and_regions(data)[0]


def unit_documents_and_regions(data: ReportData) -> tuple[Counter[str], dict[str, str]]:
    """:func:`documents_per_unit` and :func:`unit_regions` in one reading."""
    documents_of: Counter[str] = Counter()
    regions: dict[str, str] = {}
    of_parents: dict[str, str] = {}  # the first region a unit of each parent gives
    for item in data.documents:
        documents_of.update({u.name for u in item.units})
        for u in item.units:
            if u.region and not regions.get(u.name):
                regions[u.name] = u.region
            if u.parent and u.region and u.parent not in of_parents:
                of_parents[u.parent] = u.region
    for parent, region in of_parents.items():
        if not regions.get(parent):
            regions[parent] = region
    return documents_of, regions


def units_together(data: ReportData, names: Sequence[str]) -> list[list[int]]:
    """For each two of ``names``, the number of documents naming both (the
    diagonal: naming it)."""
    index = {name: n for n, name in enumerate(names)}
    matrix = [[0] * len(names) for _ in names]
    for item in data.documents:
        present = sorted({index[u.name] for u in item.units if u.name in index})
        for a in present:
            for b in present:
                matrix[a][b] += 1
    return matrix


class UnitRows:
    """The unit mentions of every document as the rows ``units.unit_tree`` reads
    (the fields of ``UnitRecord.as_row`` it uses), read again each time they are
    iterated (it reads them twice)."""

    def __init__(self, data: ReportData) -> None:
        self.data = data

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for item in self.data.documents:
            for u in item.units:
                yield {
                    "doc": u.doc, "name": u.name, "level": u.level, "parent": u.parent,
                    "region": u.region,
                }  # fmt: skip


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
    "scripts_of",
    "shown_sentences",
    "sums_per_year",
    "unit_documents_and_regions",
    "unit_regions",
    "units_together",
    "what_was_counted",
    "with_sentences",
]
