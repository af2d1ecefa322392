"""The corpus report: one self-contained HTML page, its charts inline SVG drawn here.

``collect_report`` runs :func:`report_document` on every document through
:meth:`Pipeline.run` (so ``--jobs`` works) and folds the results with
``stats.collect`` and ``stats.finish``, so the corpus numbers are exactly those of
``policetext stats``. ``render_report`` turns the collected data into HTML: every
text escaped, every chart beside a table of its numbers, nothing fetched when the
page is viewed (no URLs, no external scripts, styles or fonts; Chinese is drawn
as text in the browser's own CJK fonts).
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policetext.document import Document
from policetext.figures import KINDS, FigureRecord
from policetext.keywords import Keyness, keyness
from policetext.stats import CorpusSummary, DocumentStats, collect, document_stats, finish
from policetext.units import UnitRecord, unit_tree

#: the section ids, in page order; tests and links rely on them
SECTIONS = ("corpus", "keywords", "figures", "units", "keyness", "sentences")
#: rows of the table of every figure; a bigger corpus says how many were left out
MAX_FIGURE_ROWS = 2000
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

FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
BAR = "#3b6ea5"
SIDE_A = "#b5473a"
SIDE_B = "#3b6ea5"


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
    part: int = 0
    group: str | None = None

    def absorb(self, later: DocumentReport) -> None:
        """Add a later part of a huge input (its offsets already index the whole text)."""
        self.figures.extend(later.figures)
        self.figure_sentences.extend(later.figure_sentences)
        self.sentences.update(later.sentences)
        self.units.extend(later.units)


def report_document(pipeline: Any, document: Document) -> DocumentReport:
    """The stats, figures (with their sentences) and units of one document
    (a task for :meth:`Pipeline.run`)."""
    figures = pipeline.figures.figures(document)
    units = pipeline.units.units(document)
    stats = document_stats(pipeline, document, figures=figures, units=units)
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
        part=document.part,
    )


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
    pipeline: Any,
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
                items, report_document, segment=True, jobs=jobs, on_error=note, progress=progress
            ):
                result.group = group
                yield result

    gathered: list[DocumentReport] = []

    def stats_of() -> Iterator[DocumentStats]:
        for result in results():
            if result.part and gathered:
                gathered[-1].absorb(result)
            else:
                gathered.append(result)
            yield result.stats

    corpus, documents = collect(stats_of())
    corpus.skipped = failed
    terms = [Counter(d.terms) for d in documents]  # finish() drops them
    keywords = finish(pipeline, documents, corpus, top)
    summary = CorpusSummary(corpus, documents, keywords)
    if by is not None:
        for item in gathered:
            item.group = item.stats.meta.get(by) or NO_GROUP

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


def build_report(pipeline: Any, inputs: Sequence[Any], **options: Any) -> str:
    """The report's HTML for ``inputs`` (options as :func:`collect_report`)."""
    return render_report(collect_report(pipeline, inputs, **options))


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
    pipeline: Any, units: list[tuple[str | None, Counter[str]]], top: int
) -> list[tuple[str, list[tuple[str, float, int]]]]:
    """Each document's (or group's) keywords, with the IDF blended over them as in stats."""
    df: Counter[str] = Counter()
    for _, counts in units:
        df.update(counts.keys())
    return [
        (
            OTHER_INPUTS if name is None else name,
            pipeline.keywords.tfidf(counts, top, df, len(units)),
        )
        for name, counts in units
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


# ---- small helpers for markup ------------------------------------------------------
def esc(value: Any) -> str:
    """Text or attribute value escaped for HTML (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def number(value: Any) -> str:
    """A number as written in tables: integers plain, floats to 4 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
    return str(value)


def grouped(value: int | float) -> str:
    """A number with thousands separators, for the corpus card."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4g}"


def text_width(text: str, size: float) -> float:
    """Rough drawn width of ``text``: CJK characters are square, Latin about 0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_left(text: str, limit: int) -> str:
    """The end of a long label (a path's file name is what tells two apart)."""
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
    caption: str | None = None,
    attrs: str = "",
) -> str:
    """A sortable table; numeric cells carry ``data-value`` so they sort as numbers."""
    numeric = numeric or [False] * len(columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for value, is_number in zip(row, numeric, strict=True):
            if isinstance(value, Markup):
                cells.append(f"<td>{value.html}</td>")
            elif is_number:
                cells.append(f'<td class="num" data-value="{esc(value)}">{esc(number(value))}</td>')
            else:
                cells.append(f"<td>{esc(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table class="data sortable"{attrs}>{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


@dataclass(frozen=True)
class Markup:
    """HTML already escaped, for a table cell."""

    html: str


def figure_block(name: str, caption: str, chart: str, numbers: str, wide: bool = False) -> str:
    """A chart and the table of its numbers side by side, with a caption."""
    cls = "chart wide" if wide else "chart"
    return (
        f'<figure class="{cls}" data-chart="{esc(name)}"><figcaption>{esc(caption)}</figcaption>'
        f'<div class="pair"><div class="plot">{chart}</div>'
        f'<div class="numbers">{numbers}</div></div></figure>'
    )


# ---- charts: SVG drawn by hand -------------------------------------------------------
def _svg(width: float, height: float, label: str, body: str) -> str:
    return (
        f'<svg class="chart-svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>{body}</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float]], label: str, *, width: int = 460, colour: str = BAR
) -> str:
    """Horizontal bars, largest first as given; the value is written at each bar's end."""
    size, row, gap = 12, 20, 5
    labels = [clip(name, 16) for name, _ in items]
    left = min(220.0, max([text_width(t, size) for t in labels] + [30.0]) + 10)
    values = [v for _, v in items]
    top_value = max([abs(v) for v in values] + [0.0]) or 1.0
    room = width - left - 70
    parts = []
    for i, ((name, value), shown) in enumerate(zip(items, labels, strict=True)):
        y = i * (row + gap) + 4
        length = max(1.0, room * abs(value) / top_value) if value else 0.0
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + row * 0.7:.1f}" text-anchor="end" '
            f'font-size="{size}"><title>{esc(name)}</title>{esc(shown)}</text>'
            f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{colour}">'
            f"<title>{esc(name)}: {esc(number(value))}</title></rect>"
            f'<text x="{left + length + 5:.1f}" y="{y + row * 0.7:.1f}" font-size="{size - 1}" '
            f'class="value">{esc(number(value))}</text>'
        )
    height = max(1, len(items)) * (row + gap) + 8
    return _svg(width, height, label, "".join(parts))


def column_chart(
    items: Sequence[tuple[str, float]], label: str, *, width: int = 300, height: int = 150
) -> str:
    """Vertical bars for a short series (years); zero bars are drawn as a baseline tick."""
    size = 11
    top, bottom, side = 18, 22, 8
    n = max(1, len(items))
    slot = (width - 2 * side) / n
    top_value = max([v for _, v in items] + [0.0]) or 1.0
    plot = height - top - bottom
    parts = [
        f'<line x1="{side}" y1="{height - bottom}" x2="{width - side}" y2="{height - bottom}" '
        f'stroke="#999" stroke-width="1"/>'
    ]
    for i, (name, value) in enumerate(items):
        x = side + i * slot + slot * 0.15
        bar_width = slot * 0.7
        length = plot * value / top_value if value > 0 else 0.0
        y = height - bottom - length
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{max(length, 1):.1f}" '
            f'fill="{BAR}"><title>{esc(name)}: {esc(number(value))}</title></rect>'
            f'<text x="{x + bar_width / 2:.1f}" y="{height - 6}" text-anchor="middle" '
            f'font-size="{size}">{esc(name)}</text>'
            f'<text x="{x + bar_width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="{size - 1}" class="value">{esc(_short_number(value))}</text>'
        )
    return _svg(width, height, label, "".join(parts))


def diverging_chart(
    rows: Sequence[Keyness], label: str, label_a: str, label_b: str, *, width: int = 560
) -> str:
    """Keyness as ``compare`` draws it: A's terms to the right of the axis, B's to the left,
    bar length G²; each term is written on the other side of the axis."""
    size, row, gap, head = 12, 18, 4, 26
    middle = width / 2
    top_value = max([abs(r.g2) for r in rows] + [0.0]) or 1.0
    room = middle - 90
    parts = [
        f'<text x="{middle + 6:.1f}" y="14" font-size="{size}" fill="{SIDE_A}">'
        f"{esc(clip_left(label_a, 24))} →</text>"
        f'<text x="{middle - 6:.1f}" y="14" font-size="{size}" text-anchor="end" '
        f'fill="{SIDE_B}">← {esc(clip_left(label_b, 24))}</text>'
    ]
    for i, r in enumerate(rows):
        y = head + i * (row + gap)
        length = max(1.0, room * abs(r.g2) / top_value)
        toward_a = r.g2 > 0
        x = middle if toward_a else middle - length
        colour = SIDE_A if toward_a else SIDE_B
        term_x = middle - 6 if toward_a else middle + 6
        anchor = "end" if toward_a else "start"
        value_x = middle + length + 4 if toward_a else middle - length - 4
        value_anchor = "start" if toward_a else "end"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{colour}">'
            f"<title>{esc(r.term)}: G² {r.g2:.2f}</title></rect>"
            f'<text x="{term_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}">{esc(clip(r.term, 10))}</text>'
            f'<text x="{value_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{value_anchor}" '
            f'font-size="{size - 1}" class="value">{abs(r.g2):.1f}</text>'
        )
    height = head + max(1, len(rows)) * (row + gap) + 4
    parts.append(
        f'<line x1="{middle:.1f}" y1="{head - 4}" x2="{middle:.1f}" y2="{height - 2}" '
        f'stroke="#666" stroke-width="1"/>'
    )
    return _svg(width, height, label, "".join(parts))


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[int]], label: str) -> str:
    """A square matrix of counts; rows named (numbered), columns by the same numbers."""
    size, cell = 11, 26
    labels = [f"{i}. {clip(name, 14)}" for i, name in enumerate(names, 1)]
    left = min(240.0, max([text_width(t, size) for t in labels] + [30.0]) + 12)
    top = 22
    top_value = max([v for row in matrix for v in row] + [0]) or 1
    parts = []
    for j in range(len(names)):
        parts.append(
            f'<text x="{left + j * cell + cell / 2:.1f}" y="{top - 7}" text-anchor="middle" '
            f'font-size="{size}">{j + 1}</text>'
        )
    for i, (name, shown) in enumerate(zip(names, labels, strict=True)):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 6:.1f}" y="{y + cell * 0.65:.1f}" text-anchor="end" '
            f'font-size="{size}"><title>{esc(name)}</title>{esc(shown)}</text>'
        )
        for j, value in enumerate(matrix[i]):
            opacity = 0.08 + 0.92 * value / top_value if value else 0.0
            parts.append(
                f'<rect x="{left + j * cell:.1f}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{BAR}" fill-opacity="{opacity:.2f}" stroke="#ddd" stroke-width="0.5">'
                f"<title>{esc(name)} × {esc(names[j])}: {value}</title></rect>"
            )
            if value:
                colour = "#fff" if opacity > 0.55 else "#222"
                parts.append(
                    f'<text x="{left + j * cell + (cell - 2) / 2:.1f}" y="{y + cell * 0.62:.1f}" '
                    f'text-anchor="middle" font-size="{size - 1}" fill="{colour}">{value}</text>'
                )
    width = left + len(names) * cell + 8
    height = top + len(names) * cell + 6
    return _svg(width, height, label, "".join(parts))


def _short_number(value: float) -> str:
    """Compact labels above columns: 1.2万, 3.4亿 (the table has the exact numbers)."""
    if abs(value) >= 1e8:
        return f"{value / 1e8:.3g}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.3g}万"
    return number(value)


# ---- sections --------------------------------------------------------------------------
def render_report(data: ReportData) -> str:
    """The whole page for collected data (a pure function: same data, same bytes)."""
    sections = [
        _corpus_section(data),
        _keywords_section(data),
        _figures_section(data),
        _units_section(data),
    ]
    if data.keyness:
        sections.append(_keyness_section(data))
    sections.append(_sentences_section(data))
    present = [s for s in SECTIONS if s != "keyness" or data.keyness]
    nav = "".join(f'<a href="#{s}">{s.capitalize()}</a>' for s in present)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-Hans"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="policetext">'
        f"<title>{esc(data.title)}</title><style>{_CSS}</style></head>\n"
        f'<body><header><h1>{esc(data.title)}</h1><nav aria-label="sections">{nav}</nav>'
        f"</header><main>\n" + "\n".join(sections) + f"\n</main><script>{_SCRIPT}</script>"
        "</body></html>\n"
    )


def _corpus_section(data: ReportData) -> str:
    corpus = data.summary.corpus
    row = corpus.as_row()
    scripts = Counter(d.script for d in data.summary.documents)
    attrs = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in row.items())
    attrs += "".join(f' data-script-{esc(k)}="{v}"' for k, v in sorted(scripts.items()))
    date_from, date_to, date_source = _date_range(data)
    attrs += (
        f' data-date-from="{esc(date_from)}" data-date-to="{esc(date_to)}" '
        f'data-date-source="{esc(date_source)}"'
    )
    if date_source == "meta":
        dates = f"{date_from} – {date_to}" if date_from != date_to else date_from
        dates_note = f"from the {data.date_field} field of {len(data.meta_dates)} documents"
    elif date_source == "text":
        dates = f"{date_from} – {date_to}" if date_from != date_to else date_from
        dates_note = "years mentioned in the text"
    else:
        dates, dates_note = "unknown", "no date field and no year in the text"
    script_text = " · ".join(f"{k} {v}" for k, v in sorted(scripts.items())) or "—"
    cards = [
        ("documents", grouped(row["documents"]), ""),
        (
            "characters",
            grouped(row["characters"]),
            f"{grouped(row['han_characters'])} Han · {grouped(row['sentences'])} sentences",
        ),
        (
            "tokens",
            grouped(row["tokens"]),
            f"{grouped(row['distinct_tokens'])} distinct · TTR {row['type_token_ratio']}",
        ),
        (
            "scripts",
            script_text,
            f"{row['converted_from_traditional']} documents converted to simplified",
        ),
        (
            "repairs",
            grouped(row["pinyin_annotations_removed"] + row["garbled_repaired"]),
            f"{row['pinyin_annotations_removed']} pinyin annotations removed · "
            f"{row['garbled_repaired']} garbled repaired · {row['garbled_dropped']} dropped",
        ),
        ("dates", dates, dates_note),
        ("figures", grouped(row["figures"]), f"{grouped(row['units'])} unit mentions"),
        ("files skipped", grouped(row["files_skipped"]), ""),
    ]
    card_html = "".join(
        f'<div class="stat"><dt>{esc(name)}</dt><dd><span class="{_big(value)}">{esc(value)}</span>'
        + (f'<span class="small">{esc(note)}</span>' if note else "")
        + "</dd></div>"
        for name, value, note in cards
    )
    skipped = ""
    if corpus.skipped:
        items = "".join(f"<li>{esc(s)}</li>" for s in corpus.skipped)
        skipped = f"<details><summary>files skipped</summary><ul>{items}</ul></details>"
    columns = ["#", "doc", "title", "date", "chars", "tokens", "figures", "units", "keywords"]
    numeric = [True, False, False, False, True, True, True, True, False]
    if data.by or data.compare:
        columns.insert(4, "group")
        numeric.insert(4, False)
    rows = []
    for i, (stats, item, year) in enumerate(
        zip(data.summary.documents, data.documents, data.years, strict=True)
    ):
        date = (
            stats.meta.get(data.date_field or "", "") if year and year[1] == "meta" else ""
        ) or (f"{year[0]} (text)" if year else "")
        title = stats.title or ""
        cells: list[Any] = [
            i + 1,
            stats.doc,
            Markup(f'<span title="{esc(title)}">{esc(clip(title, 48))}</span>'),
            date,
            stats.chars,
            stats.tokens,
            stats.extra.get("figures", 0),
            stats.extra.get("units", 0),
            "、".join(stats.top_keywords),
        ]
        if data.by or data.compare:
            cells.insert(4, item.group or "")
        rows.append(cells)
    documents = table(columns, rows, numeric=numeric, attrs=' id="documents-table"')
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in data.notes)
    return (
        f'<section id="corpus"{attrs}><h2>Corpus</h2>'
        f'<dl class="card" id="corpus-card">{card_html}</dl>{skipped}'
        f"<h3>Documents</h3>{documents}{notes}</section>"
    )


def _big(value: str) -> str:
    # a long value (the scripts, a date range of ISO dates) in a smaller type, on one line
    return "big" if len(value) <= 12 else "big long"


def _date_range(data: ReportData) -> tuple[str, str, str]:
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


def _keywords_section(data: ReportData) -> str:
    keywords = data.summary.keywords
    chart = bar_chart([(t, round(s, 4)) for t, s, _ in keywords], "top keywords by TF-IDF")
    numbers = table(
        ("rank", "term", "score", "count"),
        [(i, t, round(s, 6), c) for i, (t, s, c) in enumerate(keywords, 1)],
        numeric=(True, False, True, True),
        attrs=' id="keywords-table"',
    )
    main = figure_block(
        "keywords",
        f"The corpus's top {len(keywords)} terms (TF-IDF with jieba's IDF, as stats)",
        chart,
        numbers,
    )
    who = "group" if (data.by or data.compare) else "document"
    multiples = []
    for name, ranked in data.keyword_groups:
        small = bar_chart(
            [(t, round(s, 4)) for t, s, _ in ranked],
            f"keywords of {name}",
            width=280,
            colour="#5b8c6a",
        )
        small_table = table(
            ("term", "score", "count"),
            [(t, round(s, 4), c) for t, s, c in ranked],
            numeric=(False, True, True),
        )
        multiples.append(
            figure_block(f"keywords-{who}", clip(_short(name, who), 40), small, small_table)
        )
    return (
        f'<section id="keywords"><h2>Keywords</h2>{main}'
        f'<h3>By {who}</h3><p class="note">Each {who}\'s top terms by TF-IDF, the IDF blended '
        f"over the {len(data.keyword_groups)} {who}s shown.</p>"
        f'<div class="multiples">{"".join(multiples)}</div></section>'
    )


def _short(name: str, who: str) -> str:
    # a document by its file name; a group by its whole value
    return (Path(name).name or name) if who == "document" else name


def _figures_section(data: ReportData) -> str:
    records = [(i, f, s) for i, item in enumerate(data.documents) for f, s in _with_sentences(item)]
    kinds = Counter(f.kind for _, f, _ in records)
    kind_rows = [(k, kinds[k]) for k in KINDS if kinds[k]]
    by_kind = figure_block(
        "figure-kinds",
        "Figures by kind",
        bar_chart(kind_rows, "figures by kind"),
        table(("kind", "figures"), kind_rows, numeric=(False, True)),
    )
    units = Counter((f.unit or "(none)") for _, f, _ in records)
    unit_rows = units.most_common(15)
    by_unit = figure_block(
        "figure-units",
        "Figures by unit (the 15 most frequent)",
        bar_chart(unit_rows, "figures by unit"),
        table(("unit", "figures"), unit_rows, numeric=(False, True)),
    )
    over_time = _figures_over_time(data)
    shown = records[:MAX_FIGURE_ROWS]
    rows = []
    for i, f, sentence in shown:
        link = Markup(f'<a href="#{_sentence_id(i, sentence)}" title="its sentence">¶</a>')
        rows.append(
            (
                data.documents[i].stats.doc,
                f.text,
                f.value,
                f.max,
                f.unit,
                f.kind,
                f.approx,
                f.change,
                f.base,
                f.context,
                link,
            )
        )
    cut = (
        f'<p class="note">The first {MAX_FIGURE_ROWS} of {len(records)} figures; '
        "policetext figures lists them all.</p>"
        if len(records) > MAX_FIGURE_ROWS
        else ""
    )
    every = table(
        ("doc", "text", "value", "max", "unit", "kind", "approx", "change", "base", "context", ""),
        rows,
        numeric=(False, False, True, True, False, False, False, False, False, False, False),
        attrs=f' id="figures-table" data-figures="{len(records)}"',
    )
    return (
        f'<section id="figures" data-figures="{len(records)}"><h2>Figures</h2>'
        f'<div class="row">{by_kind}{by_unit}</div>{over_time}'
        f'<h3>Every figure</h3><p class="note">Click a column heading to sort; ¶ goes to the '
        f"sentence.</p>{every}{cut}</section>"
    )


def _with_sentences(item: DocumentReport) -> Iterator[tuple[FigureRecord, int]]:
    return zip(item.figures, item.figure_sentences, strict=True)


def _sentence_id(document: int, start: int) -> str:
    return f"s{document}-{start}"


def _figures_over_time(data: ReportData) -> str:
    known = [(item, y[0]) for item, y in zip(data.documents, data.years, strict=True) if y]
    year_rows = [
        (item.stats.doc, y[0] if y else None, y[1] if y else "unknown")
        for item, y in zip(data.documents, data.years, strict=True)
    ]
    years_table = table(
        ("doc", "year", "from"), year_rows, numeric=(False, True, False), attrs=' id="years-table"'
    )
    field_name = data.date_field or "date"
    intro = (
        f'<h3>Figures over time</h3><p class="note">The sum of the counts and sums of money '
        f"each document reports, by the document's year: its {esc(field_name)} field, else "
        "the year its text mentions most (ranges count their lower bound). A sum mixes "
        "whatever the documents count in that unit; read it next to the table of figures.</p>"
    )
    if not known:
        return intro + '<p class="note">No document has a known year.</p>' + years_table
    years = sorted({year for _, year in known})
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
    blocks = []
    for key, _ in counts.most_common(6):
        kind, unit = key
        series = [(str(y), round(sums[key][y], 6)) for y in years]
        rows = [(y, round(sums[key][y], 6), numbers[key][y]) for y in years]
        blocks.append(
            figure_block(
                "figures-over-time",
                f"{unit} ({kind}) per year",
                column_chart(series, f"sum of {unit} per year"),
                table(("year", "sum", "figures"), rows, numeric=(True, True, True)),
            )
        )
    return (
        intro
        + f'<div class="multiples">{"".join(blocks)}</div>'
        + f"<details><summary>the year of each document</summary>{years_table}</details>"
    )


def _units_section(data: ReportData) -> str:
    records = [u.as_row() for item in data.documents for u in item.units]
    entries = unit_tree(records)
    documents_of: dict[str, set[int]] = defaultdict(set)
    for i, item in enumerate(data.documents):
        for u in item.units:
            documents_of[u.name].add(i)
    tree = _tree_html(entries)
    numbers = table(
        ("unit", "mentions", "documents", "parent"),
        sorted(
            ((n, c, len(documents_of.get(n, ())), p or "") for n, c, p in entries),
            key=lambda r: (-r[1], r[0]),
        ),
        numeric=(False, True, True, False),
        attrs=f' id="units-table" data-units="{len(records)}"',
    )
    tree_block = (
        f'<figure class="chart wide" data-chart="unit-tree"><figcaption>The unit hierarchy '
        f"(mentions in brackets; a parent named only through its units has 0)</figcaption>"
        f'<div class="pair"><div class="plot tree">{tree}</div>'
        f'<div class="numbers">{numbers}</div></div></figure>'
    )
    ranked = sorted(documents_of, key=lambda n: (-len(documents_of[n]), n))[:12]
    if len(ranked) >= 2:
        matrix = [[len(documents_of[a] & documents_of[b]) for b in ranked] for a in ranked]
        pairs = sorted(
            (
                (a, b, len(documents_of[a] & documents_of[b]))
                for x, a in enumerate(ranked)
                for b in ranked[x + 1 :]
                if documents_of[a] & documents_of[b]
            ),
            key=lambda r: (-r[2], r[0], r[1]),
        )
        together = figure_block(
            "unit-cooccurrence",
            "Units that appear together: documents naming both "
            f"(the {len(ranked)} units in most documents; the diagonal, documents naming it)",
            heatmap(ranked, matrix, "documents in which two units appear together"),
            table(("unit", "with unit", "documents"), pairs, numeric=(False, False, True)),
        )
    else:
        together = '<p class="note">Fewer than two named units: nothing appears together.</p>'
    return (
        f'<section id="units" data-units="{len(records)}"><h2>Units</h2>{tree_block}'
        f"<h3>Together</h3>{together}</section>"
    )


def _tree_html(entries: list[tuple[str, int, str | None]]) -> str:
    children: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    names = {name for name, _, _ in entries}
    for name, count, parent in entries:
        key = parent if parent in names and parent != name else None
        children[key].append((name, count))

    own = {name: count for name, count, _ in entries}

    def subtotal(name: str, seen: frozenset[str] = frozenset()) -> int:
        """Mentions of a unit and everything below it (roots are ordered by it)."""
        below = (k for k, _ in children.get(name, []) if k not in seen and k != name)
        return own[name] + sum(subtotal(k, seen | {name}) for k in below)

    def node(name: str, count: int, depth: int, seen: frozenset[str]) -> str:
        kids = [k for k in children.get(name, []) if k[0] not in seen]
        label = (
            f'<span class="unit">{esc(name)}</span> <span class="count" data-mentions="{count}">'
            f"({count})</span>"
        )
        if not kids:
            return f"<li>{label}</li>"
        inner = "".join(
            node(n, c, depth + 1, seen | {name})
            for n, c in sorted(kids, key=lambda k: (-k[1], k[0]))
        )
        is_open = " open" if depth == 0 else ""
        return f"<li><details{is_open}><summary>{label}</summary><ul>{inner}</ul></details></li>"

    roots = sorted(children.get(None, []), key=lambda k: (-subtotal(k[0]), k[0]))
    if not roots:
        return '<p class="note">No named units.</p>'
    return (
        '<ul class="unit-tree">' + "".join(node(n, c, 0, frozenset()) for n, c in roots) + "</ul>"
    )


def _keyness_section(data: ReportData) -> str:
    blocks = []
    for chart in data.keyness:
        side_a = [r for r in chart.rows if r.g2 > 0][: data.top]
        side_b = [r for r in chart.rows if r.g2 < 0][: data.top]
        shown = side_a + side_b
        rows = [
            (r.term, r.freq_a, r.freq_b, round(r.g2, 4), float(f"{r.p:.4g}"), round(r.log_ratio, 4))
            for r in shown
        ]
        blocks.append(
            figure_block(
                "keyness",
                f"Keyness of {chart.label_a} against {chart.label_b}: log-likelihood G² "
                "(the terms of compare)",
                diverging_chart(shown, "keyness", chart.label_a, chart.label_b),
                table(
                    ("term", "freq_a", "freq_b", "g2", "p", "log_ratio"),
                    rows,
                    numeric=(False, True, True, True, True, True),
                    attrs=f' data-a="{esc(chart.label_a)}" data-b="{esc(chart.label_b)}"',
                ),
            )
        )
    how = f"grouped by {data.by}" if data.by else "A and B as given to --compare"
    return (
        f'<section id="keyness"><h2>Keyness</h2><p class="note">Which terms set one group '
        f"apart from the other ({esc(how)}); G² is signed, positive for the first.</p>"
        f"{''.join(blocks)}</section>"
    )


def _sentences_section(data: ReportData) -> str:
    parts = []
    for i, item in enumerate(data.documents):
        if not item.sentences:
            continue
        spans: dict[int, list[FigureRecord]] = defaultdict(list)
        for f, s in _with_sentences(item):
            spans[s].append(f)
        lines = []
        for start in sorted(item.sentences):
            lines.append(
                f'<li id="{_sentence_id(i, start)}">'
                f"{_marked(item.sentences[start], start, spans[start])}</li>"
            )
        parts.append(f'<h3>{esc(item.stats.doc)}</h3><ol class="sentences">{"".join(lines)}</ol>')
    body = "".join(parts) or '<p class="note">No figures, so no sentences.</p>'
    return (
        '<section id="sentences"><h2>Sentences</h2><p class="note">Every sentence that holds a '
        f"figure, the figures marked.</p>{body}</section>"
    )


def _marked(sentence: str, start: int, figures: list[FigureRecord]) -> str:
    out, at = [], 0
    for f in sorted(figures, key=lambda f: f.start):
        begin, end = f.start - start, f.end - start
        if begin < at or end > len(sentence) or begin < 0:
            continue  # overlapping or outside the sentence: leave unmarked
        out.append(esc(sentence[at:begin]))
        out.append(f"<mark>{esc(sentence[begin:end])}</mark>")
        at = end
    out.append(esc(sentence[at:]))
    return "".join(out)


def report_summary(html_text: str) -> dict[str, Any]:
    """The corpus card's numbers read back from a report (for tests and scripts)."""
    match = re.search(r'<section id="corpus"([^>]*)>', html_text)
    if not match:
        return {}
    found = dict(re.findall(r'data-([a-z0-9-]+)="([^"]*)"', match.group(1)))
    return {key.replace("-", "_"): html.unescape(value) for key, value in found.items()}


_CSS = (
    """
:root { --ink: #1f2328; --muted: #5f6b7a; --line: #d8dee4; --bg: #ffffff; --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, FONTS; font-size: 14px; }
header { padding: 20px 32px 8px; border-bottom: 1px solid var(--line); position: sticky; top: 0;
  background: rgba(255,255,255,0.96); z-index: 2; }
h1 { margin: 0 0 6px; font-size: 22px; }
nav a { margin-right: 16px; color: #0b5cad; text-decoration: none; }
main { padding: 8px 32px 48px; max-width: 1400px; }
section { margin-top: 28px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 22px 0 8px; }
.note { color: var(--muted); margin: 4px 0 10px; }
.card { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin: 0; }
.stat { background: var(--soft); border-radius: 8px; padding: 12px 14px; }
.stat dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.stat dd { margin: 2px 0 0; }
.stat .big { display: block; font-size: 22px; font-weight: 600; }
.stat .big.long { font-size: 15px; padding-top: 6px; }
.stat .small { display: block; color: var(--muted); font-size: 12px; }
figure.chart { margin: 12px 0 18px; padding: 12px; border: 1px solid var(--line);
  border-radius: 8px; background: #fff; }
figcaption { font-weight: 600; margin-bottom: 8px; }
.pair { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.plot { flex: 0 0 auto; }
.numbers { flex: 1 1 240px; min-width: 200px; }
.row { display: flex; gap: 16px; flex-wrap: wrap; }
.row > figure { flex: 1 1 520px; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr));
  gap: 12px; }
.multiples figure.chart { margin: 0; }
svg.chart-svg { display: block; font-family: inherit; }
svg.chart-svg text { fill: var(--ink); }
svg.chart-svg text.value { fill: var(--muted); }
.table-wrap { max-height: 420px; overflow: auto; border: 1px solid var(--line);
  border-radius: 6px; }
table.data { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.data th, table.data td { padding: 3px 8px; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; }
table.data th { position: sticky; top: 0; background: var(--soft); cursor: pointer;
  white-space: nowrap; user-select: none; }
table.data th[aria-sort="ascending"]::after { content: " ▲"; }
table.data th[aria-sort="descending"]::after { content: " ▼"; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data caption { text-align: left; color: var(--muted); }
.unit-tree, .unit-tree ul { list-style: none; margin: 0; padding-left: 18px; }
.unit-tree { padding-left: 0; }
.unit-tree li { margin: 2px 0; }
.unit-tree summary { cursor: pointer; }
.plot.tree { flex: 1 1 420px; max-height: 520px; overflow: auto; }
.count { color: var(--muted); }
ol.sentences li { margin: 3px 0; }
ol.sentences li:target { background: #fff4c2; }
mark { background: #ffe08a; padding: 0 1px; }
details > summary { cursor: pointer; color: #0b5cad; margin: 6px 0; }
@media print { header { position: static; } .table-wrap { max-height: none; } }
"""
).replace("FONTS", FONT_STACK)

# sorting only: click (or Enter on) a heading; numeric cells sort by data-value
_SCRIPT = """
(function () {
  function key(row, i) {
    var cell = row.cells[i];
    if (!cell) { return ""; }
    if (cell.hasAttribute("data-value")) {
      var v = parseFloat(cell.getAttribute("data-value"));
      return isNaN(v) ? -Infinity : v;
    }
    return cell.textContent;
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0], i = th.cellIndex;
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    table.querySelectorAll("th").forEach(function (o) { o.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i);
      if (typeof x === "number" && typeof y === "number") { return (x - y) * dir; }
      return String(x).localeCompare(String(y), "zh") * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
})();
"""

__all__ = [
    "DocumentReport",
    "ReportData",
    "build_report",
    "collect_report",
    "render_report",
    "report_document",
    "report_summary",
]
