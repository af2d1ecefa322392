"""Figures: crafted cases from many provinces, the gold scorer, offsets, the CLI."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Normalizer, Pipeline
from policetext.cli import cli
from policetext.figures import FigureExtractor
from policetext.numerals import parse_number

from .conftest import GOLD, SEEDS, gold_metrics, load_cases, needs_gold, seed

CASES = load_cases("figures.jsonl")
EXTRACTOR = FigureExtractor()
NORMALIZER = Normalizer()
FIELDS = ("text", "value", "unit", "kind", "approx", "max", "change", "base", "currency")
#: Hong Kong, Macao and Taiwan; every other region of a case is a mainland province
OUTSIDE_MAINLAND = {"香港", "澳门", "台湾"}


def found(sentence: str) -> list[dict]:
    text = NORMALIZER.normalize(sentence).text
    return [
        {k: v for k, v in r.as_row().items() if k in FIELDS and v is not None}
        for r in EXTRACTOR.find(text)
    ]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c["xfail"]))
        if c.get("xfail")
        else c
        for c in CASES
    ],
    ids=[c["label"] for c in CASES],
)
def test_crafted_case(case: dict) -> None:
    got = found(case["sentence"])
    assert len(got) == len(case["expected"]), got
    for figure, expected in zip(got, case["expected"], strict=True):
        for key, value in expected.items():
            assert figure.get(key) == value, (key, figure)


def test_cases_cover_every_kind_and_approximation() -> None:
    kinds = {f["kind"] for c in CASES for f in c["expected"]}
    approx = {f.get("approx") for c in CASES for f in c["expected"]} - {None}
    assert kinds == {"count", "percent", "money", "duration", "rank", "ratio", "date"}
    assert approx == {"近", "约", "余", "多", "超", "逾", "过", "以上", "左右"}
    assert sum(1 for c in CASES if not c["expected"]) >= 15  # exclusion classes
    assert len(CASES) >= 60
    assert len({c["label"] for c in CASES}) == len(CASES)  # labels name cases


def test_cases_come_from_everywhere() -> None:
    """Cases of issue 20: Hong Kong, Macao, Taiwan and ten mainland provinces, with
    known misses kept as strict expected failures."""
    regional = [c for c in CASES if c.get("region")]
    regions = {c["region"] for c in regional}
    assert len(regional) >= 120
    assert OUTSIDE_MAINLAND <= regions
    assert len(regions - OUTSIDE_MAINLAND) >= 10
    assert any(c.get("xfail") for c in regional)
    currencies = {f.get("currency") for c in regional for f in c["expected"]} - {None}
    assert {"CNY", "HKD", "MOP", "TWD", "EUR", "USD"} <= currencies


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("两", 2), ("十二", 12), ("一百二十", 120), ("二〇二一", 2021), ("1,200", 1200),
     ("1.6万", 16000), ("3.5亿", 350000000), ("三千零五十", 3050), ("一亿二千万", 120000000),
     ("十万", 100000), ("二十", 20), ("百", 100)],
)  # fmt: skip
def test_numeral_grammar(numeral: str, value: int) -> None:
    assert parse_number(numeral) == value


def test_money_rows_carry_their_currency_and_others_none() -> None:
    text = "挽回损失5万元，冻结120万美元，抓获10人。"
    rows = [(r.text, r.currency) for r in EXTRACTOR.find(text)]
    assert rows == [("5万元", "CNY"), ("120万美元", "USD"), ("10人", None)]


def test_currency_column_follows_unit_in_the_cli() -> None:
    from policetext.cli import FIGURE_COLUMNS

    assert FIGURE_COLUMNS[FIGURE_COLUMNS.index("unit") + 1] == "currency"
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl"], input="涉款8万澳门币。")
    (row,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert (row["value"], row["unit"], row["currency"]) == (80000, "澳门币", "MOP")


def test_every_money_unit_has_a_currency() -> None:
    units = EXTRACTOR.units
    money = {u.unit for u in units.values() if u.kind == "money"}
    assert money <= set(EXTRACTOR.currencies), money - set(EXTRACTOR.currencies)


@pytest.mark.parametrize(
    ("raw", "whole"),
    [("参与群众4<!--AD-->.5万人。", "4.5万人"), ("涉案2亿<!-- x -->4570万元。", "2亿4570万元")],
)
def test_a_number_split_by_markup_reads_whole_once_the_markup_is_gone(raw: str, whole: str) -> None:
    """The pages step removes HTML comments (issue 22); what is left reads as one."""
    text = re.sub(r"<!--.*?-->", "", raw)
    (record,) = EXTRACTOR.find(text)
    assert record.text == whole


@needs_gold
def test_no_wrong_value_at_a_gold_span() -> None:
    """Wrong values are worse than misses: every figure found at the span of a gold
    figure of the dev set (the same text, or the tail of it, as 4570万元 of
    2亿4570万元) has that figure's value."""
    gold_file = GOLD / "dev" / "gold.jsonl"
    if not gold_file.exists():
        pytest.skip("no dev gold")
    wrong = []
    for line in gold_file.read_text("utf-8").splitlines():
        article = json.loads(line)
        path = GOLD / "dev" / "corpus" / article["doc"]
        text = NORMALIZER.normalize(path.read_text("utf-8")).text
        gold = [f for f in article["figures"] if f["kind"] != "date"]
        for record in EXTRACTOR.find(text):
            if record.kind == "date":
                continue
            at_span = [f for f in gold if f["text"].endswith(record.text)]
            if at_span and not any(abs(f["value"] - record.value) < 1e-9 for f in at_span):
                wrong.append((article["doc"], record.text, record.value, at_span[0]["value"]))
    assert not wrong, wrong


@needs_gold
def test_dev_set_floors(tmp_path: Path) -> None:
    """Issue 20's bar on the dev set: value+unit F1 at least 0.95, dates 0.96."""
    import subprocess
    import sys

    corpus = GOLD / "dev" / "corpus"
    if not corpus.is_dir():
        pytest.skip("no dev corpus")
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl", str(corpus)])
    assert result.exit_code == 0, result.stderr
    predictions = tmp_path / "figures.jsonl"
    predictions.write_text(result.stdout, "utf-8")
    gold = ["--gold", str(GOLD / "dev" / "gold.jsonl"), "--figures", str(predictions), "--json"]
    proc = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), *gold], capture_output=True, text=True, check=True
    )
    metrics = json.loads(proc.stdout)["metrics"]
    assert metrics["figures_value_unit"]["f1"] >= 0.95, metrics
    assert metrics["dates_value"]["f1"] >= 0.96, metrics


@needs_gold
def test_gold_scorer_floors(tmp_path: Path) -> None:
    metrics = gold_metrics("figures", tmp_path)
    assert metrics["figures_value_unit"]["f1"] >= 0.98, metrics
    assert metrics["dates_value"]["f1"] >= 0.98, metrics


def test_every_seed_record_indexes_the_normalised_text(pipeline: Pipeline) -> None:
    for doc in pipeline.documents([SEEDS]):
        for record in pipeline.figures.figures(doc):
            assert doc.text[record.start : record.end] == record.text


SENTENCE_PARTS = st.lists(
    st.sampled_from(
        ["抓获", "嫌疑人", "12", "1.5", "万", "亿", "元", "人", "起", "%", "两", "十", "三",
         "百", "近", "约", "余", "以上", "至", "、", "，", "。", "2021年", "3月", "第一名",
         "同比下降", "“", "”", "拨打110", "一等功", "〓", "百分之", "分之",
         " ", "48 316", "\u2009", "廿", "点", "港元", "新台币", "HK$", "¥", "民国", "（", "）",
         "正月", "初九", "两日", "个多小时", "部门", "亿万", "111年", "经过", "将近", "年代",
         "周五", "G", "全省第一家", ":", "元", "美元"]
    ),
    max_size=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(SENTENCE_PARTS)
def test_offsets_hold_on_generated_sentences(parts: list[str]) -> None:
    text = "".join(parts)
    records = EXTRACTOR.find(text)
    assert all(text[r.start : r.end] == r.text for r in records)
    assert [r.start for r in records] == sorted(r.start for r in records)
    assert all(a.end <= b.start for a, b in itertools.pairwise(records))  # no overlap
    assert EXTRACTOR.find(text) == records  # deterministic
    assert EXTRACTOR.count(text) == len(records)


def test_cli_filters() -> None:
    runner = CliRunner()
    money = runner.invoke(cli, ["figures", "--kind", "money", "--format", "jsonl", str(SEEDS)])
    rows = [json.loads(x) for x in money.stdout.splitlines()]
    assert rows and all(r["kind"] == "money" and r["unit"] == "元" for r in rows)
    big = runner.invoke(cli, ["figures", "--min", "10000", "--unit", "人", "--format", "jsonl",
                              str(SEEDS)])  # fmt: skip
    rows = [json.loads(x) for x in big.stdout.splitlines()]
    assert rows and all(r["value"] >= 10000 and r["unit"] == "人" for r in rows)


def test_cli_reads_a_pipe() -> None:
    result = CliRunner().invoke(cli, ["figures", "--format", "jsonl"], input="抓获逃犯10人。")
    (row,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert row["text"] == "10人" and row["value"] == 10 and row["context"] == "抓获逃犯10人"


# ---- the first-character tests that speed the scan change no match ---------------
_SCAN_ALPHABET = (
    "0123456789.,一二两三十百千万亿第年月日号人起元%名列排位今近约超周等级点大类个"
    "“”，。：\n公安局破获案件抓获嫌疑热线拨打电话半观摩双全省同类城市名"
)


def _unguarded(extractor: FigureExtractor) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{body})" for name, body in extractor.branches.items()))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_first_character_tests_change_no_match_in_the_seeds(prefix: str) -> None:
    extractor = FigureExtractor()
    text = Normalizer().normalize(seed(prefix).read_text("utf-8")).text
    found = [(m.span(), m.lastgroup) for m in extractor.pattern.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in _unguarded(extractor).finditer(text)]
    assert found  # the seeds have figures


@given(st.text(alphabet=_SCAN_ALPHABET + "接大超逾过去明前同当上居", max_size=300))
@settings(max_examples=300, deadline=None)
def test_first_character_tests_change_no_match(text: str) -> None:
    extractor = FigureExtractor()
    assert [(m.span(), m.lastgroup) for m in extractor.pattern.finditer(text)] == [
        (m.span(), m.lastgroup) for m in _unguarded(extractor).finditer(text)
    ]


@given(
    st.text(
        alphabet=_SCAN_ALPHABET + "等功级周年小时类第三方清零千家万户不二独一无数十几热线拨致电",
        max_size=300,
    )
)
@settings(max_examples=300, deadline=None)
def test_first_character_test_of_exclusions_changes_no_match(text: str) -> None:
    from policetext.datafiles import shipped_lines

    patterns = [line.split("\t", 1)[1] for line in shipped_lines("figure_exclusions.txt")]
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    guarded = FigureExtractor().exclusions
    assert guarded.pattern.startswith("(?=[")  # the test is in place
    assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]


# ---- what the faster scan relies on --------------------------------------------
def test_up_and_down_words_never_overlap() -> None:
    """One scan reads both directions of change (``_CHANGE``): right only while no
    up word's first or last character is a down word's last or first."""
    from policetext.figures import _DOWN_WORDS, _UP_WORDS

    assert {w[0] for w in _UP_WORDS}.isdisjoint(w[0] for w in _DOWN_WORDS)
    assert {w[-1] for w in _UP_WORDS}.isdisjoint(w[0] for w in _DOWN_WORDS)
    assert {w[-1] for w in _DOWN_WORDS}.isdisjoint(w[0] for w in _UP_WORDS)
    assert all(len(w) == 2 for w in (*_UP_WORDS, *_DOWN_WORDS))


def test_no_exclusion_is_empty() -> None:
    """Exclusions are kept as a mask of characters: an empty one could not be."""
    from re import _parser  # type: ignore[attr-defined]

    from policetext.figures import _QUOTED

    for pattern in (FigureExtractor().exclusions, _QUOTED):
        assert _parser.parse(pattern.pattern).getwidth()[0] >= 1


@given(st.text(alphabet=_SCAN_ALPHABET + "上升下降增长减少同比环比较去年、和及与", max_size=200))
@settings(max_examples=300, deadline=None)
def test_change_and_context_as_read_character_by_character(text: str) -> None:
    """The clause, context and change read with regexes agree with a plain reading."""
    up = re.compile("|".join(("上升", "提升", "提高", "增长", "增加", "上涨", "攀升", "增幅",
                              "增至", "升至", "扩大")))  # fmt: skip
    down = re.compile("|".join(("下降", "减少", "降低", "缩短", "下滑", "减小", "压降",
                                "降幅", "回落", "降至", "缩减")))  # fmt: skip
    previous = None
    for record in EXTRACTOR.find(text):
        start, end = record.start, record.end
        left = start
        while left > 0 and text[left - 1] not in "，。；！？\n" and start - left < 30:
            left -= 1
        right = end
        while right < len(text) and text[right] not in "，。；！？\n" and right - end < 30:
            right += 1
        assert record.context == text[left:right]
        clause = start
        while clause > 0 and text[clause - 1] not in "，。；！？\n、：“”" and start - clause < 40:
            clause -= 1
        window = text[max(clause, previous.end if previous else 0, start - 16) : start]
        if not (previous and not window.strip("、和及与") and previous.end >= start - 1):
            ups = [m.end() for m in up.finditer(window)]
            downs = [m.end() for m in down.finditer(window)]
            expected = None
            if ups or downs:
                expected = "up" if max(ups, default=-1) > max(downs, default=-1) else "down"
            assert record.change == expected
        previous = record


@given(st.text(alphabet=_SCAN_ALPHABET + "分之接大超逾过" + "分之" * 5, max_size=200))
@settings(max_examples=300, deadline=None)
def test_the_look_for_fen_zhi_changes_no_fraction(text: str) -> None:
    """The fraction branch first looks for 分之 after a run of numeral characters: a
    shortcut only while every approximation word and numeral is written with them."""
    from policetext.figures import _NUMERAL_RUN

    branch = EXTRACTOR.branches["fraction"]
    shortcut = f"(?={_NUMERAL_RUN}分之)"
    assert branch.startswith(shortcut)
    found = [(m.span(), m.groups()) for m in re.finditer(branch, text)]
    assert found == [(m.span(), m.groups()) for m in re.finditer(branch[len(shortcut) :], text)]


# ---- counting without records (what stats reports) ------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "成都市公安局今年1至10月共破获电诈案件2300余起，同比上升12.5%，挽回损失3.2亿元。",
        "拨打110报警，民警5分钟到场；荣立二等功1次，“两抢一盗”案件下降三成。",
        "全省排名第3位，第一个实现清零，一心一意为民，近一半案件在24小时内侦破。",
        "",
    ],
)
def test_count_is_the_number_of_records(sentence: str) -> None:
    text = NORMALIZER.normalize(sentence).text
    assert EXTRACTOR.count(text) == len(EXTRACTOR.find(text))


@given(st.text(alphabet=_SCAN_ALPHABET + "接大超逾过去明前同当上居", max_size=300))
@settings(max_examples=200, deadline=None)
def test_count_agrees_with_find(text: str) -> None:
    assert EXTRACTOR.count(text) == len(EXTRACTOR.find(text))


def test_count_agrees_with_find_on_the_seeds() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = NORMALIZER.normalize(path.read_text("utf-8")).text
        assert EXTRACTOR.count(text) == len(EXTRACTOR.find(text)) > 0
