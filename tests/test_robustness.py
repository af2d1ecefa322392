"""Bad input of every kind: one stderr line each, the rest goes on, nothing lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext.cli import cli

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
    )
    time.sleep(1.5)
    proc.send_signal(getattr(signal, sig))
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert b"Traceback" not in err
    assert err == b""
