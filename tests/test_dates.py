"""Dates as dates: a date figure's iso, a figure's when, a page's own date."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Pipeline
from policetext.dates import read_document_date, resolve_dates, resolve_when, year_of

from .conftest import GOLD, case_param, load_cases, needs_gold

CASES = load_cases("dates.jsonl")


def _params(kind: str) -> list[object]:
    return [case_param(case) for case in CASES if case["kind"] == kind]


def _figure(
    pipeline: Pipeline, text: str, written: str, synthetic: bool = False
) -> tuple[list, int]:
    if synthetic:  # a date figure as figures.py would write it
        start = text.index(written)
        return [
            SimpleNamespace(start=start, end=start + len(written), text=written, kind="date")
        ], 0
    records = pipeline.figures.find(text)
    texts = [r.text for r in records]
    assert written in texts, f"{written} is not a figure of {text}: {texts}"
    return records, texts.index(written)


@pytest.mark.parametrize("case", _params("iso"))
def test_iso(pipeline: Pipeline, case: dict) -> None:
    records, at = _figure(pipeline, case["text"], case["figure"], case.get("synthetic", False))
    assert resolve_dates(case["text"], records, case["date"])[at] == case["expected"]


@pytest.mark.parametrize("case", _params("when"))
def test_when(pipeline: Pipeline, case: dict) -> None:
    records, at = _figure(pipeline, case["text"], case["figure"])
    isos = resolve_dates(case["text"], records, case["date"])
    assert resolve_when(case["text"], records, isos, case["date"])[at] == case["expected"]


@pytest.mark.parametrize("case", _params("docdate"))
def test_document_date(case: dict) -> None:
    assert read_document_date(case["lines"]) == case["expected"]


def test_enough_cases() -> None:
    assert len(CASES) >= 60
    assert len({(case["kind"], case["label"]) for case in CASES}) == len(CASES)


def test_dates_are_not_given_when_and_others_no_iso(pipeline: Pipeline) -> None:
    text = "2021年，全市抓获犯罪嫌疑人621人。"
    records = pipeline.figures.find(text)
    isos = resolve_dates(text, records)
    assert [iso for r, iso in zip(records, isos, strict=True) if r.kind != "date"] == [None]
    assert resolve_when(text, records, isos) == ["", "2021"]


@pytest.mark.parametrize(
    ("iso", "year"),
    [("2021", 2021), ("2021-06-24", 2021), ("2017/2021", 2017), ("--06", None), ("", None)],
)
def test_year_of(iso: str, year: int | None) -> None:
    assert year_of(iso) == year


def test_document_date_in_stats_rows(pipeline: Pipeline) -> None:
    document = pipeline.parse_text("发布时间：2024-03-15 10:20\n今年4月25日，民警接到报警。")
    assert document.date == "2024-03-15"
    assert pipeline.parse_text("民警接到报警。").date is None


def test_iso_resolved_against_the_document_date(tmp_path) -> None:
    from click.testing import CliRunner

    from policetext.cli import cli

    page = tmp_path / "page.txt"
    page.write_text(
        "发布时间：2024-03-15\n今年4月25日，民警抓获逃犯3人。去年8月，开展行动。", "utf-8"
    )
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl", str(page)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["iso"] for r in rows if r["kind"] == "date"] == ["2024-04-25", "2023-08"]
    assert [r["when"] for r in rows if r["kind"] != "date"] == ["2024-04-25"]


def _gold_iso_scores(pipeline: Pipeline, folder, gold_file) -> tuple[int, int, int]:
    """(true positives, predicted, gold) of date iso over a gold set, with the gold
    document dates as input: what dates.py does given the right page date."""
    from collections import Counter

    tp = pred = total = 0
    for line in gold_file.read_text("utf-8").splitlines():
        gold = json.loads(line)
        path = folder / gold["doc"]
        if not path.exists():
            continue
        document = pipeline.parse_path(path)
        records = pipeline.figures.find(document.text)
        isos = [i for i in resolve_dates(document.text, records, gold.get("date")) if i]
        wanted = Counter(f["iso"] for f in gold["figures"] if f["kind"] == "date" and f.get("iso"))
        got = Counter(isos)
        tp += sum((got & wanted).values())
        pred += sum(got.values())
        total += sum(wanted.values())
    return tp, pred, total


@needs_gold
def test_dev_iso_with_gold_document_dates(pipeline: Pipeline) -> None:
    tp, pred, total = _gold_iso_scores(
        pipeline, GOLD / "dev" / "corpus", GOLD / "dev" / "gold.jsonl"
    )
    f1 = 2 * tp / (pred + total)
    assert f1 >= 0.9, (tp, pred, total)


DATE_LINE_PARTS = st.lists(
    st.sampled_from(["发布时间：", "发表于 ", "日期:", "Date ", "时间", "|", "】", " ", "\u3000",
                     "2024", "1998", "2105", "１９", "２０２３", "-", "/", ".", "年", "月", "日",
                     "号", "3", "03", "12", "31", "0", "9", "10:05", "０９：３０", "星期五", "周日",
                     "新华社北京", "电", "讯", "来源", "作者", "，", "。", "抓获", "民警", "date"]),
    max_size=12,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(DATE_LINE_PARTS.map("".join), max_size=4))
def test_the_lines_a_shape_is_searched_in_hold_all_its_matches(lines: list[str]) -> None:
    # each shape is searched only in the lines holding a year or a 月: the
    # date found must be the one a search of every line for every shape finds
    from policetext import dates

    wide = [line.translate(dates._WIDE) for line in lines]
    expected = next(
        (
            dates._iso_of(found)
            for shape in dates._DOCUMENT_DATE_SHAPES
            for line in wide
            if (found := shape.search(line)) is not None
        ),
        None,
    )
    assert read_document_date(lines) == expected
