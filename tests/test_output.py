"""The one output layer: every format from the same rows."""

from __future__ import annotations

import csv
import io
import json

import pytest

from policetext.output import resolve_format, write_rows

ROWS = [
    {"doc": "a.txt", "text": "第一\t行\n第二行", "count": 3, "names": ["王祯", "武建飞"]},
    {"doc": "b,c.txt", "text": '引号"', "count": 12, "names": []},
]
COLUMNS = ("doc", "text", "count", "names")


def render(fmt: str) -> str:
    stream = io.StringIO()
    assert write_rows(ROWS, COLUMNS, fmt, stream) == len(ROWS)
    return stream.getvalue()


def test_tsv_is_one_line_per_row_with_escapes() -> None:
    lines = render("tsv").splitlines()
    assert lines[0] == "doc\ttext\tcount\tnames"
    assert lines[1] == "a.txt\t第一\\t行\\n第二行\t3\t王祯;武建飞"
    assert len(lines) == 3


def test_csv_round_trips() -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv"))))
    assert rows[0]["text"] == "第一\t行\n第二行"
    assert rows[1]["doc"] == "b,c.txt"
    assert rows[1]["count"] == "12"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_keeps_types(fmt: str) -> None:
    out = render(fmt)
    rows = json.loads(out) if fmt == "json" else [json.loads(x) for x in out.splitlines()]
    assert rows[0]["names"] == ["王祯", "武建飞"]
    assert rows[1]["count"] == 12
    assert "王祯" in out  # not \u-escaped


def test_empty_json_is_an_empty_array() -> None:
    stream = io.StringIO()
    write_rows([], COLUMNS, "json", stream)
    assert json.loads(stream.getvalue()) == []


def test_table_in_a_pipe_has_no_colour_or_boxes() -> None:
    out = render("table")
    assert "\x1b[" not in out
    assert not any(c in out for c in "─│┃━")
    assert "王祯;武建飞" in out


def test_auto_is_tsv_when_not_a_terminal() -> None:
    assert resolve_format("auto", io.StringIO()) == "tsv"
