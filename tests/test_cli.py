"""The CLI in-process (CliRunner, stdout and stderr apart) and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import cli as cli_module
from policetext.cli import cli

from .conftest import SEEDS, seed


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return CliRunner()


def test_every_command_has_help_with_examples(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, name
        assert command.help


def test_normalize_prints_each_document(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize", str(seed("003")), str(seed("000"))])
    assert result.exit_code == 0
    assert result.stderr == ""
    parts = result.stdout.split("\n\n")
    assert len(parts) == 2
    assert "滨州公安牢固树立" in parts[0]
    assert parts[1].startswith("滨州市公安局：深耕过程党建")


def test_normalize_reads_stdin_when_piped(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize"], input="濱州市公安局臺子派出所")
    assert result.exit_code == 0
    assert result.stdout == "滨州市公安局台子派出所\n"


def test_no_paths_on_a_terminal_uses_bundled_corpus(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "stdin_is_terminal", lambda: True)
    result = runner.invoke(cli, ["normalize", "--report", "--format", "jsonl"])
    assert result.exit_code == 0
    assert "bundled sample corpus" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    docs = [json.loads(line)["doc"] for line in result.stdout.splitlines()]
    assert docs == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_empty_stdin_is_an_empty_corpus(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize", "--report", "--format", "jsonl"], input="")
    assert result.exit_code == 0
    assert result.stdout == result.stderr == ""


def test_explicit_dash_reads_stdin_even_when_empty(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize", "--report", "--format", "jsonl", "-"], input="")
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == ["<stdin>"]


def test_bad_files_give_one_line_each_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)))
    undecodable = tmp_path / "broken.txt"
    undecodable.write_bytes(b"\x81\x30\xff\xfe\x80 \xa1\x20\xff\xff\x80\x80")
    good = seed("000")
    result = runner.invoke(cli, ["normalize", str(binary), str(good), str(undecodable)])
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"policetext: {binary}: binary")
    assert errors[1].startswith(f"policetext: {undecodable}: cannot be decoded")
    assert "Traceback" not in result.stderr
    assert "滨州市公安局：深耕过程党建" in result.stdout


def test_report_counts_match_the_normalizer(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize", "--report", "--format", "json", str(seed("003"))])
    (row,) = json.loads(result.stdout)
    assert row["pinyin_removed"] == 178
    assert row["script"] == "traditional"
    assert row["garbled_repaired"] >= 3


def test_normalize_output_dir_writes_one_file_per_input(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["normalize", "-o", str(out), str(SEEDS)])
    assert result.exit_code == 0
    written = sorted(p.name for p in out.rglob("*.txt"))
    assert written == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_normalize_jsonl_carries_byline_metadata(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["normalize", "--format", "jsonl", str(seed("004"))])
    row = json.loads(result.stdout)
    assert row["reporters"] == ["王祯"] and row["correspondents"] == ["武建飞"]
    assert row["title"] == "践行“四个第一”理念 谱写创新发展佳篇"


def test_segment_keeps_domain_terms_whole(runner: CliRunner) -> None:
    text = "深圳市公安局福田分局警务协作区联合开展电信网络诈骗宣传，坚持党建引领。"
    result = runner.invoke(cli, ["segment"], input=text)
    assert result.exit_code == 0
    tokens = result.stdout.split()
    for term in ("警务协作区", "电信网络诈骗", "党建引领"):
        assert term in tokens


def test_segment_pos_and_rows(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["segment", "--pos"], input="派出所民警抓获3人。")
    assert "派出所/" in result.stdout
    rows = runner.invoke(cli, ["segment", "--format", "jsonl"], input="派出所民警抓获3人。第二句。")
    parsed = [json.loads(line) for line in rows.stdout.splitlines()]
    assert {r["sentence"] for r in parsed} == {1, 2}
    text = "派出所民警抓获3人。第二句。"
    assert all(text[r["start"] : r["end"]] == r["token"] for r in parsed)


def test_user_dictionary_is_used(runner: CliRunner, tmp_path: Path) -> None:
    user = tmp_path / "mine.txt"
    user.write_text("# my words\n长安云盾行动 3000 nz\n", "utf-8")
    plain = runner.invoke(cli, ["segment"], input="开展长安云盾行动")
    mine = runner.invoke(cli, ["segment", "--dict", str(user)], input="开展长安云盾行动")
    assert "长安云盾行动" not in plain.stdout.split()
    assert "长安云盾行动" in mine.stdout.split()


def test_bad_user_dictionary_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    user = tmp_path / "bad.txt"
    user.write_text("词 not-a-number extra words\n", "utf-8")
    result = runner.invoke(cli, ["segment", "--dict", str(user)], input="测试")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"policetext: {user}: line 1")
    assert "Traceback" not in result.stderr


# ---- real subprocesses: pipes, exit codes ----------------------------------------
def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "policetext", *args], capture_output=True, env=env, **kwargs
    )


def test_subprocess_reads_a_pipe() -> None:
    proc = run(["normalize"], input="見習(xí)記者".encode())
    assert proc.returncode == 0
    assert proc.stdout.decode() == "见习记者\n"


def test_subprocess_closed_pipe_is_quiet(tmp_path: Path) -> None:
    script = f"{sys.executable} -m policetext segment {SEEDS} | head -1"
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {script}"], capture_output=True)
    assert proc.stdout.decode().count("\n") == 1
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr
    assert proc.stderr == b""


def test_subprocess_exit_status_2_for_a_missing_file() -> None:
    proc = run(["normalize", "no/such/file.txt", str(seed("000"))])
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "policetext: no/such/file.txt: no such file or directory"
    assert proc.stdout.decode().startswith("滨州市公安局")


def test_subprocess_tsv_in_a_pipe() -> None:
    proc = run(["normalize", "--report", str(SEEDS)])
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split("\t")[0] == "doc"
    assert len(lines) == 1 + len(list(SEEDS.glob("*.txt")))


def test_subprocess_terminal_stdin_uses_bundled_corpus() -> None:
    import pty

    master, slave = pty.openpty()
    try:
        proc = run(["normalize", "--report", "--format", "jsonl"], stdin=slave, timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0
    assert proc.stderr.decode().startswith("policetext: no paths given; using the bundled")
    assert len(proc.stdout.decode().splitlines()) == len(list(SEEDS.glob("*.txt")))


# ---- issue 23: empty pipes, closed stdin, --meta, normalize -o, --dict ----------------
def test_subprocess_empty_pipe_counts_nothing() -> None:
    proc = run(["grep", "-c", "公安"], input=b"")
    assert proc.returncode == 1
    assert proc.stdout == proc.stderr == b""


def test_subprocess_empty_pipe_exports_nothing(tmp_path: Path) -> None:
    target = tmp_path / "e.sqlite"
    proc = run(["export", "-o", str(target)], input=b"")
    assert proc.returncode == 0
    assert proc.stderr.decode().splitlines() == [f"policetext: exported 0 documents to {target}"]


@pytest.mark.parametrize("stdin", ["devnull", "closed"])
def test_subprocess_null_or_closed_stdin_uses_bundled_corpus(stdin: str) -> None:
    if stdin == "devnull":
        proc = run(["normalize", "--report", "--format", "jsonl"], stdin=subprocess.DEVNULL)
    else:
        proc = run(
            ["normalize", "--report", "--format", "jsonl"],
            stdin=subprocess.DEVNULL,
            preexec_fn=lambda: os.close(0),
        )
    assert proc.returncode == 0
    assert "using the bundled sample corpus" in proc.stderr.decode()
    assert len(proc.stdout.decode().splitlines()) == len(list(SEEDS.glob("*.txt")))


def test_subprocess_dash_with_closed_stdin_is_one_line() -> None:
    proc = run(["stats", "-"], stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == ["policetext: <stdin>: standard input is closed"]


@pytest.mark.parametrize(
    ("command", "field"),
    [("figures", "value"), ("normalize", "text"), ("units", "name"), ("keywords", "term")],
)
def test_meta_with_a_column_name_is_refused(
    runner: CliRunner, tmp_path: Path, command: str, field: str
) -> None:
    table = tmp_path / "t.jsonl"
    table.write_text(json.dumps({"text": "滨州市公安局抓获12人。", field: "x"}) + "\n", "utf-8")
    args = [command, "--meta", field, "--format", "jsonl", str(table)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"policetext: --meta {field}: this command has a column")
    assert len(result.stderr.splitlines()) == 1


def _ids_table(tmp_path: Path, ids: list[object]) -> Path:
    table = tmp_path / "ids.jsonl"
    lines = [
        json.dumps({"id": i, "text": f"第{n}篇"}, ensure_ascii=False) for n, i in enumerate(ids)
    ]
    table.write_text("\n".join(lines) + "\n", "utf-8")
    return table


ODD_IDS = [".", "..", "a", "a", "a/b", "x" * 300, "n\x00ul", "/etc/passwd", 1, "1", None, ""]


def test_normalize_output_dir_gives_every_document_its_own_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["normalize", "--id-field", "id", "-o", str(out),
                                 str(_ids_table(tmp_path, ODD_IDS))])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    texts = sorted(p.read_text("utf-8") for p in files)
    assert texts == sorted(f"第{n}篇\n" for n in range(len(ODD_IDS)))  # none lost, none merged
    assert all(out in p.parents for p in files)  # nothing outside DIR (/etc/passwd, ..)
    assert all(len(p.name.encode()) <= 255 and "\x00" not in str(p) for p in files)
    written = [line for line in result.stderr.splitlines() if ": wrote " in line]
    assert len(written) == len(ODD_IDS)


def test_records_without_ids_get_one_file_each(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    table = _ids_table(tmp_path, [None, None, None])
    result = runner.invoke(cli, ["normalize", "-o", str(out), str(table)])
    assert result.exit_code == 0
    assert len([p for p in out.rglob("*") if p.is_file()]) == 3


def test_normalize_output_dir_stop_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    table = _ids_table(tmp_path, ["a", "b", "a"])
    args = ["normalize", "--id-field", "id", "-o", str(out), "--on-collision", "stop", str(table)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"policetext: {out}: 'a' would be written to a, as 'a' is")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("ids", [["a", "a/b"], ["a/b", "a"]])
def test_a_file_where_a_folder_is_needed(runner: CliRunner, tmp_path: Path, ids: list[str]) -> None:
    out = tmp_path / "out"
    table = _ids_table(tmp_path, ids)
    result = runner.invoke(cli, ["normalize", "--id-field", "id", "-o", str(out), str(table)])
    assert result.exit_code == 0, result.stderr
    texts = sorted(p.read_text("utf-8") for p in out.rglob("*") if p.is_file())
    assert texts == ["第0篇\n", "第1篇\n"]


def test_bad_dict_line_is_shown_cut(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "user.txt"
    bad.write_text("好词 5 n\n" + "坏" * 1_000_000 + " x y z\n", "utf-8")
    result = runner.invoke(cli, ["segment", "--dict", str(bad)], input="滨州市公安局")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"policetext: {bad}: line 2: expected 'word [freq] [pos]': ")
    assert len(line) < 200


# ---- policetext cache (issue 26) -----------------------------------------------------
def _cache_rows(output: str) -> dict[str, dict[str, object]]:
    return {row["part"]: row for row in map(json.loads, output.splitlines())}


def test_cache_reports_prunes_and_clears(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("濱州市公安局民警走訪群眾。\n", "utf-8")
    gone = tmp_path / "gone.txt"
    gone.write_text("杭州市公安局民警。\n", "utf-8")
    assert runner.invoke(cli, ["grep", "-c", "民警", str(page), str(gone)]).exit_code == 0
    result = runner.invoke(cli, ["cache", "--format", "jsonl"])
    assert result.exit_code == 0 and result.stderr == ""
    normalized = _cache_rows(result.stdout)["normalized"]
    assert (normalized["entries"], normalized["stale"]) == (2, 0)
    assert normalized["path"] == str(tmp_path / "cache" / "policetext" / "normalized")
    assert normalized["bytes"] > 0 and normalized["max_size"] == "1.0 GiB"
    gone.unlink()
    result = runner.invoke(cli, ["cache", "--prune", "--format", "jsonl"])
    assert result.exit_code == 0
    assert result.stderr.startswith("policetext: removed 1 entries")
    assert _cache_rows(result.stdout)["normalized"]["entries"] == 1
    result = runner.invoke(cli, ["cache", "--clear", "--format", "jsonl"])
    assert result.exit_code == 0 and "removed 1 entries" in result.stderr
    assert _cache_rows(result.stdout)["normalized"]["entries"] == 0


def test_cache_max_size_is_kept(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["cache", "--max-size", "2G", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    assert _cache_rows(result.stdout)["normalized"]["max_size"] == "2.0 GiB"
    result = runner.invoke(cli, ["cache", "--format", "jsonl"])
    assert _cache_rows(result.stdout)["normalized"]["max_size"] == "2.0 GiB"
    result = runner.invoke(cli, ["cache", "--clear", "--format", "jsonl"])
    assert _cache_rows(result.stdout)["normalized"]["max_size"] == "2.0 GiB"  # kept
    bad = runner.invoke(cli, ["cache", "--max-size", "lots"])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.startswith("policetext: 'lots': not a size")


@pytest.mark.parametrize("where", ["file", "foreign", "damaged"])
def test_cache_problems_are_one_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "file":  # XDG_CACHE_HOME pointing at a file
        blocker = tmp_path / "blocker"
        blocker.write_text("", "utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
        args, reason = ["cache"], "XDG_CACHE_HOME points at a file"
    else:
        folder = tmp_path / "cache" / "policetext" / "normalized"
        folder.mkdir(parents=True, mode=0o700)
        if where == "foreign":
            (folder / "mine.txt").write_text("keep me", "utf-8")
            args, reason = (
                ["cache", "--clear"],
                "not a file policetext made, so nothing was removed",
            )
        else:
            (folder / "texts.sqlite3").write_bytes(b"not a database" * 100)
            os.chmod(folder / "texts.sqlite3", 0o600)
            args, reason = ["cache"], "cannot be opened"
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and reason in result.stderr
    assert result.stderr.startswith("policetext: ") and "Traceback" not in result.stderr
    if where == "damaged":  # --clear removes it
        cleared = runner.invoke(cli, ["cache", "--clear", "--format", "jsonl"])
        assert cleared.exit_code == 0, cleared.stderr
        assert _cache_rows(cleared.stdout)["normalized"]["bytes"] == 0


def test_grep_still_works_when_the_cache_cannot_be_used(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    page = tmp_path / "page.txt"
    page.write_text("濱州市公安局民警走訪群眾。\n", "utf-8")
    result = runner.invoke(cli, ["grep", "-c", "民警", str(page)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{page}:1\n", "")
