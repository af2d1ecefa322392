"""The one output layer: every format from the same rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policetext.output import _indented, _json_default, resolve_format, write_object, write_rows

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


class Terminal(io.StringIO):
    """A stream that says it is a terminal, so ``table`` is what ``auto`` draws."""

    def isatty(self) -> bool:
        return True


def on_terminal(rows: list[dict], columns: tuple[str, ...], width: int, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Terminal()
    write_rows(rows, columns, "auto", stream)
    return stream.getvalue()


# units of other places and levels: short names beside long paths and contexts
UNIT_ROWS = [
    {
        "doc": f"archive/2023/press-releases/{name}-{i:03d}.txt",
        "start": 1000 + 100 * i,
        "end": 1004 + 100 * i,
        "name": name,
        "level": level,
        "context": "据通报，该局会同多个部门连续开展专项行动，共查处各类违法案件若干起" * 2,
    }
    for i, (name, level) in enumerate(
        [
            ("港航分局", "county"),
            ("九龙城警区", "district"),
            ("治安警察局", "city"),
            ("海口市公安局美兰分局", "county"),
            ("交警支队", "city-squad"),
        ]
    )
]


@pytest.mark.parametrize("width", [72, 80, 100, 140])
def test_terminal_table_keeps_short_names_whole(monkeypatch, width: int) -> None:
    from rich.cells import cell_len

    columns = ("doc", "start", "end", "name", "level", "context")
    out = on_terminal(UNIT_ROWS, columns, width, monkeypatch)
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    for row in UNIT_ROWS:
        at = next(i for i, line in enumerate(lines) if f" {row['start']} " in line)
        line, name = lines[at], row["name"]
        # numbers and short names whole; the long path and context give way first
        assert str(row["end"]) in line
        assert row["level"] in line
        if cell_len(name) <= 10:
            assert name in line, line
        # a longer name is not cut: what its line lacks goes on the next
        shown = max(k for k in range(len(name) + 1) if name[:k] in line)
        assert shown == len(name) or name[shown:] in lines[at + 1], (line, lines[at + 1])


def test_terminal_table_scores_to_fixed_decimals(monkeypatch) -> None:
    rows = [
        {"term": "诈骗", "score": 0.157639, "g2": 12.462, "p": 0.000415},
        {"term": "民警", "score": 0.12334, "g2": 5.3409, "p": 1.365e-07},
        {"term": "走访", "score": 0.0747, "g2": 0.0, "p": 0.02083},
    ]
    columns = ("term", "score", "g2", "p")
    lines = on_terminal(rows, columns, 100, monkeypatch).splitlines()
    cells = [line.split() for line in lines[1:]]
    assert [c[1] for c in cells] == ["0.1576", "0.1233", "0.0747"]
    assert [c[2] for c in cells] == ["12.46", "5.34", "0.00"]
    assert [c[3] for c in cells] == ["0.000415", "<0.000001", "0.020830"]
    # machine formats keep every digit
    stream = io.StringIO()
    write_rows(rows, columns, "tsv", stream)
    assert stream.getvalue().splitlines()[2].split("\t") == [
        "民警",
        "0.12334",
        "5.3409",
        "1.365e-07",
    ]


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
    for command in ("stats", "figures"):  # a title cell, a context cell
        result = CliRunner().invoke(cli, [command, "--format", "table"], input=text)
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


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_JSON_VALUES = st.recursive(
    _JSON_SCALARS | st.sets(st.integers(), max_size=3) | st.builds(Path, st.text()),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(
            st.text() | st.integers() | st.floats() | st.booleans() | st.none(), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
@example({"documents": [{"top_keywords": ["反诈", "民警"], "score": 0.1, "n": 3}], "x": []})
@example([float("nan"), float("inf"), -float("inf"), -0.0, 1e300, {}, (), {1.5: 1, True: 2}])
def test_indented_writes_the_bytes_json_writes(value: object) -> None:
    """The object writer's own indenting gives json.dumps(indent=2)'s bytes exactly."""
    expected = json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
    assert _indented(value) == expected
    deeper = json.dumps([value], ensure_ascii=False, indent=2, default=_json_default)
    assert "[\n  " + _indented(value, "\n  ") + "\n]" == deeper


def test_an_object_with_a_lazy_array_is_written_as_dumped_whole() -> None:
    rows = [{"doc": "a.txt", "top_keywords": ["反诈"], "chars": 12}, {"doc": "b", "x": None}]
    whole = {"corpus": {"documents": 2}, "documents": rows, "keywords": [], "skipped": ["c"]}
    out = io.StringIO()
    write_object({**whole, "documents": iter(rows)}, out)
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
