"""The report's page: HTML sections around the charts, one self-contained file.

``render_report`` turns :class:`~policetext.report.data.ReportData` into HTML:
every text escaped, every chart beside a table of its numbers, nothing fetched when
the page is viewed (no URLs, no external scripts, styles or fonts; Chinese is drawn
as text in the browser's own CJK fonts). The style sheet and the table sorter are
the package's files ``report.css`` and ``report.js``, inlined.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policetext.figures import FIGURE_COLUMNS, KINDS, FigureRecord
from policetext.report.charts import (
    bar_chart,
    clip,
    column_chart,
    diverging_chart,
    esc,
    heatmap,
    number,
)
from policetext.report.data import (
    ReportData,
    UnitRows,
    report_summary,
    shown_sentences,
    sums_per_year,
    unit_documents_and_regions,
    units_together,
    what_was_counted,
    with_sentences,
)
from policetext.units import unit_tree

#: the section ids, in page order; tests and links rely on them
SECTIONS = ("corpus", "keywords", "figures", "counted", "units", "keyness", "sentences")
#: the navigation's name of a section whose id alone says too little
_NAV = {"counted": "What was counted"}
_HERE = Path(__file__).resolve().parent


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (``report.css``, ``report.js``), read once."""
    return (_HERE / name).read_text("utf-8")


# ---- building blocks -------------------------------------------------------------------
def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
    decimals: Sequence[int | None] | None = None,
    caption: str | None = None,
    attrs: str = "",
) -> str:
    """A sortable table; numeric cells carry ``data-value`` so they sort as numbers
    and show it as :func:`number` writes it (to ``decimals`` places per column where
    given); a string in a numeric column (a year) is shown as it is."""
    numeric = numeric or [False] * len(columns)
    places = decimals or [None] * len(columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for value, is_number, digits in zip(row, numeric, places, strict=True):
            if isinstance(value, Markup):
                cells.append(f"<td>{value.html}</td>")
            elif is_number:
                shown = esc(number(value, digits))
                cells.append(f'<td class="num" data-value="{esc(value)}">{shown}</td>')
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


# ---- sections --------------------------------------------------------------------------
def render_report(data: ReportData) -> str:
    """The whole page for collected data (a pure function: same data, same bytes).

    Long tables embed their first ``data.max_rows`` rows and say how many there
    are and which command lists them all; every total is of the whole corpus."""
    shown = shown_sentences(data)
    sections = [
        _corpus_section(data),
        _keywords_section(data),
        _figures_section(data),
        _counted_section(data, shown),
        _units_section(data),
    ]
    if data.keyness:
        sections.append(_keyness_section(data))
    sections.append(_sentences_section(data, shown))
    present = [s for s in SECTIONS if s != "keyness" or data.keyness]
    nav = "".join(f'<a href="#{s}">{_NAV.get(s, s.capitalize())}</a>' for s in present)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-Hans"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="policetext">'
        f"<title>{esc(data.title)}</title><style>\n{asset('report.css')}</style></head>\n"
        f'<body><header><h1>{esc(data.title)}</h1><nav aria-label="sections">{nav}</nav>'
        f"</header><main>\n"
        + "\n".join(sections)
        + "\n</main><script>\n"
        + asset("report.js")
        + "</script>"
        "</body></html>\n"
    )


def _corpus_section(data: ReportData) -> str:
    corpus = data.summary.corpus
    row = summary = report_summary(data)  # the corpus row of stats, and more
    scripts = {k.removeprefix("script_"): v for k, v in summary.items() if k.startswith("script_")}
    # the card's numbers as attributes, for scripts that read the page
    attrs = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in summary.items())
    date_from, date_to, date_source = (
        summary["date_from"],
        summary["date_to"],
        summary["date_source"],
    )
    if date_source == "meta":
        dates = f"{date_from} – {date_to}" if date_from != date_to else date_from
        dates_note = f"from the {data.date_field} field of {data.meta_dates[0]} documents"
    elif date_source == "date":
        dates = f"{date_from} – {date_to}" if date_from != date_to else date_from
        dates_note = "the pages' own dates"
    elif date_source == "text":
        dates = f"{date_from} – {date_to}" if date_from != date_to else date_from
        dates_note = "years mentioned in the text"
    else:
        dates, dates_note = "unknown", "no date field and no year in the text"
    script_text = " · ".join(f"{k} {v}" for k, v in sorted(scripts.items())) or "—"
    cards = [
        ("documents", number(row["documents"]), ""),
        (
            "characters",
            number(row["characters"]),
            f"{number(row['han_characters'])} Han · {number(row['sentences'])} sentences",
        ),
        (
            "tokens",
            number(row["tokens"]),
            f"{number(row['distinct_tokens'])} distinct · TTR {number(row['type_token_ratio'], 4)}",
        ),
        (
            "scripts",
            script_text,
            f"{number(row['converted_from_traditional'])} documents converted to simplified",
        ),
        (
            "repairs",
            number(row["pinyin_annotations_removed"] + row["garbled_repaired"]),
            f"{number(row['pinyin_annotations_removed'])} pinyin annotations removed · "
            f"{number(row['garbled_repaired'])} garbled repaired · "
            f"{number(row['garbled_dropped'])} dropped",
        ),
        ("dates", dates, dates_note),
        ("figures", number(row["figures"]), f"{number(row['units'])} unit mentions"),
        ("files skipped", number(row["files_skipped"]), ""),
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
    # the first documents: their stats with keywords (the summary's) and the rest
    first = itertools.islice(data.documents, data.max_rows)
    shown = zip(data.summary.documents, first, strict=True)
    for i, (stats, item) in enumerate(shown):
        year = item.year
        # the date field, else the page's own date, else the year its text mentions most
        date = (
            (stats.meta.get(data.date_field or "", "") if year and year[1] == "meta" else "")
            or stats.date
            or (f"{year[0]} (text)" if year else "")
        )
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
    documents += _cut_note(len(rows), corpus.documents, "documents", "policetext stats")
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in data.notes)
    return (
        f'<section id="corpus"{attrs}><h2>Corpus</h2>'
        f'<dl class="card" id="corpus-card">{card_html}</dl>{skipped}'
        f"<h3>Documents</h3>{documents}{notes}</section>"
    )


def _big(value: str) -> str:
    # a long value (the scripts, a date range of ISO dates) in a smaller type, on one line
    return "big" if len(value) <= 12 else "big long"


def _keywords_section(data: ReportData) -> str:
    keywords = data.summary.keywords
    chart = bar_chart(
        [(t, round(s, 4)) for t, s, _ in keywords], "top keywords by TF-IDF", decimals=4
    )
    numbers = table(
        ("rank", "term", "score", "count"),
        [(i, t, round(s, 6), c) for i, (t, s, c) in enumerate(keywords, 1)],
        numeric=(True, False, True, True),
        decimals=(None, None, 4, None),
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
            decimals=4,
        )
        small_table = table(
            ("term", "score", "count"),
            [(t, round(s, 4), c) for t, s, c in ranked],
            numeric=(False, True, True),
            decimals=(None, 4, None),
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


def _cut_note(shown: int, total: int, what: str, command: str) -> str:
    """The note under a table that shows ``shown`` of ``total`` rows (none when it
    shows them all): how many there are, and the command that lists them all."""
    if shown >= total:
        return ""
    return (
        f'<p class="note">The first {number(shown)} of {number(total)} {what} '
        f"(--max-rows); {esc(command)} lists them all.</p>"
    )


def _figures_section(data: ReportData) -> str:
    # one document at a time: the counts of every figure, the rows of the first few
    kinds: Counter[str] = Counter()
    units: Counter[str] = Counter()
    shown: list[tuple[int, str, FigureRecord, int]] = []
    total = 0
    for i, item in enumerate(data.documents):
        for f, sentence in with_sentences(item):
            kinds[f.kind] += 1
            units[f.unit or "(none)"] += 1
            if len(shown) < data.max_rows:
                shown.append((i, item.stats.doc, f, sentence))
            total += 1
    kind_rows = [(k, kinds[k]) for k in KINDS if kinds[k]]
    by_kind = figure_block(
        "figure-kinds",
        "Figures by kind",
        bar_chart(kind_rows, "figures by kind"),
        table(("kind", "figures"), kind_rows, numeric=(False, True)),
    )
    unit_rows = units.most_common(15)
    by_unit = figure_block(
        "figure-units",
        "Figures by unit (the 15 most frequent)",
        bar_chart(unit_rows, "figures by unit"),
        table(("unit", "figures"), unit_rows, numeric=(False, True)),
    )
    over_time = _figures_over_time(data)
    # every figure column but the offsets, the currency and the ISO date
    shown_columns = [c for c in FIGURE_COLUMNS[1:] if c not in ("start", "end", "currency", "iso")]
    rows = []
    for i, doc, f, sentence in shown:
        link = Markup(f'<a href="#{_sentence_id(i, sentence)}" title="its sentence">¶</a>')
        rows.append((doc, *(_figure_cell(f, c) for c in shown_columns), link))
    cut = _cut_note(len(shown), total, "figures", "policetext figures")
    every = table(
        ("doc", *shown_columns, ""),
        rows,
        numeric=(False, *(c in ("value", "max") for c in shown_columns), False),
        attrs=f' id="figures-table" data-figures="{total}"',
    )
    return (
        f'<section id="figures" data-figures="{total}"><h2>Figures</h2>'
        f'<div class="row">{by_kind}{by_unit}</div>{over_time}'
        f'<h3>Every figure</h3><p class="note">Click a column heading to sort; ¶ goes to the '
        f"sentence.</p>{every}{cut}</section>"
    )


def _figure_cell(figure: FigureRecord, column: str) -> object:
    if column == "repeat":
        return "repeat" if figure.repeat else ""
    return getattr(figure, column)


def _sentence_id(document: int, start: int) -> str:
    return f"s{document}-{start}"


def _figures_over_time(data: ReportData) -> str:
    year_rows = [
        (item.stats.doc, str(y[0]) if y else None, y[1] if y else "unknown")
        for item in itertools.islice(data.documents, data.max_rows)
        for y in [item.year]
    ]
    years_table = table(
        ("doc", "year", "from"), year_rows, numeric=(False, True, False), attrs=' id="years-table"'
    ) + _cut_note(len(year_rows), data.document_count, "documents", "policetext stats")
    field_name = data.date_field or "date"
    intro = (
        f'<h3>Figures over time</h3><p class="note">The sum of the counts and sums of money '
        "the documents report, each in the year it holds for: the period its text states "
        f"(when), else its document's year: the {esc(field_name)} field, else the page's own "
        "date, else the year its text mentions most. A fact a document restates is counted "
        "once; ranges count their lower bound; a year no figure holds for is a gap. A sum "
        "mixes whatever the documents count in that unit; What was counted splits it.</p>"
    )
    per_year = sums_per_year(data)
    if not per_year:
        return intro + '<p class="note">No figure has a known year.</p>' + years_table
    blocks = []
    for sums in per_year:
        unit = _unit_label(sums.unit, sums.currency)
        series = [(str(y), total) for y, _, total, _ in sums.years]
        rows = [(str(y), documents, total, n) for y, documents, total, n in sums.years]
        blocks.append(
            figure_block(
                "figures-over-time",
                f"{unit} ({sums.kind}) per year",
                column_chart(series, f"sum of {unit} per year"),
                table(
                    ("year", "documents", "sum", "figures"),
                    rows,
                    numeric=(True, True, True, True),
                ),
            )
        )
    return (
        intro
        + f'<div class="multiples">{"".join(blocks)}</div>'
        + f"<details><summary>the year of each document</summary>{years_table}</details>"
    )


def _unit_label(unit: str, currency: str | None) -> str:
    # units name their currency (港元, 新台币); a bare 元 of another currency says which
    return (
        f"{unit} {currency}" if unit == "元" and currency not in (None, "CNY") else unit or "(none)"
    )


def _sentence_links(
    document_names: Mapping[tuple[int, int], str], found: Sequence[tuple[int, int]], beyond: int
) -> Markup:
    """A link to each sentence of a group's figures (one per sentence), the first few
    shown and the rest folded; ``beyond``: figures whose sentences the page leaves out."""
    links = [
        f'<a href="#{_sentence_id(i, start)}" title="{esc(document_names[i, start])}">¶</a>'
        for i, start in dict.fromkeys(found)
    ]
    shown, rest = links[:_LINKS_SHOWN], links[_LINKS_SHOWN:]
    more = f"<details><summary>{len(rest)} more</summary>{' '.join(rest)}</details>" if rest else ""
    if beyond:
        more += f' <span class="small">(and {number(beyond)} beyond the sentences shown)</span>'
    return Markup(" ".join(shown) + more)


#: sentence links of a group shown before the rest are folded
_LINKS_SHOWN = 8


def _counted_section(data: ReportData, names: Mapping[tuple[int, int], str]) -> str:
    units, unnamed, all_units = what_was_counted(data, shown=names)
    blocks = []
    for counted in units:
        unit = _unit_label(counted.unit, counted.currency)
        labelled = [(f"{g.event or '—'} {g.subject or '—'}", g.sum, g) for g in counted.groups]
        rows = [
            (
                g.event,
                g.subject,
                g.figures,
                g.sum,
                g.min,
                g.max,
                g.docs,
                _sentence_links(names, g.sentences, g.beyond),
            )
            for _, _, g in labelled
        ]
        blocks.append(
            figure_block(
                "counted",
                f"{unit} ({counted.kind}): the {len(rows)} largest sums by event and subject",
                bar_chart([(label, total) for label, total, _ in labelled], f"sums of {unit}"),
                table(
                    ("event", "subject", "figures", "sum", "min", "max", "docs", "sentences"),
                    rows,
                    numeric=(False, False, True, True, True, True, True, False),
                    attrs=(
                        f' data-unit="{esc(counted.unit)}" data-kind="{esc(counted.kind)}"'
                        f' data-currency="{esc(counted.currency or "")}"'
                    ),
                ),
            )
        )
    left_out = (
        f'<p class="note">{number(unnamed)} counts and sums of money name neither what they '
        "count nor the act that reports them; they are left out here.</p>"
        if unnamed
        else ""
    )
    if all_units > len(units):
        left_out += (
            f'<p class="note">The {len(units)} units with most figures of {all_units}; '
            "policetext figures --group-by event,subject,unit sums them all.</p>"
        )
    body = (
        f'<div class="multiples">{"".join(blocks)}</div>'
        if blocks
        else '<p class="note">No counts or sums of money with an event or a subject.</p>'
    )
    return (
        '<section id="counted"><h2>What was counted</h2><p class="note">Counts and sums of '
        "money added up by the act that reports them (event) and what they count (subject), "
        "one unit to a sum and money by currency; a fact a document restates is counted "
        "once. ¶ goes to the sentence of each figure summed.</p>"
        f"{body}{left_out}</section>"
    )


def _units_section(data: ReportData) -> str:
    records = UnitRows(data)
    entries = unit_tree(records)  # type: ignore[arg-type]  # read twice, not held
    mentions = data.summary.corpus.units
    documents_of, regions = unit_documents_and_regions(data)
    tree = _tree_html(entries, regions, data.max_rows)
    unit_rows = sorted(
        ((n, c, documents_of.get(n, 0), p or "", regions.get(n, "")) for n, c, p in entries),
        key=lambda r: (-r[1], r[0]),
    )
    numbers = table(
        ("unit", "mentions", "documents", "parent", "region"),
        unit_rows[: data.max_rows],
        numeric=(False, True, True, False, False),
        attrs=f' id="units-table" data-units="{mentions}"',
    ) + _cut_note(min(len(unit_rows), data.max_rows), len(unit_rows), "units", "policetext units")
    tree_block = (
        f'<figure class="chart wide" data-chart="unit-tree"><figcaption>The unit hierarchy '
        f"(region and mentions in brackets; a parent named only through its units has 0 "
        "mentions)</figcaption>"
        f'<div class="pair"><div class="plot tree">{tree}</div>'
        f'<div class="numbers">{numbers}</div></div></figure>'
    )
    ranked = sorted(documents_of, key=lambda n: (-documents_of[n], n))[:12]
    if len(ranked) >= 2:
        matrix = units_together(data, ranked)
        pairs = sorted(
            (
                (a, b, matrix[x][x + 1 + y])
                for x, a in enumerate(ranked)
                for y, b in enumerate(ranked[x + 1 :])
                if matrix[x][x + 1 + y]
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
        f'<section id="units" data-units="{mentions}"><h2>Units</h2>{tree_block}'
        f"<h3>Together</h3>{together}</section>"
    )


def _tree_html(
    entries: list[tuple[str, int, str | None]], regions: dict[str, str], limit: int
) -> str:
    """The unit hierarchy as nested lists: the biggest branches first, at most
    ``limit`` units (a note says how many there are)."""
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

    # a tree of more units than the limit is cut: its first ``limit`` units, biggest first
    left = limit if len(entries) > limit else len(entries) + 1

    def node(name: str, count: int, depth: int, seen: frozenset[str]) -> str:
        nonlocal left
        left -= 1
        kids = [k for k in children.get(name, []) if k[0] not in seen]
        region = regions.get(name, "")
        where = f'<span class="region">{esc(region)}</span> · ' if region else ""
        label = (
            f'<span class="unit">{esc(name)}</span> <span class="count" data-mentions="{count}">'
            f"({where}{count})</span>"
        )
        if not kids:
            return f"<li>{label}</li>"
        inner = "".join(
            node(n, c, depth + 1, seen | {name})
            for n, c in sorted(kids, key=lambda k: (-k[1], k[0]))
            if left > 0
        )
        if not inner:
            return f"<li>{label}</li>"
        is_open = " open" if depth == 0 else ""
        return f"<li><details{is_open}><summary>{label}</summary><ul>{inner}</ul></details></li>"

    roots = sorted(children.get(None, []), key=lambda k: (-subtotal(k[0]), k[0]))
    if not roots:
        return '<p class="note">No named units.</p>'
    drawn = "".join(node(n, c, 0, frozenset()) for n, c in roots if left > 0)
    shown = limit - left if len(entries) > limit else len(entries)
    return f'<ul class="unit-tree">{drawn}</ul>' + _cut_note(
        shown, len(entries), "units of the tree", "policetext units --tree"
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
                    decimals=(None, None, None, 2, 4, 2),
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


def _sentences_section(data: ReportData, shown: Mapping[tuple[int, int], str]) -> str:
    parts = []
    total = 0
    for i, item in enumerate(data.documents):
        total += len(item.sentences)
        if not item.sentences or (i, min(item.sentences)) not in shown:
            continue
        spans: dict[int, list[FigureRecord]] = defaultdict(list)
        for f, s in with_sentences(item):
            spans[s].append(f)
        lines = []
        for start in sorted(item.sentences):
            if (i, start) not in shown:
                break
            lines.append(
                f'<li id="{_sentence_id(i, start)}">'
                f"{_marked(item.sentences[start], start, spans[start])}</li>"
            )
        parts.append(f'<h3>{esc(item.stats.doc)}</h3><ol class="sentences">{"".join(lines)}</ol>')
    body = "".join(parts) or '<p class="note">No figures, so no sentences.</p>'
    body += _cut_note(len(shown), total, "sentences that hold a figure", "policetext figures")
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


__all__ = ["SECTIONS", "render_report"]
