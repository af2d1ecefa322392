"""stats: the JSON object's numbers against counts computed here, and merging."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from policetext import Pipeline
from policetext import cli as cli_module
from policetext.cli import cli
from policetext.stats import CorpusStats, document_stats

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
