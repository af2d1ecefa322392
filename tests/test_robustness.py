"""Bad input of every kind: one stderr line each, the rest goes on, nothing lost."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Config, Pipeline
from policetext.cli import cli
from policetext.normalize import Normalizer
from policetext.search import Searcher

from .conftest import seed

GOOD = "南京市公安局玄武分局破获盗窃案件8起。"


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return CliRunner()


def build_bad_tree(root: Path) -> dict[str, Path]:
    """A folder like a real scrape: good, empty, binary, GBK, loops, a FIFO, dangling links."""
    (root / "sub").mkdir(parents=True)
    files = {
        "good": root / "a_good.txt",
        "empty": root / "b_empty.txt",
        "binary": root / "c_binary.txt",
        "gbk": root / "sub" / "d_gbk.txt",
        "truncated": root / "sub" / "e_truncated.txt",
    }
    files["good"].write_text(GOOD, "utf-8")
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    files["gbk"].write_bytes(GOOD.encode("gbk"))
    files["truncated"].write_bytes(GOOD.encode("utf-8")[:-1])
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "f_dangling.txt").symlink_to(root / "missing.txt")
    os.mkfifo(root / "g_fifo.txt")
    return files


def test_a_scraped_folder_is_read_to_the_end(runner: CliRunner, tmp_path: Path) -> None:
    build_bad_tree(tmp_path)
    result = runner.invoke(cli, ["normalize", "--format", "jsonl", str(tmp_path)])
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"policetext: {tmp_path / 'c_binary.txt'}: binary file (not text), skipped",
        f"policetext: {tmp_path / 'f_dangling.txt'}: a broken symbolic link, skipped",
        f"policetext: {tmp_path / 'g_fifo.txt'}: a named pipe (FIFO), skipped",
    ]
    docs = [line for line in result.stdout.splitlines()]
    # good, empty, GBK and truncated documents all come out, each once (no loop)
    assert len(docs) == 4
    assert sum(GOOD in line for line in docs) == 2
    assert "Traceback" not in result.output


def test_walk_order_is_the_same_every_run(runner: CliRunner, tmp_path: Path) -> None:
    build_bad_tree(tmp_path)
    first = runner.invoke(cli, ["normalize", "--report", str(tmp_path)])
    second = runner.invoke(cli, ["normalize", "--report", str(tmp_path)])
    assert first.stdout == second.stdout


def test_strict_stops_at_the_first_bad_file(runner: CliRunner, tmp_path: Path) -> None:
    build_bad_tree(tmp_path)
    result = runner.invoke(cli, ["normalize", "--strict", "--format", "jsonl", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stdout.splitlines()) == 2  # a_good and b_empty came before


def test_output_dir_files_are_written_whole(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["normalize", "-o", str(out), str(seed("000"))])
    assert result.exit_code == 0
    assert [p.name for p in out.rglob("*") if p.is_file()] == [seed("000").name]
    assert not list(out.rglob(".*"))  # no temporary file left behind


@pytest.mark.parametrize(("sig", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_signals_end_the_run_quietly(sig: str, status: int) -> None:
    import signal
    import subprocess
    import sys
    import time

    # standard input is a pipe that stays open: the command waits, then is signalled
    proc = subprocess.Popen(
        [sys.executable, "-m", "policetext", "normalize"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a shell's background job inherits SIGINT ignored; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(1.5)
    proc.send_signal(getattr(signal, sig))
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert b"Traceback" not in err
    assert err == b""


# ---- fuzzing: generated Chinese-like text through every stage -------------------

_PIECES = st.sampled_from(
    [
        "滨州市公安局", "派出所", "濱州", "臺子", "抓获", "嫌疑人", "12", "３", "1.6万", "人次",
        "两", "十二", "百分之", "%", "，", "。", "、", ",", "?", "!", "(", ")", "“", "”", "\n",
        "見習(xí)", "(试行)", "??箵粜鹿谝咔橹校瑸I", "?!盀I", "为为192192", ",,", "〓", "\ufffd",
        "二〇二一年", "今年3月", "第一名", "同比下降", "拨打110", "一等功", "各派出所", "市局",
    ]
)  # fmt: skip
_FUZZ_TEXT = st.one_of(
    st.lists(_PIECES, max_size=40).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("gb18030", errors="replace")),
)
_FUZZ_PIPELINE = Pipeline(Config(cache_dir=Path(tempfile.mkdtemp(prefix="policetext-test-"))))
_SEARCHER = Searcher(["公安"], _FUZZ_PIPELINE.normalizer)


@settings(max_examples=200, deadline=None)
@given(_FUZZ_TEXT)
def test_every_stage_survives_generated_text(text: str) -> None:
    doc = _FUZZ_PIPELINE.parse_text(text, segment=True)
    again = _FUZZ_PIPELINE.parse_text(text, segment=True)
    assert doc.text == again.text and doc.tokens == again.tokens  # deterministic
    assert Normalizer().normalize(doc.text).text == doc.text  # idempotent
    for token in doc.tokens:
        assert doc.text[token.start : token.end] == token.text
    for figure in _FUZZ_PIPELINE.figures.figures(doc):
        assert doc.text[figure.start : figure.end] == figure.text
    for unit in _FUZZ_PIPELINE.units.units(doc):
        assert doc.text[unit.start : unit.end] == unit.text
    for hit in _SEARCHER.hits(doc, whole_words=True):
        assert doc.text[hit.start : hit.end] == hit.match


# ---- a 200 MB document on one line ------------------------------------------------
HUGE_SENTENCE = "西宁市公安局城中分局民警当天抓获盗窃嫌疑人12人，"  # one figure
HUGE_FILLER = "民警深入社区开展反诈宣传，" * 12  # none
CEILING_MB = 400


@pytest.mark.slow
def test_200mb_single_line_is_processed_in_bounded_memory(tmp_path: Path) -> None:
    import subprocess
    import sys

    huge = tmp_path / "dump.txt"
    unit = (HUGE_SENTENCE + HUGE_FILLER).encode("utf-8")
    repeats = 200_000_000 // len(unit) + 1
    with open(huge, "wb") as handle:
        block = unit * 10_000
        for _ in range(repeats // 10_000):
            handle.write(block)
        handle.write(unit * (repeats % 10_000))
    assert huge.stat().st_size >= 200_000_000
    probe = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'w') as out:\n"
        "    code = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    output = tmp_path / "figures.tsv"
    command = [sys.executable, "-m", "policetext", "figures", "--jobs", "1", str(huge)]
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(output), *command], capture_output=True, text=True
    )
    code, peak_kib = map(int, proc.stdout.split())
    assert code == 0, proc.stderr
    assert proc.stderr == ""
    rows = output.read_text("utf-8").splitlines()
    assert len(rows) - 1 == repeats  # every figure of every part, nothing lost
    starts = [int(row.split("\t")[1]) for row in rows[1:4]]
    assert starts[1] - starts[0] == len(HUGE_SENTENCE + HUGE_FILLER)  # whole-text offsets
    assert peak_kib / 1024 < CEILING_MB, f"peak RSS {peak_kib / 1024:.0f} MB"


def test_file_that_vanishes_before_it_is_read(pipeline: Pipeline, tmp_path: Path) -> None:
    from policetext import InputError
    from policetext.io import iter_sources

    keep, gone = tmp_path / "a.txt", tmp_path / "b.txt"
    keep.write_text(GOOD, "utf-8")
    gone.write_text(GOOD, "utf-8")
    sources = list(iter_sources([tmp_path]))  # the walk sees both files
    gone.unlink()  # then one disappears before it is read
    errors: list[InputError] = []
    docs = list(pipeline.documents(sources, on_error=errors.append))
    assert [Path(d.doc).name for d in docs] == ["a.txt"]
    assert str(errors[0]) == f"{gone}: no such file (it may have been removed)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, "utf-8")
    locked.chmod(0)
    result = runner.invoke(cli, ["normalize", str(locked), str(seed("000"))])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"policetext: {locked}: permission denied"
