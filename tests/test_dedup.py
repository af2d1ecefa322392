"""Near-duplicates: each republication found, distinct stories kept apart, the
representative chosen by date then input order, the same clusters whatever
--jobs and --engine, and --dedup counting each story once."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from policetext import Pipeline, Source
from policetext.cli import cli
from policetext.dedup import (
    DEFAULT_THRESHOLD,
    Signature,
    cluster,
    densify,
    find_duplicates,
    merge_bins,
    representative,
    shingle_hashes,
    signature_of,
    signature_task,
    similarity,
)

from . import dedup_corpus as corpus
from .conftest import GOLD, ROOT, SEEDS, load_cases, needs_gold

DEV = GOLD / "dev" / "corpus"
CASES = load_cases("dedup_pairs.jsonl")


def invoke(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def write_corpus(folder: Path, stories: list[corpus.Story]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for story in stories:
        (folder / f"{story.name}.txt").write_text(story.text, "utf-8")
    return folder


def signature(pipeline: Pipeline, text: str, doc: str, date: str | None = None) -> Signature:
    document = pipeline.parse_text(text, doc)
    return signature_task(None, SimpleNamespace(doc=doc, text=document.text, date=date, meta={}))


def same_cluster(pipeline: Pipeline, a: str, b: str) -> tuple[bool, float]:
    """Whether two texts are one story, as the command decides it (the exact check
    of a pair near the threshold included)."""
    found = find_duplicates(pipeline, [Source("a", text=a), Source("b", text=b)])
    first, second = found.assignments
    return first.cluster == second.cluster, second.similarity


# ---- each transformation -----------------------------------------------------
@pytest.fixture(scope="module")
def originals() -> list[str]:
    """The five seeds and generated releases of every subject."""
    rng = random.Random(5)
    generated = [corpus.generated_story(rng, subject) for subject in corpus.SUBJECTS * 2]
    return corpus.seed_stories() + generated


@pytest.mark.parametrize("change", list(corpus.TRANSFORMATIONS))
def test_each_transformation_is_found(
    pipeline: Pipeline, originals: list[str], change: str
) -> None:
    rng = random.Random(change)
    for text in originals:
        copy = corpus.TRANSFORMATIONS[change](text, rng)
        assert copy != text  # the transformation did something
        found, score = same_cluster(pipeline, text, copy)
        assert found, (change, text[:30], score)


@pytest.mark.parametrize("changes", corpus.COMBINATIONS, ids="+".join)
def test_two_changes_at_once_are_found(
    pipeline: Pipeline, originals: list[str], changes: tuple[str, ...]
) -> None:
    rng = random.Random(",".join(changes))
    for text in originals:
        assert same_cluster(pipeline, text, corpus.republish(text, changes, rng))[0]


def test_distinct_stories_of_one_subject_are_apart(pipeline: Pipeline) -> None:
    rng = random.Random(8)
    for subject in corpus.SUBJECTS:
        stories = [corpus.generated_story(rng, subject) for _ in range(6)]
        found = cluster([signature(pipeline, t, str(i)) for i, t in enumerate(stories)])
        assert len({a.cluster for a in found}) == 6, subject


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c["xfail"]))
        if "xfail" in c
        else c
        for c in CASES
    ],
    ids=[c["label"] for c in CASES],
)
def test_crafted_pairs(pipeline: Pipeline, case: dict) -> None:
    assert same_cluster(pipeline, case["a"], case["b"])[0] is case["same"]


# ---- the corpus: pair precision and recall ------------------------------------
def clusters_of(folder: Path, *args: str) -> dict[str, int]:
    code, out, err = invoke(["dedup", "--format", "jsonl", "-q", *args, str(folder)])
    assert code == 0, err
    return {Path(row["doc"]).stem: row["cluster"] for row in map(json.loads, out.splitlines())}


@pytest.fixture(scope="module")
def stories() -> list[corpus.Story]:
    return list(corpus.build(120, copies=(0, 4)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, stories: list[corpus.Story]) -> Path:
    return write_corpus(tmp_path_factory.mktemp("republished"), stories)


def test_pair_precision_and_recall(folder: Path, stories: list[corpus.Story]) -> None:
    truth = corpus.true_pairs(stories)
    assert len(truth) > 300  # many copies, and many stories without any
    assert sum(1 for s in stories if s.name.endswith("original")) == 125
    precision, recall = corpus.precision_recall(truth, corpus.found_pairs(clusters_of(folder)))
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)


def test_threshold_changes_the_clusters(folder: Path) -> None:
    loose, strict = clusters_of(folder, "--threshold", "0.1"), clusters_of(folder)
    assert len(set(loose.values())) < len(set(strict.values()))


def test_jobs_and_dask_give_the_same_clusters(folder: Path) -> None:
    serial = invoke(["dedup", "--format", "tsv", "-j", "1", str(folder)])
    assert serial[0] == 0 and serial[1].count("\n") == 1 + len(list(folder.glob("*.txt")))
    assert invoke(["dedup", "--format", "tsv", "-j", "2", str(folder)]) == serial
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    dask = invoke(["dedup", "--format", "tsv", "--engine", "dask", "-j", "2", str(folder)])
    assert dask[1] == serial[1]


# ---- representative, similarity, signatures ----------------------------------
def test_representative_is_the_earliest_dated(pipeline: Pipeline) -> None:
    text = corpus.seed_stories()[1]
    copy = corpus.truncate(corpus.to_traditional(text, random.Random(0)), random.Random(0))
    rows = cluster(
        [
            signature(pipeline, text, "undated"),
            signature(pipeline, copy, "later", "2023-05-02"),
            signature(pipeline, text, "earlier", "2023-04-30"),
        ]
    )
    assert [r.representative for r in rows] == [False, False, True]
    assert len({r.cluster for r in rows}) == 1
    assert rows[2].similarity == 1.0 and rows[0].similarity == 1.0
    assert 0.6 < rows[1].similarity < 0.9  # a quarter cut


def test_representative_without_dates_is_the_first() -> None:
    assert representative([3, 5, 9], [None] * 10) == 3
    assert representative([3, 5, 9], [None] * 9 + ["2020-01-01"]) == 9
    assert representative([3, 5], [None, None, None, "2021-01-02", None, "2021-01-02"]) == 3


def test_similarity_estimates_jaccard(pipeline: Pipeline, originals: list[str]) -> None:
    rng = random.Random(3)
    for text in originals:
        copy = corpus.drop_paragraph(corpus.truncate(text, rng), rng)
        a = pipeline.parse_text(text).text
        b = pipeline.parse_text(copy).text
        exact = len(shingle_hashes(a) & shingle_hashes(b)) / len(
            shingle_hashes(a) | shingle_hashes(b)
        )
        estimate = similarity(densify(signature_of(a)[1]), densify(signature_of(b)[1]))
        assert abs(estimate - exact) < 0.15, (exact, estimate)


def test_parts_of_a_huge_input_make_one_signature(originals: list[str]) -> None:
    text = "".join(originals)
    half = len(text) // 2
    whole = densify(signature_of(text)[1])
    parts = densify(merge_bins(signature_of(text[:half])[1], signature_of(text[half:])[1]))
    assert similarity(whole, parts) > 0.97


def test_empty_documents_are_nobody_s_copy() -> None:
    rows = cluster(
        [Signature("a", None, *signature_of("")), Signature("b", None, *signature_of(" 。"))]
    )
    assert [r.cluster for r in rows] == [1, 2] and all(r.representative for r in rows)


def test_signatures_are_the_same_in_every_process() -> None:
    """Shingle hashes do not depend on the process's string-hash salt (workers
    started by spawn or on a Dask cluster must agree with the parent)."""
    text = corpus.seed_stories()[0]
    code = (
        "import sys; from policetext.dedup import signature_of; "
        "print(signature_of(sys.stdin.read())[1][:8])"
    )
    outputs = set()
    for salt in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": salt}
        proc = subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True,
            env=env, check=True, cwd=ROOT,
        )  # fmt: skip
        outputs.add(proc.stdout)
    assert outputs == {f"{signature_of(text)[1][:8]}\n"}


# ---- the command and --dedup -------------------------------------------------
def test_dedup_rows_and_table(folder: Path, stories: list[corpus.Story]) -> None:
    code, out, err = invoke(["dedup", "--format", "jsonl", str(folder)])
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert list(rows[0]) == ["doc", "cluster", "representative", "similarity"]
    assert len(rows) == len(stories)
    by_cluster = Counter(r["cluster"] for r in rows if r["representative"])
    assert set(by_cluster.values()) == {1}  # one representative a cluster
    assert all(r["similarity"] >= DEFAULT_THRESHOLD or r["representative"] for r in rows)
    code, table, _ = invoke(["dedup", "--format", "table", str(folder)])
    families = len({s.family for s in stories})
    assert code == 0 and f"{families} stories" in table


def test_stats_dedup_counts_each_story_once(folder: Path, stories: list[corpus.Story]) -> None:
    code, out, err = invoke(["stats", "--dedup", "--format", "json", "-q", str(folder)])
    assert code == 0, err
    families = len({s.family for s in stories})
    assert json.loads(out)["corpus"]["documents"] == families
    assert f"{len(stories) - families} of {len(stories)} documents set aside" in err


def test_figures_dedup_takes_each_story_s_figures_once(
    folder: Path, stories: list[corpus.Story]
) -> None:
    code, out, _ = invoke(["figures", "--dedup", "--format", "jsonl", str(folder)])
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    family = {f"{s.name}.txt": s.family for s in stories}
    docs_of: dict[int, set[str]] = {}
    for row in rows:
        docs_of.setdefault(family[Path(row["doc"]).name], set()).add(row["doc"])
    assert all(len(docs) == 1 for docs in docs_of.values())  # one document a story
    everything = invoke(["figures", "--format", "jsonl", str(folder)])[1].splitlines()
    kept = {doc for docs in docs_of.values() for doc in docs}
    same_docs = [json.loads(line) for line in everything if json.loads(line)["doc"] in kept]
    assert sum(r["value"] for r in rows) == sum(r["value"] for r in same_docs)
    assert len(rows) < len(everything)


@pytest.mark.parametrize("command", ["keywords", "units", "compare", "grep"])
def test_dedup_on_other_commands(tmp_path: Path, command: str) -> None:
    text = corpus.seed_stories()[4]
    one = write_corpus(tmp_path / "one", [corpus.Story("a", 0, text)])
    both = write_corpus(
        tmp_path / "both",
        [corpus.Story("a", 0, text), corpus.Story("b", 0, corpus.to_traditional(text, None))],
    )
    args = {
        "keywords": ["keywords", "--corpus"],
        "units": ["units"],
        "compare": ["compare", str(SEEDS / "000_d86e2d0fb1389b5b.txt")],
        "grep": ["grep", "-c", "公安"],
    }[command]
    single = invoke([*args, "--format", "tsv", str(one)])
    deduped = invoke([*args, "--format", "tsv", "--dedup", str(both)])
    assert deduped[0] == single[0] == 0
    assert "1 of 2 documents set aside" in deduped[2]
    if command == "compare":  # A against B: the doubled A counts like the single one
        assert deduped[1] == single[1]
    else:
        assert deduped[1].replace("/both/", "/one/") == single[1]


def test_report_dedup(tmp_path: Path) -> None:
    text = corpus.seed_stories()[4]
    both = write_corpus(tmp_path / "both", [corpus.Story("a", 0, text), corpus.Story("b", 0, text)])
    code, _, err = invoke(["report", "--dedup", str(both), "-o", str(tmp_path / "r.html")])
    assert code == 0 and "1 of 2 documents set aside" in err


def test_dedup_reads_standard_input_and_tables(tmp_path: Path) -> None:
    text = corpus.seed_stories()[2]
    code, out, err = invoke(["stats", "--dedup", "--format", "tsv"], stdin=text)
    assert code == 0 and out.count("\n") == 2 and "0 of 1 document set aside" in err
    records = tmp_path / "scrape.jsonl"
    rows = [
        {"id": "x1", "text": text},
        {"id": "x2", "text": corpus.change_headline(text, random.Random(1))},
        {"id": "x3", "text": corpus.seed_stories()[0]},
    ]
    records.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    code, out, err = invoke(
        ["stats", "--dedup", "--id-field", "id", "--format", "tsv", str(records)]
    )
    assert code == 0, err
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["x1", "x3"]
    code, out, _ = invoke(["dedup", "--id-field", "id", "--format", "csv", str(records)])
    assert out.splitlines()[1:] == ["x1,1,true,1", out.splitlines()[2], "x3,2,true,1"]
    assert out.splitlines()[2].startswith("x2,1,false,0.")


def test_dedup_reports_bad_input_once(tmp_path: Path) -> None:
    good = write_corpus(tmp_path / "c", [corpus.Story("a", 0, corpus.seed_stories()[3])])
    (good / "b.txt").write_bytes(b"\x00\x01binary" * 40)
    code, out, err = invoke(["stats", "--dedup", "--format", "tsv", str(good), "missing"])
    assert code == 2
    assert err.count("b.txt: binary file") == 1 and err.count("missing: no such file") == 1
    assert out.count("\n") == 2  # the good document still counted


def test_unreadable_files_keep_the_clusters_in_place(tmp_path: Path) -> None:
    """A file that cannot be read between copies: each cluster's representative is
    still the right file, and the command itself reports the bad one, once."""
    seeds = corpus.seed_stories()
    folder = write_corpus(
        tmp_path / "c",
        [
            corpus.Story("a", 0, seeds[0]),
            corpus.Story("c", 0, corpus.to_traditional(seeds[0], None)),
            corpus.Story("d", 1, seeds[1]),
            corpus.Story("f", 1, corpus.truncate(seeds[1], None)),
        ],
    )
    (folder / "b.txt").write_bytes(b"\x00\x01binary" * 40)
    (folder / "e.txt").symlink_to(folder / "nowhere")  # an error of the walk itself
    code, out, err = invoke(["figures", "--dedup", "--format", "tsv", str(folder)])
    assert code == 2 and "2 of 4 documents set aside" in err
    assert {Path(line.split("\t")[0]).stem for line in out.splitlines()[1:]} == {"a", "d"}
    assert err.count("b.txt:") == 1 and err.count("e.txt:") == 1
    code, out, _ = invoke(["dedup", "--format", "csv", str(folder)])
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert [(Path(r[0]).stem, r[1], r[2]) for r in rows] == [
        ("a", "1", "true"), ("c", "1", "false"), ("d", "2", "true"), ("f", "2", "false"),
    ]  # fmt: skip


def test_export_records_cluster_and_representative(tmp_path: Path) -> None:
    text = corpus.seed_stories()[1]
    folder = write_corpus(
        tmp_path / "c",
        [
            corpus.Story("a", 0, text),
            corpus.Story("b", 0, corpus.truncate(text, None)),
            corpus.Story("c", 1, corpus.seed_stories()[2]),
        ],
    )
    target = tmp_path / "x.sqlite"
    code, _, err = invoke(["export", "--dedup", str(folder), "-o", str(target)])
    assert code == 0 and "1 of 3 documents marked" in err
    with sqlite3.connect(target) as db:
        rows = db.execute("SELECT doc, cluster, representative FROM documents ORDER BY doc")
        assert [(Path(d).stem, c, r) for d, c, r in rows] == [
            ("a", 1, 1), ("b", 1, 0), ("c", 2, 1),
        ]  # fmt: skip
    invoke(["export", str(folder), "-o", str(target)])  # without --dedup: no clusters
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(cluster) FROM documents").fetchone() == (0,)


def test_export_adds_the_columns_to_an_older_file(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE, "
                   "path TEXT, title TEXT, source TEXT, reporters TEXT, metadata TEXT, "
                   "encoding TEXT, script TEXT, text TEXT NOT NULL, chars INTEGER, "
                   "tokens INTEGER, figures INTEGER, units INTEGER)")  # fmt: skip
    code, _, err = invoke(["export", "--dedup", str(SEEDS), "-o", str(target)])
    assert code == 0, err
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(cluster) FROM documents").fetchone() == (5,)


def test_find_duplicates_library(pipeline: Pipeline) -> None:
    found = find_duplicates(pipeline, [str(SEEDS), str(SEEDS / "003_c0399a39c826ac4b.txt")])
    assert found.set_aside == 1 and found.clusters == 5
    assert [a.representative for a in found.assignments] == [True] * 5 + [False]


# ---- the dev pages, treated the same way ------------------------------------
@needs_gold
def test_dev_pages_republished(tmp_path: Path) -> None:
    """The real dev pages (read from ../shared, never copied), each republished in
    every form: same bar as the corpus of our own."""
    rng = random.Random(25)
    plans = [(name,) for name in corpus.TRANSFORMATIONS] + list(corpus.COMBINATIONS)
    stories = []
    for family, path in enumerate(sorted(DEV.glob("*.txt"))):
        text = path.read_text("utf-8")
        stories.append(corpus.Story(f"{family:03d}_original", family, text))
        for plan in plans:
            copy = corpus.republish(text, plan, rng)
            stories.append(corpus.Story(f"{family:03d}_{'+'.join(plan)}", family, copy))
    folder = write_corpus(tmp_path / "dev", stories)
    truth = corpus.true_pairs(stories)
    precision, recall = corpus.precision_recall(truth, corpus.found_pairs(clusters_of(folder)))
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)
