"""The one output layer: every format from the same rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    import os
    import stat

    from policetext.output import write_file_atomically

    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, mode)
    write_file_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.parametrize("markup", ["[/]", "[/link]", "[bold]", "[/bold]"])
def test_markup_in_article_text_is_printed_not_parsed(markup: str) -> None:
    from click.testing import CliRunner

    from policetext.cli import cli

    text = f"滨州市{markup}公安局抓获12人。"
    result = CliRunner().invoke(cli, ["stats", "--format", "table"], input=text)
    assert result.exit_code == 0, result.output
    assert markup in result.stdout


def test_table_into_a_closed_pipe_exits_0() -> None:
    import subprocess
    import sys

    from .conftest import SEEDS

    proc = subprocess.Popen(
        [sys.executable, "-m", "policetext", "stats", "--format", "table", str(SEEDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # as `| head -1` has done by the time the later tables come
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err == b""
