"""grep: scripts, whole words, counts, exit codes, offsets, runaway patterns."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from policetext import Pipeline
from policetext.cli import cli

from .conftest import SEEDS, seed


def grep(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["grep", *args], input=input)


def test_traditional_query_finds_simplified_text() -> None:
    result = grep("反詐", str(seed("002")))
    assert result.exit_code == 0
    assert "反诈中心" in result.stdout


def test_simplified_query_finds_traditional_text() -> None:
    result = grep("台子派出所", str(seed("003")))
    assert result.exit_code == 0
    raw = seed("003").read_text("utf-8")
    assert "臺子派出所" in raw and "台子派出所" not in raw
    assert "台子派出所" in result.stdout


def test_fullwidth_digits_match() -> None:
    result = grep("４９０人次", str(seed("000")))
    assert result.exit_code == 0


def test_counts_agree_with_an_independent_count(pipeline: Pipeline) -> None:
    result = grep("-c", "派出所", str(SEEDS))
    counted = {
        line.rsplit(":", 1)[0]: int(line.rsplit(":", 1)[1]) for line in result.stdout.split()
    }
    for doc in pipeline.documents([SEEDS]):
        expected = sum(1 for line in doc.text.split("\n") if "派出所" in line)  # lines, as grep -c
        assert counted.get(doc.doc, 0) == expected


def test_whole_word_does_not_match_inside_longer_tokens(pipeline: Pipeline) -> None:
    result = grep("-w", "--json", "公安", str(SEEDS))
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits
    texts = {d.doc: d.text for d in pipeline.documents([SEEDS])}
    for hit in hits:
        text = texts[hit["doc"]]
        assert text[hit["start"] : hit["end"]] == "公安"
        assert (
            text[hit["end"] : hit["end"] + 1] != "局"
            or text[hit["start"] : hit["end"] + 1] != "公安局"
        )
    plain = grep("--json", "公安", str(SEEDS)).stdout.splitlines()
    assert len(hits) < len(plain)


def test_json_offsets_index_the_normalised_text(pipeline: Pipeline) -> None:
    result = grep("--json", "-e", r"\d+(?:\.\d+)?%", str(SEEDS))
    texts = {d.doc: d.text for d in pipeline.documents([SEEDS])}
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits
    for hit in hits:
        assert texts[hit["doc"]][hit["start"] : hit["end"]] == hit["match"]
        assert re.fullmatch(r"\d+(?:\.\d+)?%", hit["match"])


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["民警", str(SEEDS)], 0),
        (["没有这个词", str(SEEDS)], 1),
        (["-e", "(", str(SEEDS)], 2),
        (["民警", str(SEEDS), "no/such.txt"], 2),
    ],
)
def test_exit_status_as_grep(args: list[str], status: int) -> None:
    result = grep(*args)
    assert result.exit_code == status
    if status == 2:
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_matches_still_printed_when_a_file_fails() -> None:
    result = grep("民警", str(seed("000")), "no/such.txt")
    assert result.exit_code == 2
    assert "民警" in result.stdout


def test_runaway_pattern_is_refused_quickly() -> None:
    result = grep("-e", "(a+)+$", input="a" * 50_000 + "!")
    assert result.exit_code == 2
    assert "nests unbounded repetition" in result.stderr


def test_kwic_aligns_columns_in_tsv() -> None:
    result = grep("--kwic", "派出所", str(seed("000")))
    lines = result.stdout.splitlines()
    assert lines[0] == "doc\tline\tleft\tmatch\tright"
    assert all(line.split("\t")[3] == "派出所" for line in lines[1:])


def test_files_with_matches_and_stdin() -> None:
    result = grep("-l", "包头", str(SEEDS))
    assert [p.rsplit("/", 1)[-1][:3] for p in result.stdout.split()] == ["004"]
    piped = grep("民警", input="辖区民警走访群众。")
    assert piped.stdout == "<stdin>:1:3:辖区民警走访群众。\n"


def test_in_figures_restricts_hits() -> None:
    result = grep("--json", "-e", r"\d+", "--in", "figures", str(seed("002")))
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and all(h["match"].isdigit() for h in hits)
    everything = grep("--json", "-e", r"\d+", str(seed("002"))).stdout.splitlines()
    assert len(hits) < len(everything)  # 96110 and the like are not inside figures


def test_sentence_option_prints_the_sentence() -> None:
    result = grep("--sentence", "490人次", str(seed("000")))
    (line,) = result.stdout.splitlines()
    assert line.endswith("消除各类安全隐患490人次。") or "490人次" in line


def test_pipe_into_head_ends_quietly() -> None:
    proc = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m policetext grep 的 {SEEDS} | head -1"],
        capture_output=True,
    )
    assert proc.stdout.count(b"\n") == 1
    assert proc.stderr == b""
