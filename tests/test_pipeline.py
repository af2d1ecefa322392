"""The Pipeline API: parse text and paths, run tasks serially or across workers."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from policetext import Config, Document, InputError, Pipeline
from policetext.cli import cli

from .conftest import SEEDS


def token_count(pipeline: Pipeline, document: Document) -> tuple[str, int]:
    return document.doc, len(document.tokens)


def test_parse_text_offsets_index_the_normalised_text(pipeline: Pipeline) -> None:
    doc = pipeline.parse_text("廣州市公安局抓獲１２人。", segment=True)
    assert doc.text == "广州市公安局抓获12人。"
    assert all(doc.text[t.start : t.end] == t.text for t in doc.tokens)
    assert [s.text for s in doc.sentences] == ["广州市公安局抓获12人。"]


def test_run_gives_the_same_results_in_order_with_workers(pipeline: Pipeline) -> None:
    serial = list(pipeline.run([SEEDS], token_count, jobs=1, segment=True))
    parallel = list(pipeline.run([SEEDS], token_count, jobs=2, segment=True))
    assert serial == parallel
    assert [name for name, _ in serial] == sorted(str(p) for p in SEEDS.glob("*.txt"))


def worker_signals(pipeline: Pipeline, document: Document) -> tuple[Any, Any]:
    return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


def test_workers_die_of_sigterm_and_leave_ctrl_c_to_the_parent(pipeline: Pipeline) -> None:
    """The pool ends its workers with SIGTERM: a Python handler inherited from the
    CLI could lose it, and the run would hang at its end."""
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # as the CLI does
    try:
        found = set(pipeline.run([SEEDS], worker_signals, jobs=2))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert found == {(signal.SIG_DFL, signal.SIG_IGN)}


def test_run_reports_bad_inputs_from_workers(pipeline: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("昆明市公安局", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x00binary")
    (tmp_path / "c.txt").write_text("拉萨市公安局", "utf-8")
    errors: list[InputError] = []
    docs = list(pipeline.documents([tmp_path], jobs=2, on_error=errors.append))
    assert [d.text for d in docs] == ["昆明市公安局", "拉萨市公安局"]
    assert len(errors) == 1 and "b.txt" in str(errors[0])


@pytest.mark.parametrize("command", [["normalize"], ["segment"], ["normalize", "--report"]])
def test_jobs_2_output_equals_jobs_1_byte_for_byte(command: list[str]) -> None:
    runner = CliRunner()
    one = runner.invoke(cli, [*command, "--jobs", "1", str(SEEDS)])
    two = runner.invoke(cli, [*command, "--jobs", "2", str(SEEDS)])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout_bytes == two.stdout_bytes
    assert one.stdout_bytes


def test_notebook_api_parse_and_read() -> None:
    import policetext

    doc = policetext.Pipeline().parse("廣州市公安局天河區分局抓獲嫌疑人12人，挽回損失50萬元。")
    assert [f.as_row()["value"] for f in doc.figures] == [12, 500000]
    assert [u.name for u in doc.units] == ["广州市公安局天河区分局"]
    assert doc.keywords(3) and all(len(k.term) >= 2 for k in doc.keywords(3))
    documents = list(policetext.read([str(SEEDS)]))
    assert len(documents) == len(list(SEEDS.glob("*.txt")))
    pandas = pytest.importorskip("pandas", reason="pandas is not installed (optional)")
    frame = pandas.DataFrame(f.as_row() for d in documents for f in d.figures)
    assert set(frame["kind"]) >= {"count", "percent", "date"}


# ---- documents by their date ----------------------------------------------------------
DATED_PAGES = {
    "a.txt": "发布时间：2021-03-15 09:00\n西宁市公安局城中分局抓获嫌疑人12人。",
    "b.txt": "发布时间：2022-01-05\n拉萨市公安局城关分局破获案件3起。",
    "c.txt": "昆明市公安局五华分局民警走访群众20户。",  # no date on the page
}


@pytest.mark.parametrize(
    "since, until, kept",
    [
        (None, None, ["a.txt", "b.txt", "c.txt"]),
        ("2021-01-01", "2021-12-31", ["a.txt"]),
        ("2021", None, ["a.txt", "b.txt"]),
        (None, "2021-03", ["a.txt"]),
        ("2021-03-16", "2021-12", []),
    ],
)
def test_since_and_until_keep_the_documents_dated_within(
    tmp_path: Path, since: str | None, until: str | None, kept: list[str]
) -> None:
    for name, text in DATED_PAGES.items():
        (tmp_path / name).write_text(text, "utf-8")
    args = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    result = CliRunner().invoke(cli, ["figures", str(tmp_path), "--format", "tsv", *args])
    assert result.exit_code == 0, result.stderr
    docs = sorted({Path(line.split("\t")[0]).name for line in result.stdout.splitlines()[1:]})
    assert docs == kept


def test_since_takes_iso_dates_only() -> None:
    result = CliRunner().invoke(cli, ["stats", str(SEEDS), "--since", "21年"])
    assert result.exit_code == 2
    assert "no ISO date" in result.stderr


def test_dated_documents_from_a_table_file_and_stats_rows(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DATED_PAGES["a.txt"], "utf-8")
    result = CliRunner().invoke(cli, ["stats", str(tmp_path), "--format", "jsonl"])
    row = json.loads(result.stdout)
    assert row["date"] == "2021-03-15"
    assert row["place"] == "青海省西宁市"


def test_a_killed_pool_worker_ends_the_run_with_one_line(tmp_path: Path) -> None:
    """kill -KILL of one --jobs 2 worker (as the OOM killer would): one line, exit 2,
    never a hang (multiprocessing.Pool waited for ever for the lost task)."""
    import signal
    import subprocess
    import sys
    import time

    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(300):
        (tmp_path / f"doc{i:03d}.txt").write_text(texts[i % len(texts)] * 3, "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "policetext", "stats", "--jobs", "2", "--format", "tsv",
         str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip

    def children() -> list[int]:
        found = []
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat_file.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == proc.pid:
                found.append(int(stat_file.parent.name))
        return found

    deadline = time.monotonic() + 60
    while len(children()) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = children()
    if proc.poll() is not None or len(workers) < 2:
        proc.kill()
        pytest.skip("the run ended before its workers could be killed")
    time.sleep(0.3)
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run hung after a worker was killed")
    if proc.returncode == 0:
        pytest.skip("the killed worker had no task left")
    assert proc.returncode == 2
    lines = err.decode().splitlines()
    assert lines == [
        "policetext: a worker process died (killed, or out of memory?); the run is "
        "incomplete: run it again, with fewer --jobs if memory is short"
    ]


def test_a_table_date_field_dates_its_records(tmp_path: Path) -> None:
    """--date-field (default date) of JSON Lines overrides the date the text gives;
    --since/--until then work on table files as on pages."""
    lines = [
        {
            "id": "a",
            "date": "2021年3月15日",
            "text": "发布时间：2019-01-01\n西宁市公安局抓获嫌疑人12人。",
        },
        {"id": "b", "date": "2022-01-05 10:00", "text": "拉萨市公安局破获案件3起。"},
        {"id": "c", "text": "发布时间：2021-06-01\n昆明市公安局民警走访群众20户。"},
    ]
    table = tmp_path / "pages.jsonl"
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    result = CliRunner().invoke(cli, ["stats", str(table), "--id-field", "id", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    dates = {row["doc"]: row["date"] for row in map(json.loads, result.stdout.splitlines())}
    assert dates == {"a": "2021-03-15", "b": "2022-01-05", "c": "2021-06-01"}
    result = CliRunner().invoke(
        cli, ["figures", str(table), "--id-field", "id", "--since", "2021", "--until", "2021",
              "--format", "tsv"],
    )  # fmt: skip
    assert sorted({line.split("\t")[0] for line in result.stdout.splitlines()[1:]}) == ["a", "c"]


def test_inputs_the_cache_holds_run_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts read back from the cache are less work than sending them to workers."""
    import policetext.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(pipeline_module.os, "cpu_count", lambda: 2)
    paths = []
    for name in "abc":
        path = tmp_path / f"{name}.txt"
        path.write_text(f"{name}市公安局民警走訪群眾。", "utf-8")
        paths.append(str(path))
    pipeline = Pipeline(Config(cache_dir=tmp_path / "cache", use_cache=True))

    def workers(jobs: int | None, segment: bool) -> int:
        return pipeline._workers(pipeline.expand(paths), jobs, False, segment)[1]

    assert workers(None, False) == 2
    assert len(list(pipeline.documents(paths))) == 3  # fills the cache
    assert workers(None, False) == 1
    assert workers(None, True) == 2  # segmenting is worth the workers
    assert workers(2, False) == 2  # --jobs as given


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([100] * 40, [16, 16, 8]),  # small files: sixteen to a worker's task
        ([300_000, 100, 100], [1, 2]),  # a big file alone
        ([100_000, 100_000, 100_000, 100], [3, 1]),  # cut where the bytes reach the bound
        ([], []),
    ],
)
def test_small_inputs_go_to_workers_in_batches(
    tmp_path: Path, sizes: list[int], expected: list[int]
) -> None:
    """A round trip to a worker per small file costs the parent as much as the
    file's analysis: batches, in input order, errors of the walk in their place."""
    from policetext.pipeline import _batches

    items: list[Any] = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"{number:03d}.txt"
        path.write_bytes(b"x" * size)
        items.append(Pipeline().expand([str(path)]).__next__())
    batches = list(_batches(items))
    assert [len(batch) for batch in batches] == expected
    assert [item for batch in batches for item in batch] == items
    error = InputError("no such file or directory", "gone.txt")
    assert list(_batches([error])) == [[error]]
