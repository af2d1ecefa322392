"""stats: the JSON object's numbers against counts computed here, and merging."""

from __future__ import annotations

import gc
import json
import re
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Pipeline
from policetext import cli as cli_module
from policetext.cli import cli
from policetext.io import Source
from policetext.stats import CorpusStats, DocumentStats, document_stats, summarise

from .conftest import SEEDS


@pytest.fixture(scope="module")
def stats_json() -> dict:
    result = CliRunner().invoke(cli, ["stats", "--format", "json", str(SEEDS)])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_corpus_numbers_match_independent_counts(pipeline: Pipeline, stats_json: dict) -> None:
    docs = list(pipeline.documents([SEEDS], segment=True))
    words = [
        t.text for d in docs for t in d.tokens if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", t.text)
    ]
    corpus = stats_json["corpus"]
    assert corpus["documents"] == len(list(SEEDS.glob("*.txt")))
    assert corpus["characters"] == sum(len(d.text) for d in docs)
    assert corpus["han_characters"] == len(
        re.findall(r"[\u4e00-\u9fff]", "".join(d.text for d in docs))
    )
    assert corpus["tokens"] == len(words)
    assert corpus["distinct_tokens"] == len(set(words))
    assert corpus["converted_from_traditional"] == 1  # seed 003 only
    assert corpus["pinyin_annotations_removed"] == len(
        re.findall(
            r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)",
            (SEEDS / next(p.name for p in SEEDS.glob("003_*.txt"))).read_text("utf-8"),
        )
    )
    assert corpus["files_skipped"] == 0


def test_document_rows(stats_json: dict) -> None:
    rows = {row["doc"].split("/")[-1][:3]: row for row in stats_json["documents"]}
    assert rows["004"]["reporters"] == ["王祯"]
    assert rows["004"]["title"] == "践行“四个第一”理念 谱写创新发展佳篇"
    assert len(rows["000"]["keywords"]) == 3
    assert all(r["sentences"] > 10 for r in rows.values())


def test_tsv_rows_sort_in_a_pipe() -> None:
    result = CliRunner().invoke(cli, ["stats", str(SEEDS)])
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:2] == ["doc", "title"]
    assert len(lines) == 6
    assert all(len(line.split("\t")) == len(header) for line in lines)


def test_no_arguments_on_a_terminal_shows_the_bundled_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_module, "stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["stats", "--format", "table"])
    assert result.exit_code == 0
    assert "bundled sample corpus" in result.stderr
    assert "documents" in result.stdout and "top keywords" in result.stdout
    assert "000_d86e2d0fb1389b5b" in result.stdout


def test_skipped_files_are_counted_and_named(tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    result = CliRunner().invoke(cli, ["stats", "-v", "--format", "json", str(bad), str(SEEDS)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["corpus"]["files_skipped"] == 1
    assert str(bad) in data["skipped"][0]


def test_merge_is_associative(pipeline: Pipeline) -> None:
    parts = [document_stats(pipeline, d) for d in pipeline.documents([SEEDS], segment=True)]
    whole = CorpusStats()
    for p in parts:
        whole.add(p)
    a, b, c = CorpusStats(), CorpusStats(), CorpusStats()
    a.add(parts[0])
    a.add(parts[1])
    b.add(parts[2])
    for p in parts[3:]:
        c.add(p)
    assert a.merge(b).merge(c).as_row() == whole.as_row() == a.merge(b.merge(c)).as_row()


# ---- memory bounded by design (issue 26) ------------------------------------------------
_SENTENCES = (
    "滨州市公安局民警走访辖区群众，宣传反诈知识。",
    "派出所组织开展夜间巡逻，排查安全隐患。",
    "交警大队查处酒驾违法行为，保障道路交通安全。",
    "刑侦大队破获一起电信网络诈骗案件。",
    "社区民警深入学校开展法治宣传教育活动。",
    "治安大队联合消防部门检查娱乐场所。",
)


def _generated(count: int) -> Iterator[Source]:
    """``count`` small documents of one small vocabulary (so that only what is kept
    per document can grow with their number)."""
    for i in range(count):
        text = "".join(_SENTENCES[(i + k) % len(_SENTENCES)] for k in range(4))
        yield Source(f"doc{i}.txt", text=text)


def _peak_bytes(pipeline: Pipeline, count: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        with summarise(pipeline, _generated(count)) as summary:
            for _ in summary.documents:
                pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_stats_keeps_no_state_per_document(pipeline: Pipeline) -> None:
    with summarise(pipeline, _generated(20)) as summary:  # dictionaries and tables loaded
        list(summary.documents)
    small, large = _peak_bytes(pipeline, 200), _peak_bytes(pipeline, 800)
    # what was kept of each document (its counters, its row: 4 KB before the spill)
    # would make the peak grow with the documents; garbage not yet collected leaves
    # a few hundred bytes a document
    assert (large - small) / 600 < 1_500, (small, large)


def test_stats_documents_come_back_from_a_spill_that_is_removed(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with summarise(pipeline, [str(SEEDS)]) as summary:
        (spill,) = tmp_path.iterdir()
        assert spill.name.startswith("policetext-spill-")
        first = [d.as_row() for d in summary.documents]
        assert [d.as_row() for d in summary.documents] == first  # read again, the same
        assert all(len(row["keywords"]) == 3 for row in first)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["stats", "keywords"])
def test_a_corpus_through_standard_input_counts_as_from_a_file(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records of a JSON Lines corpus, piped or read from a file: the same
    keywords (blended IDF: document frequencies counted first) and totals, and no
    temporary file left behind."""
    lines = [
        json.dumps({"id": p.stem, "text": p.read_text("utf-8")}, ensure_ascii=False)
        for p in sorted(SEEDS.glob("*.txt"))
    ]
    table = tmp_path / "corpus.jsonl"
    table.write_text("\n".join(lines) + "\n", "utf-8")
    spills = tmp_path / "tmp"
    spills.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spills))
    options = [command, "--format", "json", "--id-field", "id"]
    from_file = CliRunner().invoke(cli, [*options, str(table)])
    piped = CliRunner().invoke(
        cli, [*options, "--input-format", "jsonl", "-"], input=table.read_bytes()
    )
    assert from_file.exit_code == piped.exit_code == 0, piped.stderr
    assert json.loads(piped.stdout) == json.loads(from_file.stdout)
    assert len(json.loads(piped.stdout)["documents" if command == "stats" else 0]) > 0
    assert not list(spills.iterdir())


def test_document_stats_pickle_to_equal_stats_with_counters_in_order() -> None:
    """Stats cross to --jobs workers and into the spill pickled: nothing changes,
    the counters stay Counters in their order (the order of first occurrence)."""
    import pickle

    stats = DocumentStats(
        "南宁/一.txt", "标题", ["李明"], 30, 20, 2, 12, 9, "traditional",
        {"converted_chars": 3}, Counter({"民警": 2, "南宁": 1, "。": 3}),
        Counter({"民警": 2, "南宁": 1}), {"figures": 1, "units": 2}, {"source": "x"},
        {"date": "2024-05"}, ["民警"], "2024-05-01", "广西南宁市",
    )  # fmt: skip
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        again = pickle.loads(pickle.dumps(stats, protocol=protocol))
        assert again == stats
        assert type(again.vocabulary) is Counter and type(again.terms) is Counter
        assert list(again.vocabulary) == ["民警", "南宁", "。"]
