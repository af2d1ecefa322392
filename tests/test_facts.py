"""What a figure counts (subject), the verb reporting it (event), and repeats."""

from __future__ import annotations

import json

import pytest

from policetext import Pipeline
from policetext.facts import FactReader, annotate, normalise_term

from .conftest import SEEDS, case_param, gold_metrics, load_cases, needs_gold

CASES = load_cases("facts.jsonl")


def _fact(pipeline: Pipeline, text: str, written: str) -> tuple[str, str]:
    text = pipeline.normalizer.normalize(text).text
    records = annotate(pipeline.figures.find(text), text, pipeline.facts)
    found = [r for r in records if r.text == written]
    assert found, f"{written} is not a figure of {text}: {[r.text for r in records]}"
    return found[0].subject, found[0].event


@pytest.mark.parametrize(
    "case",
    [case_param(case) for case in CASES],
)
def test_subject_and_event(pipeline: Pipeline, case: dict) -> None:
    assert _fact(pipeline, case["text"], case["figure"]) == (case["subject"], case["event"])


def test_enough_crafted_sentences() -> None:
    assert len(CASES) >= 100
    assert len({case["label"] for case in CASES}) == len(CASES)
    # many provinces and regions, not one page's phrasing
    regions = {case["label"].split("-")[1] for case in CASES if "-" in case["label"]}
    assert len(regions) >= 25


def test_subject_is_a_substring_of_its_sentence(pipeline: Pipeline) -> None:
    for case in CASES:
        text = pipeline.normalizer.normalize(case["text"]).text
        for record in annotate(pipeline.figures.find(text), text, pipeline.facts):
            assert record.subject in text and record.event in text


def test_dates_have_no_subject_or_event(pipeline: Pipeline) -> None:
    text = "2021年6月24日，全市抓获逃犯10人。"
    records = annotate(pipeline.figures.find(text), text, pipeline.facts)
    assert [(r.kind, r.subject, r.event) for r in records] == [
        ("date", "", ""),
        ("count", "逃犯", "抓获"),
    ]


def test_repeat_marks_a_restated_fact(pipeline: Pipeline) -> None:
    text = "全市抓获逃犯10人\n今年以来，全市抓获逃犯10人，抓获逃犯12人。另查获毒品10克。"
    records = annotate(pipeline.figures.find(text), text, pipeline.facts)
    assert [(r.text, r.repeat) for r in records] == [
        ("10人", False),
        ("10人", True),
        ("12人", False),
        ("10克", False),
    ]


def test_without_a_reader_subjects_are_empty(pipeline: Pipeline) -> None:
    text = "全市抓获逃犯10人。"
    (record,) = annotate(pipeline.figures.find(text), text, None)
    assert (record.subject, record.event) == ("", "")


def test_reader_takes_any_cut_and_tagger() -> None:
    """The reader needs only a cut and a tag lookup (no jieba of its own)."""
    words = {"抓获": "v", "逃犯": "n", "人": "n"}
    reader = FactReader(lambda s: [w for w in ("抓获", "逃犯", "人", "。") if w in s], words.get)
    text = "抓获逃犯10人。"
    assert reader.read(text, [(4, 7, "count", "人")]) == [("逃犯", "抓获")]


def test_same_facts_under_both_engines(tmp_path) -> None:
    from policetext import Config
    from policetext.engines import has_rjieba

    if not has_rjieba():
        pytest.skip("rjieba not installed")
    rows = []
    for engine in ("jieba", "rjieba"):
        pipeline = Pipeline(Config(engine=engine, cache_dir=tmp_path / engine))
        for path in sorted(SEEDS.glob("*.txt")):
            document = pipeline.parse_path(path)
            records = annotate(pipeline.figures.find(document.text), document.text, pipeline.facts)
            rows.append([(r.subject, r.event) for r in records])
    half = len(rows) // 2
    assert rows[:half] == rows[half:]


@pytest.mark.parametrize(("written", "wanted"), [("抓獲", "抓获"), (" 逃犯 ", "逃犯"), ("", "")])
def test_filter_terms_are_normalised(pipeline: Pipeline, written: str, wanted: str) -> None:
    assert normalise_term(written, pipeline.normalizer) == wanted


@needs_gold
def test_seed_gold_scores(tmp_path) -> None:
    metrics = gold_metrics("figures", tmp_path)
    assert metrics["figures_subject_lenient"]["f1"] >= 0.9
    assert metrics["figures_event"]["f1"] >= 0.8
    assert metrics["figures_when"]["f1"] >= 0.95
    assert metrics["dates_iso"]["f1"] >= 0.95


def test_figures_rows_carry_the_fields(tmp_path) -> None:
    from click.testing import CliRunner

    from policetext.cli import FIGURE_COLUMNS, cli

    page = tmp_path / "page.txt"
    page.write_text("全市公安機關共抓獲逃犯10人，同比增長30%。", "utf-8")
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl", str(page)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["subject"], r["event"]) for r in rows] == [("逃犯", "抓获"), ("逃犯", "增长")]
    columns = list(FIGURE_COLUMNS)
    assert columns[columns.index("subject") : columns.index("context")] == [
        "subject",
        "event",
        "when",
        "iso",
        "repeat",
    ]


def test_seed_subjects_and_events_are_written_in_the_text(
    pipeline: Pipeline, seed_docs: dict
) -> None:
    for document in seed_docs.values():
        text = document.text
        for record in annotate(pipeline.figures.find(text), text, pipeline.facts):
            assert record.subject in text, record
            assert record.event in text, record
