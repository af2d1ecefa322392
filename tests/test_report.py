"""report: the HTML's sections, its numbers against ``stats --format json``, no URLs,
escaping, groups by --by and --compare (the keyness of ``compare``)."""

from __future__ import annotations

import html
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import policetext.report as report_package
from policetext.cli import cli
from policetext.keywords import Keyness
from policetext.pipeline import Pipeline
from policetext.report import SECTIONS, build_report, collect_report, render_report, report_summary
from policetext.report.charts import bar_chart, column_chart, diverging_chart, heatmap, number

from .conftest import SEEDS, load_cases, seed, years_corpus

NUMBERS = load_cases("report_numbers.jsonl")
#: a number in exponent notation, as Python writes one (3.17e+03, 1.365e-07)
EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]\d+(?!\w)")


class Tables(HTMLParser):
    """Every <table> of a page: its attributes and its body rows as cell texts, and
    the data-value of numeric cells (the exact number) in place of the shown text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[dict[str, str | None], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append((dict(attrs), []))
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1][1].append([])
        elif tag == "td" and self._in_body:
            values = dict(attrs)
            self._cell = [] if "data-value" not in values else [values["data-value"] or ""]
            self._exact = "data-value" in values

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._exact:
            self._cell.append(data)


def tables_of(page: str) -> list[tuple[dict[str, str | None], list[list[str]]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def table_with(page: str, **wanted: str) -> list[list[str]]:
    for attrs, rows in tables_of(page):
        if all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items()):
            return rows
    raise AssertionError(f"no table with {wanted}")


def card_of(page: str) -> dict[str, str]:
    """The corpus card's numbers as the page carries them (``data-*`` of the section)."""
    match = re.search(r'<section id="corpus"([^>]*)>', page)
    assert match, "no corpus section"
    found = re.findall(r'data-([a-z0-9-]+)="([^"]*)"', match.group(1))
    return {key.replace("-", "_"): html.unescape(value) for key, value in found}


def run_report(args: list[str], tmp: Path) -> str:
    target = tmp / "report.html"
    result = CliRunner().invoke(
        cli, ["report", *args, "-o", str(target)], env={"XDG_CACHE_HOME": str(tmp / "cache")}
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"policetext: wrote {target}"
    assert result.stdout == ""
    return target.read_text("utf-8")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run_report([str(SEEDS)], tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def stats_json() -> dict:
    result = CliRunner().invoke(cli, ["stats", "--format", "json", str(SEEDS)])
    assert result.exit_code == 0
    return json.loads(result.stdout)


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != "keyness"])
def test_each_section_is_present(page: str, section: str) -> None:
    assert re.search(rf'<section id="{section}"[ >]', page)
    assert f'href="#{section}"' in page


def test_keyness_only_with_two_groups(page: str) -> None:
    assert 'id="keyness"' not in page


@pytest.mark.parametrize(
    "key",
    [
        "documents",
        "characters",
        "han_characters",
        "sentences",
        "tokens",
        "distinct_tokens",
        "type_token_ratio",
        "converted_from_traditional",
        "pinyin_annotations_removed",
        "garbled_repaired",
        "garbled_dropped",
        "figures",
        "units",
        "files_skipped",
    ],
)
def test_corpus_card_equals_stats_json(page: str, stats_json: dict, key: str) -> None:
    assert float(card_of(page)[key]) == stats_json["corpus"][key]


def test_documents_and_keywords_equal_stats_json(page: str, stats_json: dict) -> None:
    documents = table_with(page, id="documents-table")
    assert [row[1] for row in documents] == [d["doc"] for d in stats_json["documents"]]
    assert [row[-1] for row in documents] == [
        "、".join(d["keywords"]) for d in stats_json["documents"]
    ]
    keywords = table_with(page, id="keywords-table")
    assert [(row[1], int(row[3])) for row in keywords] == [
        (k["term"], k["count"]) for k in stats_json["keywords"]
    ]


def test_every_figure_and_unit_is_counted(page: str, stats_json: dict) -> None:
    figures = table_with(page, id="figures-table")
    assert len(figures) == stats_json["corpus"]["figures"]
    assert re.search(rf'<section id="figures" data-figures="{len(figures)}"', page)
    units = table_with(page, id="units-table")
    assert sum(int(row[1]) for row in units) == stats_json["corpus"]["units"]


def test_summary_comes_from_the_data(pipeline: Pipeline, page: str) -> None:
    data = collect_report(pipeline, [str(SEEDS)])
    summary = report_summary(data)
    assert summary["documents"] == len(list(SEEDS.glob("*.txt")))
    # the card the page carries is the summary, written out
    assert card_of(render_report(data)) == {k: str(v) for k, v in summary.items()}
    assert build_report(pipeline, [str(SEEDS)]) == page


def test_style_and_script_are_the_package_files(page: str) -> None:
    folder = Path(report_package.__file__).parent
    for name, tag in (("report.css", "style"), ("report.js", "script")):
        text = (folder / name).read_text("utf-8")
        assert text.strip() and f"<{tag}>\n{text}</{tag}>" in page


def test_figure_links_reach_their_sentences(page: str) -> None:
    targets = set(re.findall(r'href="#(s\d+-\d+)"', page))
    assert targets
    ids = set(re.findall(r'<li id="(s\d+-\d+)"', page))
    assert targets <= ids


def test_scripts_and_dates_on_the_card(page: str) -> None:
    card = card_of(page)
    assert card["script_simplified"] == "4" and card["script_traditional"] == "1"
    # the seeds have no date field: the years written in them, 2018 to 2022
    assert (card["date_from"], card["date_to"], card["date_source"]) == ("2018", "2022", "text")


def test_every_chart_has_a_table_beside_it(page: str) -> None:
    figures = re.findall(r'<figure class="chart[^"]*".*?</figure>', page, re.S)
    assert len(figures) >= 6
    for figure in figures:
        assert "<table" in figure
        assert "<svg" in figure or "unit-tree" in figure


def test_no_external_urls(page: str) -> None:
    for value in re.findall(r'\b(?:src|href|action|xlink:href)\s*=\s*"([^"]*)"', page):
        assert value.startswith("#"), value
    assert not re.search(r"https?://|url\(|@import|xmlns", page)
    assert page.count("<script") == 1  # the inline table sorter
    assert "<link" not in page


def test_cjk_font_stack_declared(page: str) -> None:
    assert '"Noto Sans CJK SC"' in page and '"Microsoft YaHei"' in page


def test_titles_are_escaped(tmp_path: Path) -> None:
    # normalisation removes HTML tags from the text (the markup step): a title
    # keeps the marks that are no tags
    record = {"id": "<b>x</b>", "text": "<<警察法>>实施一周年\n滨州市公安局抓获逃犯10人。"}
    source = tmp_path / "evil.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    page = run_report([str(source), "--id-field", "id"], tmp_path)
    assert page.count("<script") == 1
    assert "&lt;&lt;警察法&gt;&gt;实施" in page and "<<警察法>>" not in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("grouped")
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        region = "baotou" if path.name.startswith("004") else "binzhou"
        date = f"202{int(path.name[:3]) % 3}-05-01"
        text = path.read_text("utf-8")
        lines.append(json.dumps({"id": path.stem, "region": region, "date": date, "text": text}))
    source = tmp / "seeds.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    return run_report([str(source), "--id-field", "id", "--by", "region"], tmp)


def test_by_meta_groups_and_compares(grouped: str) -> None:
    assert re.search(r'<section id="keyness"[ >]', grouped)
    rows = table_with(grouped, data_a="baotou", data_b="binzhou")
    leaning_a = [row[0] for row in rows if float(row[3]) > 0]
    assert "包头市" in leaning_a[:5]
    assert all(float(row[3]) != 0 for row in rows)
    documents = table_with(grouped, id="documents-table")
    assert [row[4] for row in documents] == ["binzhou"] * 4 + ["baotou"]
    assert '<figure class="chart" data-chart="keywords-group"' in grouped


def test_dates_from_the_date_field(grouped: str) -> None:
    card = card_of(grouped)
    assert (card["date_from"], card["date_to"], card["date_source"]) == (
        "2020-05-01",
        "2022-05-01",
        "meta",
    )
    years = table_with(grouped, id="years-table")
    assert {row[2] for row in years} == {"meta"}


def test_compare_shows_the_keyness_of_compare(tmp_path: Path) -> None:
    a, b = str(seed("000")), str(seed("004"))
    page = run_report(["--compare", a, b, "-n", "10"], tmp_path)
    result = CliRunner().invoke(cli, ["compare", a, b, "-n", "10", "--format", "jsonl"])
    assert result.exit_code == 0
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    rows = table_with(page, data_a=a, data_b=b)
    columns = ("term", "freq_a", "freq_b", "g2", "p", "log_ratio")
    got = [
        {c: (v if c == "term" else float(v)) for c, v in zip(columns, row, strict=True)}
        for row in rows
    ]
    assert got == expected
    assert card_of(page)["documents"] == "2"


def test_jobs_give_the_same_page(page: str, tmp_path: Path) -> None:
    assert run_report([str(SEEDS), "--jobs", "2"], tmp_path) == page


def test_written_with_the_ordinary_file_mode(tmp_path: Path) -> None:
    # readable as any file the user writes (umask), not private like a temporary file
    target = tmp_path / "out" / "report.html"
    umask = os.umask(0o022)
    try:
        args = ["report", str(seed("004")), "-o", str(target)]
        result = CliRunner().invoke(cli, args, env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    finally:
        os.umask(umask)
    assert result.exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temporary left


def test_missing_output_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["report", str(SEEDS)])
    assert result.exit_code == 2
    assert "--output" in result.stderr


@pytest.mark.parametrize(
    "draw",
    [
        lambda label: bar_chart([(label, 3.0), ("民警", 1.0)], label),
        lambda label: column_chart([(label, 3.0)], label),
        lambda label: heatmap([label, "民警"], [[1, 1], [1, 2]], label),
        lambda label: diverging_chart([Keyness(label, 5, 0, 6.0, 0.01, 3.0)], label, label, "B"),
    ],
    ids=["bar", "column", "heatmap", "diverging"],
)
def test_charts_escape_their_text(draw: Callable[[str], str]) -> None:
    svg = draw('<img src="x">&')
    assert "<img" not in svg and "&lt;img src=&quot;x&quot;&gt;&amp;" in svg
    assert svg.startswith("<svg ") and 'width="' in svg and 'height="' in svg


def test_diverging_chart_puts_a_right_and_b_left() -> None:
    rows = [Keyness("滨州", 9, 0, 12.0, 0.001, 4.0), Keyness("包头", 0, 9, -12.0, 0.001, -4.0)]
    svg = diverging_chart(rows, "keyness", "A", "B", width=400)
    bars = re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    (a_x, a_w), (b_x, b_w) = [(float(x), float(w)) for x, w in bars]
    assert a_x == 200 and a_w > 0 and b_x + b_w == 200


@pytest.mark.parametrize("case", NUMBERS, ids=[c["label"] for c in NUMBERS])
def test_one_number_formatter(case: dict) -> None:
    written = number(case["value"], case.get("decimals"), compact=case.get("compact", False))
    assert written == case["expected"]
    assert not EXPONENT.search(written)


class Text(HTMLParser):
    """The text a reader sees: every text node outside <style> and <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def years_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("years")
    return run_report([str(years_corpus(tmp)), "--id-field", "id", "--by", "region"], tmp)


def test_no_number_in_exponent_notation(years_page: str, page: str) -> None:
    for html_text in (years_page, page):
        reader = Text()
        reader.feed(html_text)
        assert EXPONENT.findall(" ".join(reader.parts)) == []
    # the sums of 亿 are written as Chinese reports write them
    assert re.search(r'class="value">\d{1,2}\.\d{1,2}亿<', years_page)


def test_missing_years_are_gaps(years_page: str) -> None:
    rows = table_with(years_page, id="years-table")
    known = sorted({int(row[1]) for row in rows})
    chart = re.search(r'data-chart="figures-over-time">.*?</figure>', years_page, re.S)
    assert chart
    block = chart.group(0)
    # every year from the first to the last has a slot; those without documents are grey
    table_years = [int(y) for y in re.findall(r'<tr><td class="num" data-value="(\d{4})"', block)]
    assert table_years == list(range(known[0], known[-1] + 1))
    gaps = set(table_years) - set(known)
    assert gaps and len(re.findall(r"<rect [^>]*><title>\d{4}: ", block)) == len(known)
    labelled_gaps = {int(y) for y in re.findall(r'class="gap"><title>(\d{4}):', block)}
    assert labelled_gaps and labelled_gaps <= gaps


def label_extents(svg: str) -> list[tuple[float, float, float]]:
    """Centre-anchored labels of a column chart: (left, right, baseline), by the chart's
    own measure of text (the browser test checks the drawn boxes)."""
    from policetext.report.charts import text_width

    found = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle" font-size="(\d+)"[^>]*>'
        r"(?:<title>[^<]*</title>)?([^<]*)</text>",
        svg,
    )
    return [
        (float(x) - w / 2, float(x) + w / 2, float(y))
        for x, y, size, text in found
        for w in [text_width(text, float(size))]
    ]


@pytest.mark.parametrize("years", [5, 12, 26, 60])
def test_column_labels_do_not_overlap(years: int) -> None:
    items = [
        (str(2000 + i), None if i % 7 == 3 else float(31704300 * (i + 1) + 0.5))
        for i in range(years)
    ]
    svg = column_chart(items, "sums")
    extents = label_extents(svg)
    assert extents
    for i, (a0, a1, ay) in enumerate(extents):
        for b0, b1, by in extents[i + 1 :]:
            if abs(ay - by) < 12:  # on the same line
                assert a1 <= b0 or b1 <= a0, (a0, a1, b0, b1)
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    assert all(0 <= left and right <= width for left, right, _ in extents)
    assert not EXPONENT.search(svg)


def test_heatmap_writes_only_the_counts_that_fit_their_cells() -> None:
    svg = heatmap(["滨州市公安局", "沾化区公安分局"], [[12, 3], [3, 123456]], "together")
    written = re.findall(r'fill="#(?:fff|222)">([^<]*)</text>', svg)
    assert written == ["12", "3", "3"]
    assert "123,456</title>" in svg  # the count is still there, in the tooltip


# ---- figures with their facts (issues 19, 21, 22) ---------------------------------------
@pytest.fixture(scope="module")
def seed_figures() -> list[dict]:
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl", str(SEEDS)])
    assert result.exit_code == 0
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_figure_carries_its_facts(page: str, seed_figures: list[dict]) -> None:
    rows = table_with(page, id="figures-table")
    got = [(r[1], r[9], r[10], r[11], r[12] == "repeat") for r in rows]
    expected = [(f["text"], f["subject"], f["event"], f["when"], f["repeat"]) for f in seed_figures]
    assert got == expected
    assert any(subject for _, subject, _, _, _ in got)


def counted_tables(page: str) -> list[tuple[dict, list[list[str]]]]:
    section = re.search(r'<section id="counted">.*?</section>', page, re.S)
    assert section, "no counted section"
    return [(a, rows) for a, rows in tables_of(section.group(0)) if "data-kind" in a]


def test_what_was_counted_sums_the_rows_it_groups(page: str, seed_figures: list[dict]) -> None:
    tables = counted_tables(page)
    assert tables
    for attrs, rows in tables:
        unit, currency = attrs["data-unit"], attrs["data-currency"] or None
        members: dict[tuple[str, str], list[dict]] = {}
        for f in seed_figures:
            if f["kind"] not in ("count", "money") or f["repeat"]:
                continue
            if (f["unit"], f["currency"]) != (unit, currency) or not (f["event"] or f["subject"]):
                continue
            members.setdefault((f["event"], f["subject"]), []).append(f)
        expected = sorted(
            (
                (e, s, len(fs), sum(f["value"] for f in fs), len({f["doc"] for f in fs}))
                for (e, s), fs in members.items()
            ),
            key=lambda g: (-abs(g[3]), -g[2], g[0], g[1]),
        )[:10]
        got = [(r[0], r[1], int(r[2]), float(r[3]), int(r[6])) for r in rows]
        assert [(e, s, n, pytest.approx(v), d) for e, s, n, v, d in expected] == got


def test_what_was_counted_links_each_sentence(page: str) -> None:
    section = re.search(r'<section id="counted">.*?</section>', page, re.S)
    assert section
    targets = set(re.findall(r'href="#(s\d+-\d+)"', section.group(0)))
    assert targets and targets <= set(re.findall(r'<li id="(s\d+-\d+)"', page))
    assert '<a href="#counted">What was counted</a>' in page


def over_time(page: str) -> dict[str, list[tuple[int, str]]]:
    """Each chart of figures over time by its caption: (year, sum) of its table."""
    charts = {}
    for caption, block in re.findall(
        r'data-chart="figures-over-time"><figcaption>([^<]*)</figcaption>(.*?)</figure>',
        page,
        re.S,
    ):
        rows = tables_of(block)[0][1]
        charts[html.unescape(caption)] = [(int(r[0]), r[2]) for r in rows]
    return charts


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Documents whose figures hold for another year than their date; one headline
    restates its body."""
    tmp = tmp_path_factory.mktemp("restated")
    texts = [
        (
            "2023-01-10",
            "云南省某州公安局破获电信诈骗案件120起\n2021年，全州公安机关抓获犯罪嫌疑人"
            "621人，破获电信诈骗案件120起，挽回经济损失300万元。",
        ),
        ("2019-06-01", "2019年，甘肃省某市公安局抓获犯罪嫌疑人45人。"),
        ("", "今年以来，吉林省某县公安局抓获犯罪嫌疑人7人。"),
    ]
    lines = [
        json.dumps({"id": f"r{i}", "date": date, "text": text}, ensure_ascii=False)
        for i, (date, text) in enumerate(texts)
    ]
    source = tmp / "restated.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    return run_report([str(source), "--id-field", "id"], tmp)


def test_sums_per_year_by_when_and_once_per_fact(restated: str) -> None:
    charts = over_time(restated)
    # the cases of 2021 are counted once (the headline restates the body), in 2021,
    # not in the document's 2023; 2020 is a gap; the document of no date and no
    # year written has no year
    assert charts["起 (count) per year"] == [(2019, "0"), (2020, ""), (2021, "120")]
    assert charts["人 (count) per year"] == [(2019, "45"), (2020, ""), (2021, "621")]
    assert charts["元 (money) per year"] == [(2019, "0"), (2020, ""), (2021, "3000000")]


def test_restated_fact_summed_once_in_what_was_counted(restated: str) -> None:
    tables = {a["data-unit"]: rows for a, rows in counted_tables(restated)}
    assert [(r[0], r[1], r[2], r[3]) for r in tables["起"]] == [
        ("破获", "电信诈骗案件", "1", "120")
    ]
    people = {(r[0], r[1]): (int(r[2]), int(r[3]), int(r[6])) for r in tables["人"]}
    assert people[("抓获", "犯罪嫌疑人")] == (3, 621 + 45 + 7, 3)


def test_documents_show_their_dates(tmp_path: Path) -> None:
    dated = tmp_path / "dated.txt"
    dated.write_text("发布时间：2024-03-15 09:31\n湖南省某市公安局抓获犯罪嫌疑人12人。\n", "utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("2022年，四川省某县公安局破获案件30起。\n", "utf-8")
    page = run_report([str(dated), str(undated)], tmp_path)
    dates = {Path(r[1]).name: r[3] for r in table_with(page, id="documents-table")}
    assert dates == {"dated.txt": "2024-03-15", "undated.txt": "2022 (text)"}
    card = card_of(page)
    assert (card["date_from"], card["date_to"], card["date_source"]) == (
        "2024-03-15",
        "2024-03-15",
        "date",
    )


def test_units_carry_their_region(page: str) -> None:
    result = CliRunner().invoke(cli, ["units", "--format", "jsonl", str(SEEDS)])
    assert result.exit_code == 0
    regions: dict[str, set[str]] = {}
    for line in result.stdout.splitlines():
        row = json.loads(line)
        if row["region"]:
            regions.setdefault(row["name"], set()).add(row["region"])
    assert regions
    shown = {r[0]: r[4] for r in table_with(page, id="units-table")}
    for name, found in regions.items():
        assert shown[name] in found
    assert all(region for name, region in shown.items() if name in regions)
    tree = re.search(r'<div class="plot tree">(.*?)</div>', page, re.S)
    assert tree
    labelled = re.findall(
        r'<span class="unit">([^<]*)</span> <span class="count"[^>]*>\((.*?)\)', tree.group(1)
    )
    for name, label in labelled:
        region = re.match(r'<span class="region">([^<]*)</span> · ', label)
        assert (region.group(1) if region else "") == shown[name]
    assert any("region" in label for _, label in labelled)


def test_money_is_summed_per_currency(tmp_path: Path) -> None:
    source = tmp_path / "money.txt"
    source.write_text(
        "2022年，臺北市政府警察局查扣詐騙集團贓款新台幣1,200萬元。\n"
        "2022年，广东省某市公安局追回赃款30万元，查扣赃款20万元。\n",
        "utf-8",
    )
    page = run_report([str(source)], tmp_path)
    charts = over_time(page)
    assert charts["新台币 (money) per year"] == [(2022, "12000000")]
    assert charts["元 (money) per year"] == [(2022, "500000")]
    sums = {
        (a["data-unit"], a["data-currency"]): sum(float(r[3]) for r in rows)
        for a, rows in counted_tables(page)
    }
    assert sums == {("新台币", "TWD"): 12_000_000, ("元", "CNY"): 500_000}


# ---- --max-rows: a page of bounded size, totals of the whole corpus ----------------------
@pytest.mark.parametrize("max_rows", [1, 3])
def test_max_rows_caps_long_tables_and_keeps_totals(
    page: str, max_rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spills = tmp_path / "tmp"
    spills.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spills))
    capped = run_report([str(SEEDS), "--max-rows", str(max_rows)], tmp_path)
    assert not list(spills.iterdir())  # the documents' spill file is removed
    assert card_of(capped) == card_of(page)  # every total of the whole corpus
    for name in ("documents-table", "figures-table", "years-table", "units-table"):
        full, cut = table_with(page, id=name), table_with(capped, id=name)
        assert cut == full[:max_rows], name
    assert re.search(r'data-figures="(\d+)"', capped).group(1) == (  # type: ignore[union-attr]
        re.search(r'data-figures="(\d+)"', page).group(1)  # type: ignore[union-attr]
    )
    assert f"The first {max_rows} of 5 documents (--max-rows); policetext stats" in capped
    assert "policetext figures lists them all" in capped
    # the unit tree: its biggest branches, as many units as the rows
    tree = re.search(r'<ul class="unit-tree">.*?</ul>(?=<p class="note">The first)', capped)
    assert tree and tree.group(0).count('class="unit"') == max_rows
    assert "policetext units --tree lists them all" in capped
    # the sentences shown are the first ones, and every link reaches one of them
    ids = re.findall(r'<li id="(s\d+-\d+)"', capped)
    assert ids == re.findall(r'<li id="(s\d+-\d+)"', page)[:max_rows]
    assert set(re.findall(r'href="#(s\d+-\d+)"', capped)) <= set(ids)
    assert "beyond the sentences shown" in capped
    assert len(capped) < len(page)


def test_max_rows_above_the_corpus_changes_nothing(page: str, tmp_path: Path) -> None:
    assert run_report([str(SEEDS), "--max-rows", "100000"], tmp_path) == page


def test_max_rows_is_documented() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert "--max-rows" in result.stdout and "lists them all" in " ".join(result.stdout.split())
