"""export: one SQLite file that sqlite3 and pandas can query at once."""

from __future__ import annotations

import random
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Config, Pipeline
from policetext.cli import cli
from policetext.export import SCHEMA, connect, fts_query
from policetext.text import HAN, HAN_RUN_RE

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
    assert CliRunner().invoke(cli, ["export", "-o", str(target), str(SEEDS)]).exit_code == 0
    with sqlite3.connect(target) as db:  # the units table as written before regions
        db.execute("ALTER TABLE units DROP COLUMN region")
    result = CliRunner().invoke(cli, ["export", "-o", str(target), str(SEEDS)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(target) as db:
        regions = dict(db.execute("select name, region from units"))
    assert regions["滨州市公安局"] == "山东省"
    assert regions["公安部"] == ""


# ---- documents_ngrams: a word inside a longer word, a query in either script ----

HAN_PAIR_RE = re.compile(f"(?=([{HAN}]{{2}}))")


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """The seeds exported, and each seed's doc and normalised text (read independently)."""
    tmp = tmp_path_factory.mktemp("fts")
    target = tmp / "corpus.sqlite"
    export([str(SEEDS)], target)
    texts = [(d.doc, d.text) for d in Pipeline(Config(cache_dir=tmp)).documents([SEEDS])]
    return target, texts


def found(db: sqlite3.Connection, expression: str) -> set[str]:
    query = "select doc from documents_ngrams where documents_ngrams match ?"
    return {doc for (doc,) in db.execute(query, (expression,))}


def test_every_two_character_word_is_found_in_every_document_holding_it(
    seeds_db: tuple[Path, list[tuple[str, str]]],
) -> None:
    target, texts = seeds_db
    pairs = {pair for _, text in texts for pair in HAN_PAIR_RE.findall(text)}
    assert len(pairs) > 2000
    with sqlite3.connect(target) as db:
        missed = {
            pair: sorted(expected - hits)
            for pair in sorted(pairs)
            if (hits := found(db, fts_query(pair)))
            != (expected := {doc for doc, text in texts if pair in text})
        }
        # the word index alone misses words inside longer dictionary words (电信网络诈骗)
        words = "select doc from documents_fts where tokens match '诈骗'"
        word_hits = {doc for (doc,) in db.execute(words)}
    assert missed == {}
    assert word_hits < {doc for doc, text in texts if "诈骗" in text}


def test_any_stretch_of_han_characters_is_found(
    seeds_db: tuple[Path, list[tuple[str, str]]],
) -> None:
    target, texts = seeds_db
    rng = random.Random(24)
    runs = [run for _, text in texts for run in HAN_RUN_RE.findall(text)]
    queries = set()
    for run in rng.sample(runs, 300):
        start = rng.randrange(len(run))
        queries.add(run[start : start + rng.randint(1, 8)])
    with sqlite3.connect(target) as db:
        for query in sorted(queries):
            assert found(db, fts_query(query)) == {d for d, t in texts if query in t}, query


def test_a_traditional_query_finds_the_same_documents(
    seeds_db: tuple[Path, list[tuple[str, str]]],
) -> None:
    from opencc.opencc import OpenCC

    to_traditional, to_simplified = OpenCC("s2t").convert, OpenCC("t2s").convert
    target, texts = seeds_db
    pairs = sorted({pair for _, text in texts for pair in HAN_PAIR_RE.findall(text)})
    # the words whose traditional form is written differently and converts back
    words = {
        traditional: pair
        for pair in pairs
        if (traditional := to_traditional(pair)) != pair and to_simplified(traditional) == pair
    }
    assert len(words) > 500
    with closing(connect(target)) as db:
        query = "select doc from documents_ngrams where documents_ngrams match policetext_match(?)"
        for traditional, pair in words.items():
            hits = {doc for (doc,) in db.execute(query, (traditional,))}
            assert hits == {doc for doc, text in texts if pair in text}, traditional
        either = {doc for (doc,) in db.execute(query, ("詐騙 OR 抓獲",))}
        both = {doc for (doc,) in db.execute(query, ("抓獲 詐騙",))}
    assert either == {d for d, t in texts if "诈骗" in t or "抓获" in t}
    assert both == {d for d, t in texts if "诈骗" in t and "抓获" in t}
    assert both and both < either


@pytest.mark.parametrize(
    ("label", "query", "expression"),
    [
        ("traditional word", "詐騙", '"诈骗"'),
        ("a longer word as its pairs", "电信诈骗", '"电信 信诈 诈骗"'),
        ("one character: any pair starting with it", "詐", '"诈" *'),
        ("a number then a word", "110报警", '"110 报警"'),
        ("a word ending before a number keeps its last character", "报警110", '"报警 警 110"'),
        ("one character after a number", "110報", '"110 报" *'),
        ("operators between terms", "詐騙 OR 盜竊", '"诈骗" OR "盗窃"'),
        ("operators with no term on one side dropped", "OR 诈骗 NOT", '"诈骗"'),
        ("nothing to search matches nothing", "，。 ！", '""'),
    ],
)
def test_fts_query(label: str, query: str, expression: str) -> None:
    assert fts_query(query) == expression, label


@pytest.mark.parametrize(
    ("label", "query", "hit"),
    [
        ("a word inside a longer word", "網絡詐", True),
        ("a number and the word after it", "110报", True),
        ("the character before a number", "打110", True),
        ("a number is matched whole", "10报警", False),
        ("not across punctuation", "警电", False),
        ("a word and a number not across punctuation", "专线96110", False),
        ("a word and a number with the mark between", "专线：96110", True),
        ("a word, a mark, a word", "报警，电话", True),
        ("any mark stands for a mark", "报警。电话", True),
        ("a quote in the query is no syntax error", '报警"', True),
    ],
)
def test_policetext_match_on_text_of_own(tmp_path: Path, label: str, query: str, hit: bool) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "遇到电信网络诈骗请拨打110报警，电话畅通。反诈专线：96110。", "utf-8"
    )
    target = tmp_path / "corpus.sqlite"
    export([str(corpus)], target)
    with closing(connect(target)) as db:
        sql = (
            "select count(*) from documents_ngrams where documents_ngrams match policetext_match(?)"
        )
        assert db.execute(sql, (query,)).fetchone()[0] == int(hit), label


def test_an_old_database_gains_the_ngram_table_with_its_documents(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    old = "黑龙江省公安厅破获跨境电信网络诈骗案"
    with sqlite3.connect(target) as db:  # a file written before documents_ngrams
        db.executescript(SCHEMA)
        db.execute("insert into documents (id, doc, text) values (1, 'old.txt', ?)", (old,))
        db.execute("insert into documents_fts (rowid, doc, tokens) values (1, 'old.txt', '')")
    export([str(SEEDS)], target)
    texts = {d.doc: d.text for d in Pipeline(Config(cache_dir=tmp_path)).documents([SEEDS])}
    texts["old.txt"] = old
    with closing(connect(target)) as db:
        rows = db.execute("select count(*) from documents_ngrams").fetchone()[0]
        query = "select doc from documents_ngrams where documents_ngrams match policetext_match(?)"
        hits = {doc for (doc,) in db.execute(query, ("詐騙",))}
    assert rows == len(texts) == 6
    assert hits == {doc for doc, text in texts.items() if "诈骗" in text} and "old.txt" in hits


def test_ngrams_follow_re_export_and_prune(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("西宁市公安局破获盗窃案件4起。", "utf-8")
    (corpus / "b.txt").write_text("银川市公安局抓获诈骗嫌疑人7人。", "utf-8")
    target = tmp_path / "corpus.sqlite"
    export([str(corpus)], target)
    (corpus / "a.txt").unlink()
    (corpus / "b.txt").write_text("银川市公安局抓获走私嫌疑人9人。", "utf-8")
    export([str(corpus)], target, "--prune")
    with closing(connect(target)) as db:
        query = "select doc from documents_ngrams where documents_ngrams match policetext_match(?)"
        docs = {
            q: [Path(d).name for (d,) in db.execute(query, (q,))] for q in ("盜竊", "詐騙", "走私")
        }
        rows = db.execute("select count(*) from documents_ngrams").fetchone()[0]
    assert docs == {"盜竊": [], "詐騙": [], "走私": ["b.txt"]}
    assert rows == 1


# ---- nothing lost (issue 23) ---------------------------------------------------------
def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["export", *args], input=input)


def _documents(target: Path) -> list[str]:
    with sqlite3.connect(target) as db:
        return sorted(d for (d,) in db.execute("select doc from documents"))


def _two_docs(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("滨州市公安局抓获嫌疑人12人。", encoding="utf-8")
    (corpus / "b.txt").write_text("广州市公安局天河区分局破获案件3起。", encoding="utf-8")
    target = tmp_path / "e.sqlite"
    export([str(corpus)], target)
    return corpus, target


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [
        (["no/such/dir"], "nothing was exported"),
        (["{corpus}/a.txt", "no/such.txt"], "some inputs could not be read"),
    ],
)
def test_prune_is_skipped_after_a_failed_read(
    tmp_path: Path, inputs: list[str], reason: str
) -> None:
    corpus, target = _two_docs(tmp_path)
    result = _run(*[i.format(corpus=corpus) for i in inputs], "-o", str(target), "--prune")
    assert result.exit_code == 2
    assert f"policetext: not pruning: {reason}" in result.stderr.splitlines()
    assert len(_documents(target)) == 2


def test_prune_says_how_many_rows_it_removes(tmp_path: Path) -> None:
    corpus, target = _two_docs(tmp_path)
    result = _run(str(corpus / "a.txt"), "-o", str(target), "--prune")
    assert result.exit_code == 0
    assert "policetext: pruned 1 documents not in this export" in result.stderr.splitlines()
    assert _documents(target) == [str(corpus / "a.txt")]


def test_duplicate_ids_are_kept_apart_and_said(tmp_path: Path) -> None:
    import json

    table = tmp_path / "t.jsonl"
    rows = [("x", "甲公安局"), ("x", "乙派出所"), (1, "丙分局"), ("1", "丁支队")]
    table.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in rows),
        encoding="utf-8",
    )
    target = tmp_path / "e.sqlite"
    result = _run(str(table), "--id-field", "id", "-o", str(target))
    assert result.exit_code == 0
    assert _documents(target) == ["1", "1#2", "x", "x#2"]
    with sqlite3.connect(target) as db:
        texts = sorted(t for (t,) in db.execute("select text from documents"))
    assert texts == sorted(t for _, t in rows)
    said = [line for line in result.stderr.splitlines() if "id given twice" in line]
    assert said == [
        "policetext: x: id given twice; the second kept as x#2",
        "policetext: 1: id given twice; the second kept as 1#2",
    ]


def _records(pipeline: Pipeline, stop_after: int | None = None):
    from policetext.export import export_record

    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        if stop_after is not None and n == stop_after:
            raise KeyboardInterrupt
        yield export_record(pipeline, pipeline.parse_path(path, segment=True))


def _dump(target: Path) -> list[str]:
    with sqlite3.connect(target) as db:
        return list(db.iterdump())


def test_an_interrupted_export_leaves_the_file_as_it_was(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    from policetext.export import export_to_sqlite

    _, target = _two_docs(tmp_path)
    before = _dump(target)
    with pytest.raises(KeyboardInterrupt):
        export_to_sqlite(_records(pipeline, stop_after=3), target, pipeline.keywords)
    assert _dump(target) == before
    new = tmp_path / "new.sqlite"
    with pytest.raises(KeyboardInterrupt):
        export_to_sqlite(_records(pipeline, stop_after=3), new, pipeline.keywords)
    assert not new.exists() and not list(tmp_path.glob("new.sqlite*"))


@pytest.mark.parametrize("kind", ["other database", "not sqlite"])
def test_a_file_that_is_not_ours_is_refused_unchanged(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "precious.db"
    if kind == "other database":
        with sqlite3.connect(target) as db:
            db.execute("create table people (name text)")
            db.execute("insert into people values ('王祯')")
    else:
        target.write_text("not a database at all\n" * 100, encoding="utf-8")
    before = target.read_bytes()
    result = _run(str(SEEDS / "000_d86e2d0fb1389b5b.txt"), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"policetext: {target}: is ")
    assert len(result.stderr.splitlines()) == 1
    assert target.read_bytes() == before


def test_two_exports_to_one_file_do_not_mix(tmp_path: Path, pipeline: Pipeline) -> None:
    import threading

    from policetext import PolicetextError
    from policetext.export import export_to_sqlite

    target = tmp_path / "e.sqlite"
    started, release = threading.Event(), threading.Event()

    def slow_records():
        for n, record in enumerate(_records(pipeline)):
            if n == 1:
                started.set()
                release.wait(30)
            yield record

    first = threading.Thread(
        target=export_to_sqlite, args=(slow_records(), target, pipeline.keywords)
    )
    first.start()
    assert started.wait(30)
    with pytest.raises(PolicetextError, match="another export"):
        export_to_sqlite(_records(pipeline), target, pipeline.keywords, wait=0.2)
    release.set()
    first.join(60)
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from documents").fetchone()[0] == 5
        without = (
            "select count(*) from documents where id not in (select document_id from keywords)"
        )
        assert db.execute(without).fetchone()[0] == 0
