"""Keywords: filters, domain terms whole, blended IDF, both methods, the CLI."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Pipeline
from policetext.cli import cli
from policetext.datafiles import shipped_lines
from policetext.document import Token
from policetext.errors import ConfigError
from policetext.keywords import CooccurrenceGraph, IdfTable, KeywordExtractor, read_stopwords

from .conftest import SEEDS

STOPWORDS = frozenset(shipped_lines("stopwords.txt"))


@pytest.fixture(scope="module")
def corpus_keywords() -> list[dict]:
    result = CliRunner().invoke(
        cli, ["keywords", "--corpus", "-n", "30", "--format", "jsonl", str(SEEDS)]
    )
    assert result.exit_code == 0
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_corpus_top30_has_no_stopword_number_or_single_character(
    corpus_keywords: list[dict],
) -> None:
    assert len(corpus_keywords) == 30
    for row in corpus_keywords:
        term = row["term"]
        assert term not in STOPWORDS
        assert len(term) >= 2
        assert not re.search(r"\d", term)
        assert re.search(r"[\u4e00-\u9fff]", term)


def test_corpus_counts_are_real_occurrences(
    pipeline: Pipeline, corpus_keywords: list[dict]
) -> None:
    # independent count: the term as a whole token in the segmented seeds
    tokens = Counter()
    for doc in pipeline.documents([SEEDS], segment=True):
        tokens.update(t.text for t in doc.tokens)
    for row in corpus_keywords[:10]:
        assert row["count"] == tokens[row["term"]]


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_party_building_ranks_top5_in_seeds_000_and_001(prefix: str) -> None:
    result = CliRunner().invoke(cli, ["keywords", "-n", "5", "--format", "jsonl", str(SEEDS)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    terms = [r["term"] for r in rows if Path(r["doc"]).name.startswith(prefix)]
    assert len(terms) == 5
    assert any("党建" in term for term in terms)


@pytest.mark.parametrize("term", ["警务协作区", "电信网络诈骗", "党建引领"])
def test_domain_terms_are_one_keyword(term: str) -> None:
    text = f"全市推进{term}建设。{term}成效明显，{term}经验推广到各地。"
    result = CliRunner().invoke(cli, ["keywords", "-n", "3", "--format", "jsonl"], input=text)
    terms = [json.loads(line)["term"] for line in result.stdout.splitlines()]
    assert terms[0] == term


@pytest.mark.parametrize(
    ("word", "ok"),
    [
        ("派出所", True),
        ("开展", False),
        ("10", False),
        ("三个", False),
        ("局", False),
        ("〓〓", False),
        ("，", False),
        ("2021年", False),
        ("App", False),
    ],
)
def test_candidate_filter(word: str, ok: bool) -> None:
    assert KeywordExtractor().is_candidate(Token(word, 0, len(word))) is ok


def test_blended_idf_sinks_words_every_document_shares() -> None:
    extractor = KeywordExtractor()
    df = Counter({"禁毒": 1, "公安": 5})
    own = extractor.idf("禁毒", df, 5) / extractor.idf("禁毒")
    shared = extractor.idf("公安", df, 5) / extractor.idf("公安")
    assert shared < own <= 1.0


def test_textrank_ranks_the_hub_first() -> None:
    terms = ["扫黑除恶", "派出所", "扫黑除恶", "民警", "扫黑除恶", "群众", "扫黑除恶"]
    ranked = KeywordExtractor().textrank(terms, 3)
    assert ranked[0][0] == "扫黑除恶" and ranked[0][2] == 4


def test_user_stopwords(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("# mine\n滨州\n", "utf-8")
    assert read_stopwords(path) == frozenset({"滨州"})
    result = CliRunner().invoke(
        cli, ["keywords", "--corpus", "--stopwords", str(path), "--format", "jsonl", str(SEEDS)]
    )
    assert "滨州" not in [json.loads(x)["term"] for x in result.stdout.splitlines()]


def test_bad_stopword_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("two words\n", "utf-8")
    result = CliRunner().invoke(cli, ["keywords", "--stopwords", str(path)], input="测试")
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"policetext: {path}: line 1: expected one word, got 'two words'"
    )


def test_pos_filter_keeps_only_nouns() -> None:
    text = "民警迅速出警，成功抓获盗窃嫌疑人，追回被盗电动车。"
    result = CliRunner().invoke(cli, ["keywords", "--pos", "n", "--format", "jsonl"], input=text)
    terms = [json.loads(x)["term"] for x in result.stdout.splitlines()]
    assert terms and "抓获" not in terms


# ---- keyness (compare) ------------------------------------------------------------
def test_g2_matches_a_hand_computation() -> None:
    import math

    from policetext.keywords import keyness

    a, b, total_a, total_b = 30, 5, 1000, 2000
    counts_a = Counter({"禁毒": a, "其他": total_a - a})
    counts_b = Counter({"禁毒": b, "其他": total_b - b})
    (row,) = [r for r in keyness(counts_a, counts_b) if r.term == "禁毒"]
    e_a = total_a * (a + b) / (total_a + total_b)
    e_b = total_b * (a + b) / (total_a + total_b)
    expected = 2 * (a * math.log(a / e_a) + b * math.log(b / e_b))
    assert row.g2 == pytest.approx(expected)
    assert row.log_ratio == pytest.approx(math.log2((a / total_a) / (b / total_b)))
    assert 0 < row.p < 0.001


def test_compare_binzhou_against_baotou_puts_place_names_on_opposite_sides(
    tmp_path: Path,
) -> None:
    binzhou = tmp_path / "binzhou"
    binzhou.mkdir()
    for path in SEEDS.glob("*.txt"):
        if not path.name.startswith("004"):
            (binzhou / path.name).write_bytes(path.read_bytes())
    baotou = next(SEEDS.glob("004_*.txt"))
    result = CliRunner().invoke(
        cli, ["compare", str(binzhou), str(baotou), "-n", "10", "--format", "jsonl"]
    )
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    side_a = [r["term"] for r in rows if r["g2"] > 0]
    side_b = [r["term"] for r in rows if r["g2"] < 0]
    assert any("滨州" in t for t in side_a) and any("沾化" in t for t in side_a)
    assert any("包头" in t for t in side_b)
    assert not any("包头" in t for t in side_a) and not any("滨州" in t for t in side_b)


def _region_corpus(tmp_path: Path) -> Path:
    """The seeds as JSON Lines with a region field: 004 is Baotou, the rest Binzhou."""
    target = tmp_path / "seeds.jsonl"
    with target.open("w", encoding="utf-8") as out:
        for path in sorted(SEEDS.glob("*.txt")):
            region = "包头" if path.name.startswith("004") else "滨州"
            record = {"id": path.stem, "text": path.read_text("utf-8"), "region": region}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target


@pytest.mark.parametrize(
    ("split", "home", "other"),
    [
        (["--by", "region=滨州"], "滨州", "包头"),
        (["--by", "region=包头", "--against", "滨州"], "包头", "滨州"),
    ],
)
def test_compare_by_meta_field_splits_one_corpus(
    tmp_path: Path, split: list[str], home: str, other: str
) -> None:
    corpus = _region_corpus(tmp_path)
    args = ["compare", str(corpus), *split, "-n", "10", "--format", "jsonl"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(home in r["term"] for r in rows if r["g2"] > 0)
    assert any(other in r["term"] for r in rows if r["g2"] < 0)
    assert not any(other in r["term"] for r in rows if r["g2"] > 0)


def test_compare_by_matches_the_two_path_form(tmp_path: Path) -> None:
    binzhou = tmp_path / "binzhou"
    binzhou.mkdir()
    for path in SEEDS.glob("*.txt"):
        if not path.name.startswith("004"):
            (binzhou / path.name).write_bytes(path.read_bytes())
    baotou = str(next(SEEDS.glob("004_*.txt")))
    by_paths = CliRunner().invoke(cli, ["compare", str(binzhou), baotou, "--format", "tsv"])
    by_field = CliRunner().invoke(
        cli, ["compare", str(_region_corpus(tmp_path)), "--by", "region=滨州", "--format", "tsv"]
    )
    assert by_paths.exit_code == by_field.exit_code == 0
    assert by_field.stdout == by_paths.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "region=上海"], "no document with terms has region=上海"),
        (["--by", "region"], "FIELD=VALUE"),
        (["--against", "滨州"], "--against needs --by"),
        ([], "give two corpora"),
    ],
)
def test_compare_says_what_is_wrong(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["compare", str(_region_corpus(tmp_path)), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_compare_table_diverges_around_one_axis(tmp_path: Path) -> None:
    corpus = _region_corpus(tmp_path)
    args = ["compare", str(corpus), "--by", "region=滨州", "-n", "4", "--format", "table"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert len(rows) == 8

    def column(line: str) -> int:  # where the axis stands on screen (CJK: two columns)
        before = line[: line.index("│")]
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in before)

    assert len({column(line) for line in rows}) == 1  # one axis for every row
    halves = [line.split("│") for line in rows]
    assert all("█" in right and not left.endswith("█") for left, right in halves[:4])  # A
    assert all(left.endswith("█") and "█" not in right for left, right in halves[4:])  # B
    assert "滨州" in rows[0] and "包头" in rows[-1]  # strongest A first, strongest B last


# ---- jieba's IDF table, read lazily ------------------------------------------------
_IDF = "警察 9.5\n出警 11.25\n滨州 7.0\n派出所 8.125\n警察 10.0\n"


@pytest.mark.parametrize("word", ["警察", "出警", "滨州", "派出所", "民警", "", "\ud800"])
def test_idf_table_agrees_with_a_plain_reading(tmp_path: Path, word: str) -> None:
    path = tmp_path / "idf.txt"
    path.write_text(_IDF, "utf-8")
    fields = _IDF.split()
    plain = {fields[i]: float(fields[i + 1]) for i in range(0, len(fields), 2)}  # last wins
    median = sorted(plain.values())[len(plain) // 2]  # 10.0, of 7.0 8.125 10.0 11.25
    for cache in (tmp_path / "cache", tmp_path / "cache", None):  # kept, read back, none
        table = IdfTable(path, cache)
        assert table.get(word) == plain.get(word, median)
        assert list(table.values([word, "民警"])) == [plain.get(word, median), median]
        # a second look-up of the same words is answered from the memo, alike
        assert list(table.values(["民警", word, word])) == [median, *[plain.get(word, median)] * 2]


def test_idf_median_on_jiebas_table(tmp_path: Path) -> None:
    from policetext.segment import jieba_data

    fields = jieba_data("analyse/idf.txt").read_text("utf-8").split()
    values = sorted(dict(zip(fields[0::2], map(float, fields[1::2]), strict=True)).values())
    table = IdfTable(jieba_data("analyse/idf.txt"), tmp_path)
    assert table.get("一个不在表里的词") == values[len(values) // 2]


@pytest.mark.parametrize(
    ("content", "reason"),
    [("警察 9.5\n出警\n", "not a 'word idf' table"), ("警察 九\n", "not a number")],
)
def test_a_malformed_idf_table_is_a_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "idf.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(ConfigError, match=reason):
        IdfTable(path, tmp_path / "cache")


def test_compare_by_a_document_field(tmp_path: Path) -> None:
    """--by reads a document's own fields too: a traditional copy against the rest."""
    from click.testing import CliRunner

    from policetext.cli import cli

    (tmp_path / "a.txt").write_text("滨州市公安局民警开展反诈宣传，反诈宣传进社区。" * 5, "utf-8")
    (tmp_path / "b.txt").write_text("包頭市公安局破獲詐騙案件，追繳贓款。" * 5, "utf-8")
    result = CliRunner().invoke(
        cli, ["compare", str(tmp_path), "--by", "script=traditional", "--format", "tsv",
              "--min-freq", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    side_a = {term for term, _, _, g2, _, _ in rows if float(g2) > 0}
    assert "诈骗" in side_a or "破获" in side_a  # the traditional page's words, converted
    assert "反诈" not in side_a


@pytest.mark.parametrize(
    "counts",
    [
        Counter({"民警": 2, "，": 3, "110": 1, "。": 1, "Ａ": 1, "·": 2, "〓": 1}),
        Counter({"“": 1, "”": 1}),
        Counter(),
        Counter({"派出所": 1, "\u3000": 2, "abc": 1, "…": 4}),
    ],
)
def test_words_only_drops_the_tokens_without_a_letter_han_or_digit(counts: Counter[str]) -> None:
    extractor = KeywordExtractor()
    expected = Counter(
        {
            w: c
            for w, c in counts.items()
            if re.search(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]", w)
        }
    )
    for _ in range(2):  # the second time from the extractor's memo
        words = extractor.words_only(counts)
        assert list(words.items()) == list(expected.items())
        assert words is not counts


@pytest.mark.parametrize(
    "documents",
    [
        [Counter({"民警": 3, "派出所": 2, "抓获": 1}), Counter({"民警": 1, "嫌疑人": 4})],
        [Counter({"民警": 2}), Counter(), Counter({"警情": 1, "民警": 1, "诈骗": 2})],
        [Counter({"派出所": 1})],
        [Counter(), Counter()],
    ],
)
@pytest.mark.parametrize("top", [0, 1, 3])
def test_blended_scores_each_term_by_its_idf_as_the_corpus_scales_it(
    documents: list[Counter[str]], top: int
) -> None:
    # the corpus weight of each term is worked out once; each score must still be
    # the document's frequency times ``idf`` with the corpus's document frequencies
    extractor = KeywordExtractor()
    df = Counter(term for counts in documents for term in counts)
    for counts, ranked in zip(documents, extractor.blended(documents, top), strict=True):
        total = sum(counts.values())
        expected = sorted(
            ((t, c / total * extractor.idf(t, df, len(documents)), c) for t, c in counts.items()),
            key=lambda item: (-item[1], item[0]),
        )
        assert ranked == expected[:top]
        assert extractor.tfidf(counts, top, df, len(documents)) == expected[:top]


def _textrank_whole(terms: list[str], top: int, window: int) -> list[tuple[str, float, int]]:
    """TextRank over a whole list of terms, written out as the textbook has it: the
    reference the streamed graph must equal to the last digit."""
    from collections import defaultdict

    counts = Counter(terms)
    if not counts:
        return []
    edges: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for i, term in enumerate(terms):
        for other in terms[i + 1 : i + window]:
            if other != term:
                edges[term][other] += 1
                edges[other][term] += 1
    nodes = sorted(counts)
    rank = dict.fromkeys(nodes, 1.0)
    out = {n: sum(edges[n].values()) or 1 for n in nodes}
    for _ in range(30):
        rank = {
            n: 0.15 + 0.85 * sum(w / out[m] * rank[m] for m, w in edges[n].items()) for n in nodes
        }
    best = max(rank.values()) or 1.0
    return sorted(((n, rank[n] / best, counts[n]) for n in nodes), key=lambda x: (-x[1], x[0]))[
        :top
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["民警", "派出所", "诈骗", "群众", "走访"]), max_size=12)),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=20),
)
def test_corpus_textrank_built_document_by_document_equals_the_whole_list(
    documents: list[list[str]], window: int, at_once: int
) -> None:
    """``keywords --corpus --method textrank`` never holds the corpus's terms: its
    graph, built one document at a time (its pairs counted every ``at_once``
    terms), ranks exactly as the whole list would."""
    from unittest import mock

    graph = CooccurrenceGraph(window)
    with mock.patch("policetext.keywords._PAIRED_AT_ONCE", at_once):
        for terms in documents:
            graph.add(terms)
    whole = [term for terms in documents for term in terms]
    assert graph.ranked(10) == _textrank_whole(whole, 10, window)
