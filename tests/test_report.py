"""report: the HTML's sections, its numbers against ``stats --format json``, no URLs,
escaping, groups by --by and --compare (the keyness of ``compare``)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext.cli import cli
from policetext.keywords import Keyness
from policetext.report import (
    SECTIONS,
    bar_chart,
    column_chart,
    diverging_chart,
    heatmap,
    report_summary,
)

from .conftest import SEEDS, seed


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
    assert float(report_summary(page)[key]) == stats_json["corpus"][key]


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


def test_figure_links_reach_their_sentences(page: str) -> None:
    targets = set(re.findall(r'href="#(s\d+-\d+)"', page))
    assert targets
    ids = set(re.findall(r'<li id="(s\d+-\d+)"', page))
    assert targets <= ids


def test_scripts_and_dates_on_the_card(page: str) -> None:
    card = report_summary(page)
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
    card = report_summary(grouped)
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
    assert report_summary(page)["documents"] == "2"


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
