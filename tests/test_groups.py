"""figures --group-by: sums a user can trust, repeats counted once, units never mixed."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from click.testing import CliRunner

from policetext.cli import cli
from policetext.errors import ConfigError
from policetext.groups import group_figures, parse_group_fields, row_year
from tests.conftest import SEEDS


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_seed_sums_equal_the_rows_they_group() -> None:
    code, out, err = _run(
        "figures", str(SEEDS), "--group-by", "event,subject,unit", "--kind", "count",
        "--format", "jsonl",
    )  # fmt: skip
    assert code == 0, err
    groups = _jsonl(out)
    code, out, err = _run("figures", str(SEEDS), "--kind", "count", "--format", "jsonl")
    assert code == 0, err
    rows = _jsonl(out)
    # computed here from the rows, independently of groups.py
    sums: dict[tuple, list] = defaultdict(list)
    docs: dict[tuple, set] = defaultdict(set)
    for row in rows:
        if row["repeat"]:
            continue
        key = (row["event"], row["subject"], row["unit"])
        sums[key].append(row["value"])
        docs[key].add(row["doc"])
    assert len(groups) == len(sums)
    for group in groups:
        key = (group["event"], group["subject"], group["unit"])
        values = sums[key]
        assert group["figures"] == len(values)
        assert group["sum"] == pytest.approx(sum(values))
        assert (group["min"], group["max"]) == (min(values), max(values))
        assert group["docs"] == len(docs[key])
    assert sum(g["figures"] for g in groups) == sum(len(v) for v in sums.values())


def test_a_restated_fact_is_counted_once(tmp_path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("全市抓获逃犯10人\n今年以来，全市共抓获逃犯10人，查获毒品3公斤。", "utf-8")
    args = ("figures", str(page), "--group-by", "subject,unit", "--format", "jsonl")
    code, out, _ = _run(*args)
    assert code == 0
    by_subject = {g["subject"]: g for g in _jsonl(out)}
    assert (by_subject["逃犯"]["figures"], by_subject["逃犯"]["sum"]) == (1, 10)
    code, out, _ = _run(*args, "--with-repeats")
    by_subject = {g["subject"]: g for g in _jsonl(out)}
    assert (by_subject["逃犯"]["figures"], by_subject["逃犯"]["sum"]) == (2, 20)


def test_mixed_units_are_refused_in_one_line() -> None:
    code, out, err = _run("figures", str(SEEDS), "--group-by", "event", "--format", "tsv")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "unit" in err and "Traceback" not in err


def test_unknown_field_is_refused() -> None:
    code, _, err = _run("figures", str(SEEDS), "--group-by", "colour")
    assert code == 2
    assert "colour" in err and "event" in err


@pytest.mark.parametrize(
    ("option", "term", "field"), [("--event", "抓獲", "event"), ("--subject", "逃犯", "subject")]
)
def test_filters_match_after_normalising(option: str, term: str, field: str) -> None:
    code, out, err = _run("figures", str(SEEDS), option, term, "--format", "jsonl")
    assert code == 0, err
    rows = _jsonl(out)
    assert rows
    wanted = term.replace("獲", "获")
    assert all(wanted in row[field] for row in rows)
    code, out, _ = _run("figures", str(SEEDS), "--format", "jsonl")
    assert len(rows) == sum(wanted in row[field] for row in _jsonl(out))


def test_filters_with_group_by() -> None:
    code, out, err = _run(
        "figures", str(SEEDS), "--event", "抓获", "--group-by", "event,unit", "--format", "jsonl"
    )
    assert code == 0, err
    assert {g["event"] for g in _jsonl(out)} == {"抓获"}


def test_currency_is_grouped_by_when_rows_carry_it() -> None:
    rows = [
        {"doc": "a", "unit": "元", "value": 10, "currency": "CNY"},
        {"doc": "a", "unit": "元", "value": 5, "currency": "HKD"},
    ]
    groups = group_figures(rows, ["unit"])
    assert sorted((g["currency"], g["sum"]) for g in groups) == [("CNY", 10), ("HKD", 5)]


def test_year_of_when_else_document_date() -> None:
    assert row_year({"when": "2021-01/2021-06", "date": "2023-02-01"}) == 2021
    assert row_year({"when": "", "date": "2023-02-01"}) == 2023
    assert row_year({"when": "--03", "date": None}) is None


def test_parse_group_fields_accepts_meta_fields() -> None:
    assert parse_group_fields("year, source", ("source",)) == ("year", "source")
    with pytest.raises(ConfigError):
        parse_group_fields("source")
