"""grep: scripts, whole words, counts, exit codes, offsets, runaway patterns."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Pipeline
from policetext.cli import cli

from .conftest import GOLD, SEEDS, needs_gold, seed


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


# ---- every search ends (issue 23) ---------------------------------------------------
# patterns that ran past 20 s on Python's backtracking engine, and their answer on
# one line of 5,000 a's: RE2 takes them, so they end at once with grep's answer
_RUNAWAY = [
    ("(a+)+$", True),
    ("(a|a)*b", False),
    ("(a|aa)*c", False),
    ("(.*a){20}$", True),
    ("a*a*a*a*a*b", False),
    ("[a-z]+[a-z]+[a-z]+b", False),
]


@pytest.mark.parametrize(("pattern", "matches"), _RUNAWAY)
def test_runaway_patterns_end_on_re2(pattern: str, matches: bool) -> None:
    result = grep("-c", "-e", pattern, input="a" * 5000)
    assert result.exit_code == (0 if matches else 1)
    assert result.stderr == ""


@pytest.mark.parametrize("pattern", ["(?=(a+)+b)a", "(a{1,10000}){1,10000}b"])
def test_backtracking_pattern_stops_at_the_time_limit(pattern: str) -> None:
    import time

    began = time.monotonic()
    result = grep("--timeout", "0.3", "-e", pattern, input="a" * 5000)
    assert time.monotonic() - began < 5
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("policetext: <stdin>: the pattern ran longer than 0.3 s")


def test_backreference_still_works_with_a_time_limit() -> None:
    result = grep("-e", r"(\d)\1", input="编号112号\n编号12号")
    assert result.stdout == "<stdin>:1:3:编号112号\n"


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"(\d+、)+\d+", "第1、2、3条", "1、2、3"),
        (r"(?:第\d+条)+", "依照第3条第5条规定", "第3条第5条"),
        ("(?i)abc", "见ABC公司", "ABC"),
        ("(?s)公安.局", "公安\n局", "公安\n局"),
    ],
)
def test_harmless_patterns_are_not_refused(pattern: str, text: str, found: str) -> None:
    result = grep("--json", "-e", pattern, "--no-convert", input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["match"] == found


@pytest.mark.parametrize("pattern", ["a{4294967295}", "(", "a{2,1}", "(" * 5000 + "a" + ")" * 5000])
def test_impossible_pattern_is_one_line(pattern: str) -> None:
    result = grep("-e", pattern, input="aaa")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert isinstance(result.exception, SystemExit)  # no traceback


_PYTHON_SEMANTICS = [
    r"\d+人", r"\w+", r"\W+", r"\s+", r"\S+", r"[^\d\s]+", r"(?m)^.{2}", r"(?m).$", r".$",
    r"民警.*?。", r"\A\S", r"(?x) \d + 人", r"[\u4e00-\u9fff]{3}", r"(?a)\w+", r"\D{2,3}?",
    r"(派出所|公安局|分局)", r"\bABC\b", r"抓获(?=\d)",
]  # fmt: skip


@pytest.mark.parametrize("pattern", _PYTHON_SEMANTICS)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_engines_match_as_python_re(pattern: str, flags: int) -> None:
    from policetext.search import Matcher

    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += ["abc ABC x_y\u3000z ３４ 12\n", "第一行\n末行\n"]
    matcher = Matcher(pattern, flags, literal=False, timeout=5)
    expected = re.compile(pattern, flags)
    for text in texts:
        wanted = [m.span() for m in expected.finditer(text) if m.end() > m.start()]
        assert matcher.spans(text, "t") == wanted


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


# ---- the file's lines and columns ----------------------------------------------------
RAW_PAGE = (
    "  宁波市公安局鄞州分局\r\n"
    "\r\n"
    "\r\n"
    "（记者 王五）\r\n"
    "鄞州分局民警抓獲嫌疑人8名，今\r\n"
    "年以来共破获电信诈骗案件12起。\r\n"
    "（下转3版）\r\n"
    "\r\n"
    "　　群众(qún)称赞民警走访社区。\r\n"
)


def _file_lines(path: Path) -> list[str]:
    return path.read_text("utf-8").replace("\r\n", "\n").split("\n")


def _hits_point_at_their_lines(path: Path, pattern_args: list[str]) -> int:
    """Run grep --json; every hit's line of the raw file holds the match, as written
    or in traditional script. Returns the number of hits."""
    from click.testing import CliRunner

    from policetext.cli import cli

    result = CliRunner().invoke(cli, ["grep", "--json", "--no-cache", *pattern_args, str(path)])
    assert result.exit_code in (0, 1), result.stderr
    lines = _file_lines(path)
    hits = [json.loads(row) for row in result.stdout.splitlines()]
    converter = Pipeline().normalizer
    for hit in hits:
        raw = lines[hit["line"] - 1]
        here = converter.normalize(raw).text
        if hit["match"] not in here:  # a word broken across two lines, rejoined
            after = converter.normalize(lines[hit["line"]]).text
            assert hit["match"] in here + after and here.endswith(hit["match"][0]), (hit, raw)
        if hit["match"] in raw:  # written as matched: the column is where it stands
            assert raw[hit["column"] - 1 :].startswith(hit["match"]), (hit, raw)
    return len(hits)


@pytest.mark.parametrize(
    "pattern, line, column",
    [
        ("鄞州分局", 1, 9),  # after leading blanks
        ("抓获", 5, 7),  # traditional in the file
        ("年以来", 6, 1),  # a line rejoined with the one before
        ("走访", 9, 14),  # after a pinyin annotation: found in the raw line
    ],
)
def test_grep_prints_the_file_line_and_column(
    tmp_path: Path, pattern: str, line: int, column: int
) -> None:
    from click.testing import CliRunner

    from policetext.cli import cli

    page = tmp_path / "page.txt"
    page.write_bytes(RAW_PAGE.encode("utf-8"))
    result = CliRunner().invoke(cli, ["grep", "--no-cache", pattern, str(page)])
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.split(":")[1:3] == [str(line), str(column)], first


def test_grep_lines_are_the_file_lines_on_crafted_pages(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(RAW_PAGE.encode("utf-8"))
    assert _hits_point_at_their_lines(page, ["-e", "[\u4e00-\u9fff]{2}"]) > 20


def test_grep_lines_are_the_file_lines_on_the_seeds() -> None:
    for path in SEEDS.glob("*.txt"):
        assert _hits_point_at_their_lines(path, ["-e", "民警|公安|\\d+"]) > 0


@needs_gold
def test_grep_lines_are_the_file_lines_on_the_dev_pages() -> None:
    for path in sorted((GOLD / "dev" / "corpus").glob("*.txt")):
        _hits_point_at_their_lines(path, ["-e", "公安|派出所|\\d+"])


def test_grep_cache_keeps_the_line_map(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policetext.cli import cli

    page = tmp_path / "page.txt"
    page.write_bytes(RAW_PAGE.encode("utf-8"))
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [CliRunner(env=env).invoke(cli, ["grep", "走访", str(page)]) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.split(":")[1] == "9"


def test_grep_on_a_table_file_reports_the_record_line(tmp_path: Path) -> None:
    table = tmp_path / "scrape.jsonl"
    records = [
        {"text": "民警走访社区。"},
        {"text": "無關"},
        {"text": "公安局\n抓獲詐騙嫌疑人3名。"},
    ]
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    result = CliRunner().invoke(cli, ["grep", "--json", "--no-cache", "诈骗", str(table)])
    assert result.exit_code == 0, result.stderr
    (hit,) = [json.loads(row) for row in result.stdout.splitlines()]
    assert hit["line"] == 3  # the record's line in the file


def test_grep_in_figures_says_what_each_figure_counts() -> None:
    result = CliRunner().invoke(
        cli, ["grep", "-e", r"\d+人", "--in", "figures", "--json", "--no-cache", str(SEEDS)]
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    figures = CliRunner().invoke(cli, ["figures", str(SEEDS), "--format", "jsonl"]).stdout
    by_span = {(f["doc"], f["start"]): f for f in map(json.loads, figures.splitlines())}
    assert rows
    for row in rows:
        figure = next(
            f for (doc, start), f in by_span.items()
            if doc == row["doc"] and f["start"] <= row["start"] < f["end"]
        )  # fmt: skip
        assert (row["figure"], row["subject"], row["event"]) == (
            figure["text"], figure["subject"], figure["event"],
        )  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "民警"],
        ["-l", "派出所"],
        ["民警"],
        ["--json", "公安"],
        ["-c", "-i", "APP"],
        ["-c", "-e", r"\d+人"],
        ["-w", "公安"],
        ["--in", "figures", "-e", r"\d+"],
        ["--kwic", "没有这个词"],
    ],
)
def test_cached_runs_print_what_uncached_runs_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A cached file is searched in its text first (issue 26): the output stays
    the same, byte for byte, whichever mode filled the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    uncached = grep("--no-cache", *args, str(SEEDS))
    assert grep("-c", "民警", str(SEEDS)).exit_code == 0  # entries without line maps
    for _ in range(2):  # the entries as -c left them, then as this mode leaves them
        cached = grep(*args, str(SEEDS))
        assert (cached.exit_code, cached.stdout, cached.stderr) == (
            uncached.exit_code, uncached.stdout, uncached.stderr
        )  # fmt: skip
