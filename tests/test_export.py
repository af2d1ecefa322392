"""export: one SQLite file that sqlite3 and pandas can query at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Config, Pipeline
from policetext.cli import cli

from .conftest import SEEDS


def export(paths: list[str], target: Path, *options: str) -> None:
    result = CliRunner().invoke(cli, ["export", *paths, "-o", str(target), *options])
    assert result.exit_code == 0, result.stderr


def count_rows(command: str) -> int:
    result = CliRunner().invoke(cli, [command, "--format", "jsonl", str(SEEDS)])
    return len(result.stdout.splitlines())


def test_tables_hold_what_the_commands_print(tmp_path: Path) -> None:
    target = tmp_path / "corpus.sqlite"
    export([str(SEEDS)], target)
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from documents").fetchone()[0] == 5
        assert db.execute("select count(*) from figures").fetchone()[0] == count_rows("figures")
        assert db.execute("select count(*) from units").fetchone()[0] == count_rows("units")
        orphans = "select count(*) from figures where document_id not in (select id from documents)"
        assert db.execute(orphans).fetchone()[0] == 0
        hits = db.execute("select doc from documents_fts where tokens match '反诈中心'").fetchall()
        assert [Path(d).name[:3] for (d,) in hits] == ["002"]
        money = db.execute("select sum(value) from figures where kind = 'money'").fetchone()[0]
        assert money > 2e10


def test_re_export_updates_in_place(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "a.txt"
    article.write_text("成都市公安局抓获嫌疑人12人。", "utf-8")
    target = tmp_path / "corpus.sqlite"
    export([str(corpus)], target)
    article.write_text("成都市公安局抓获嫌疑人15人，破获案件3起。", "utf-8")
    export([str(corpus)], target)
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from documents").fetchone()[0] == 1
        figures = db.execute("select text from figures order by start").fetchall()
        assert figures == [("15人",), ("3起",)]
        assert db.execute("select count(*) from documents_fts").fetchone()[0] == 1


@pytest.mark.parametrize(("prune", "expected"), [(False, ["a.txt", "b.txt"]), (True, ["b.txt"])])
def test_removed_documents_stay_unless_pruned(
    tmp_path: Path, prune: bool, expected: list[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("拉萨市公安局破获案件4起。", "utf-8")
    (corpus / "b.txt").write_text("海口市公安局抓获嫌疑人7人。", "utf-8")
    target = tmp_path / "corpus.sqlite"
    export([str(corpus)], target)
    (corpus / "a.txt").unlink()
    export([str(corpus)], target, *(["--prune"] if prune else []))
    with sqlite3.connect(target) as db:
        docs = sorted(Path(d).name for (d,) in db.execute("select doc from documents"))
        figures = db.execute("select count(*) from figures").fetchone()[0]
        fts = db.execute("select count(*) from documents_fts").fetchone()[0]
    assert docs == expected
    assert figures == len(expected) and fts == len(expected)


def test_counts_equal_stats_json_and_fts_finds_domain_words(tmp_path: Path) -> None:
    import json

    target = tmp_path / "corpus.sqlite"
    export([str(SEEDS)], target)
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--format", "json", str(SEEDS)]).stdout)
    with sqlite3.connect(target) as db:
        figures = db.execute("select sum(figures) from documents").fetchone()[0]
        units = db.execute("select count(*) from units").fetchone()[0]
        tokens = db.execute("select sum(tokens) from documents").fetchone()[0]
        query = "select doc from documents_fts where tokens match '警务协作区'"
        hits = {Path(d).name[:3] for (d,) in db.execute(query)}
    assert figures == stats["corpus"]["figures"]
    assert units == stats["corpus"]["units"]
    assert tokens >= stats["corpus"]["tokens"]  # stats leaves punctuation tokens out
    # independent: the documents whose normalised text holds the word
    expected = {
        Path(d.doc).name[:3]
        for d in Pipeline(Config(cache_dir=tmp_path)).documents([SEEDS])
        if "警务协作区" in d.text
    }
    assert hits == expected and "000" in hits


def test_units_keep_their_region_and_an_old_database_gains_the_column(tmp_path: Path) -> None:
    target = tmp_path / "old.db"
    with sqlite3.connect(target) as db:  # the units table as written before regions
        db.execute(
            "CREATE TABLE units (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL, start "
            'INTEGER, "end" INTEGER, text TEXT, name TEXT, type TEXT, level TEXT, parent TEXT)'
        )
    result = CliRunner().invoke(cli, ["export", "-o", str(target), str(SEEDS)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(target) as db:
        regions = dict(db.execute("select name, region from units"))
    assert regions["滨州市公安局"] == "山东省"
    assert regions["公安部"] == ""
