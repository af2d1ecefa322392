"""--engine dask: the same output as a local run, byte for byte, on a Dask cluster
of two worker processes; a worker that dies mid-run loses nothing."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Config, Pipeline
from policetext.cli import cli
from policetext.stats import document_stats

from .conftest import SEEDS, seed

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pytest.importorskip("dask.bag", reason="the dask extra is not installed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred short articles drawn from the seeds' paragraphs (fixed seed),
    with one unusable file among them."""
    paragraphs = [
        line.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text("utf-8").splitlines()
        if len(line.strip()) > 20
    ]
    rng = random.Random(11)
    folder = tmp_path_factory.mktemp("generated")
    for i in range(300):
        chosen = rng.sample(paragraphs, 3)
        (folder / f"doc{i:04d}.txt").write_text("\n".join(chosen) + "\n", "utf-8")
    (folder / "doc0150b.txt").write_bytes(b"\x00\x01binary\x02" * 50)
    return folder


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


COMMANDS = {
    "stats": ["stats", "--format", "json"],
    "keywords": ["keywords", "--format", "tsv"],
    "figures": ["figures", "--format", "tsv"],
    "units": ["units", "--format", "tsv"],
}


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_dask_output_equals_local_output(
    scheduler: str, generated: Path, corpus: str, command: str
) -> None:
    paths = [str(SEEDS if corpus == "seeds" else generated)]
    local = invoke([*COMMANDS[command], "--jobs", "1", *paths])
    dask = invoke([*COMMANDS[command], "--engine", "dask", "--scheduler", scheduler, *paths])
    assert local[1], local[2]
    assert dask == local  # exit status, every byte of stdout, and the error lines
    if corpus == "generated":
        assert local[0] == 2 and "doc0150b.txt: binary file" in local[2]


def test_dask_compare_equals_local(scheduler: str, generated: Path) -> None:
    args = ["compare", str(generated), str(seed("004")), "--format", "tsv"]
    local = invoke(args)
    dask = invoke([*args, "--engine", "dask", "--scheduler", scheduler])
    assert local[1] and dask == local


def _dump(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(database) as db:
        tables = ("documents", "figures", "units", "keywords")
        return {t: db.execute(f"select * from {t} order by rowid").fetchall() for t in tables}


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
def test_dask_export_equals_local(
    scheduler: str, generated: Path, corpus: str, tmp_path: Path
) -> None:
    path = str(SEEDS if corpus == "seeds" else generated)
    local_db, dask_db = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    local = invoke(["export", path, "-o", str(local_db)])
    dask = invoke(
        ["export", path, "-o", str(dask_db), "--engine", "dask", "--scheduler", scheduler]
    )
    assert local[0] == dask[0]
    assert _dump(local_db) == _dump(dask_db)
    assert _dump(local_db)["documents"]


def test_json_lines_input_on_dask(scheduler: str, tmp_path: Path) -> None:
    corpus = tmp_path / "seeds.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for path in sorted(SEEDS.glob("*.txt")):
            record = {"id": path.stem[:3], "text": path.read_text("utf-8"), "region": "滨州"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.write("{not json\n")
    args = ["figures", str(corpus), "--id-field", "id", "--meta", "region", "--format", "tsv"]
    local = invoke(args)
    dask = invoke([*args, "--engine", "dask", "--scheduler", scheduler])
    assert dask == local and local[0] == 2 and "line 6" in local[2]


# ---- a worker that dies mid-run ---------------------------------------------------------
def kill_switch(corpus: Path) -> Path:
    """The file whose renaming kills a worker: beside this run's corpus, so two
    test runs on one machine never share it (the workers find it from the
    document's path)."""
    return corpus.parent / "kill-switch"


def stats_or_die(pipeline: Pipeline, document: object) -> object:
    """document_stats, but the first worker to reach doc0150 dies on the spot."""
    doc = str(getattr(document, "doc", ""))
    if doc.endswith("doc0150.txt"):
        switch = kill_switch(Path(doc).parent)
        try:
            os.rename(switch, switch.with_suffix(".used"))  # atomic: one claims it
        except FileNotFoundError:
            pass
        else:
            os._exit(1)
    return document_stats(pipeline, document)


def test_a_worker_killed_mid_run_loses_nothing(scheduler: str, generated: Path) -> None:
    pipeline = Pipeline(Config())
    local = [s.as_row() for s in pipeline.run([generated], document_stats, segment=True,
                                               on_error=lambda e: None)]  # fmt: skip
    switch = kill_switch(generated)
    switch.write_text("armed")
    switch.with_suffix(".used").unlink(missing_ok=True)
    errors: list[str] = []
    try:
        on_dask = [
            s.as_row()
            for s in pipeline.run(
                [generated],
                stats_or_die,
                segment=True,
                on_error=lambda e: errors.append(str(e)),
                executor="dask",
                scheduler=scheduler,
            )
        ]
        assert switch.with_suffix(".used").exists(), "no worker was killed"
    finally:
        switch.unlink(missing_ok=True)
        switch.with_suffix(".used").unlink(missing_ok=True)
    assert on_dask == local
    assert len(on_dask) == 300 and errors == [
        f"{generated / 'doc0150b.txt'}: binary file (not text), skipped"
    ]


def test_analyse_bag_gives_the_local_documents() -> None:
    import dask.bag as db

    from policetext.cluster import analyse_bag

    texts = [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    records = [{"id": f"n{i}", "text": t, "date": "2021"} for i, t in enumerate(texts)]
    pipeline = Pipeline()
    with distributed.Client(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ):
        from_texts = analyse_bag(db.from_sequence(texts, npartitions=2)).compute()
        from_records = analyse_bag(
            db.from_sequence(records, npartitions=3), id_field="id", meta_fields=["date"]
        ).compute()
    for text, document in zip(texts, from_texts, strict=True):
        local = pipeline.parse(text)
        assert [f.as_row() for f in document.figures] == [f.as_row() for f in local.figures]
        assert [u.as_row() for u in document.units] == [u.as_row() for u in local.units]
        assert document.keywords(5) == local.keywords(5)
    assert [d.doc for d in from_records] == [r["id"] for r in records]
    assert all(dict(d.meta) == {"date": "2021"} for d in from_records)


# ---- nobody in (issue 23) --------------------------------------------------------
def test_local_cluster_takes_work_only_from_this_process(scheduler: str) -> None:
    assert _outsider_connects(scheduler, "none")  # the check can fail: an open cluster

    from policetext.cluster import dask_client

    with dask_client(None, 1) as client:
        address = client.scheduler.address
        assert address.startswith("tls://127.0.0.1:")  # loopback only, TLS
        ports = [int(address.rsplit(":", 1)[1])]
        ports += list(client.scheduler_info().get("services", {}).values())
        for port in ports:  # neither the scheduler nor its HTTP server on another address
            _refused_from_outside(port)
        assert client.submit(pow, 2, 5).result(timeout=60) == 32
        # another local user's process: no credentials, plain TCP, or its own certificate
        for how in ("none", "tcp", "own"):
            assert not _outsider_connects(address, how)


_OUTSIDER = """
import sys
import distributed
from distributed.security import Security

address, how = sys.argv[1], sys.argv[2]
kwargs = {"security": Security.temporary()} if how == "own" else {}
if how == "tcp":
    address = address.replace("tls://", "tcp://")
try:
    client = distributed.Client(address, timeout="3s", **kwargs)
    print(client.submit(pow, 2, 5).result(timeout=10))
    print("CONNECTED")
except BaseException as exc:
    print("refused:", type(exc).__name__)
"""


def _outsider_connects(address: str, how: str) -> bool:
    """Whether a separate process without this one's credentials gets work done."""
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-c", _OUTSIDER, address, how],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return False  # it never got in
    return "CONNECTED" in done.stdout


@pytest.mark.parametrize("address", ["foo", "http://localhost:8786", "tcp://127.0.0.1:1"])
def test_a_bad_scheduler_is_one_line_soon(address: str) -> None:
    import time

    began = time.monotonic()
    status, _, err = invoke(
        ["stats", "--engine", "dask", "--scheduler", address, "--connect-timeout", "1",
         str(seed("000"))]
    )  # fmt: skip
    assert time.monotonic() - began < 15  # the old fixed timeout was 20 s
    assert status == 2
    assert err.startswith(f"policetext: cannot reach the Dask scheduler {address}: ")
    assert len(err.splitlines()) == 1


def test_a_dying_worker_is_one_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from policetext.cluster import LOG_CHARS, one_line_dask_logs

    keys = "\n".join(f"('run_partition-{i:032x}', {i})" for i in range(500))
    with one_line_dask_logs():
        logging.getLogger("distributed.scheduler").error("Worker tls://127.0.0.1:1 died: %s", keys)
        logging.getLogger("distributed.worker").info("chatter nobody needs")
    err = capsys.readouterr().err
    (line,) = err.splitlines()
    assert line.startswith("policetext: dask: Worker tls://127.0.0.1:1 died")
    assert len(line) <= len("policetext: dask: ") + LOG_CHARS


def _refused_from_outside(port: int) -> None:
    import socket

    try:
        outside = socket.gethostbyname(socket.gethostname())
    except OSError:
        return
    if outside.startswith("127."):
        return
    with pytest.raises(OSError):
        socket.create_connection((outside, port), timeout=2).close()
