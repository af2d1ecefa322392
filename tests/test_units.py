"""Named units: crafted sentences from many provinces, the gold scorer, resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Pipeline
from policetext.cli import cli

from .conftest import SEEDS, gold_metrics, load_cases, needs_gold

CASES = load_cases("units.jsonl")


def _case(case: dict) -> Any:
    """A case as a test parameter; a known miss (``xfail``: why) is a strict xfail."""
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_crafted_sentence(pipeline: Pipeline, case: dict) -> None:
    # each case: the units it must yield (all of them, in order) and those it must
    # not; where given, the name, parent and region each unit resolves to
    doc = pipeline.parse_text(case["sentence"], segment=True)
    records = pipeline.units.units(doc)
    found = [u.text for u in records]
    assert found == case["expected"]
    assert not set(found) & set(case.get("not", ()))
    by_text = {u.text: u for u in records}
    for text, name in case.get("names", {}).items():
        assert by_text[text].name == name
    for text, parent in case.get("parents", {}).items():
        assert by_text[text].parent == parent
    for text, region in case.get("regions", {}).items():
        assert by_text[text].region == region


def test_cases_cover_levels_regions_and_exclusions() -> None:
    assert len(CASES) >= 200
    assert sum(1 for c in CASES if not c["expected"]) >= 30
    labels = " ".join(c["label"] for c in CASES)
    for kind in ("left edge", "numbered", "railway", "forest", "port", "airport", "border",
                 "transit", "ministry bureau", "anti-fraud", "Hong Kong", "Macao", "Taiwan",
                 "town", "quoted", "not:", "shared district", "national"):  # fmt: skip
        assert kind in labels, kind
    provinces = {c["label"].split(": ")[1] for c in CASES if c["label"].startswith("province: ")}
    assert len(provinces) >= 20


@needs_gold
def test_gold_scorer_floors(tmp_path: Path) -> None:
    metrics = gold_metrics("units", tmp_path)
    exact = next(v for k, v in metrics.items() if "exact" in k)
    lenient = next(v for k, v in metrics.items() if "lenient" in k)
    assert exact["f1"] >= 0.85, metrics
    assert lenient["f1"] >= 0.92, metrics


@pytest.mark.parametrize(
    ("sentence", "written", "name", "parent"),
    [
        ("西安市公安局召开会议。市局党委书记讲话。", "市局", "西安市公安局", None),
        ("西安市公安局召开会议。市公安局雁塔分局汇报。", "市公安局雁塔分局", "西安市公安局雁塔分局",
         "西安市公安局"),
        ("沾化区无刑事警情。沾化分局民警巡逻。", "沾化分局", "沾化分局", "滨州市公安局"),
        ("山东省滨州市公安局台子派出所", "山东省滨州市公安局台子派出所", "滨州市公安局台子派出所",
         "滨州市公安局"),
    ],
)  # fmt: skip
def test_resolution_against_the_article_city(
    pipeline: Pipeline, sentence: str, written: str, name: str, parent: str | None
) -> None:
    doc = pipeline.parse_text(sentence, segment=True)
    records = {u.text: u for u in pipeline.units.units(doc)}
    assert records[written].name == name
    assert records[written].parent == parent


def test_every_seed_record_indexes_the_normalised_text(pipeline: Pipeline) -> None:
    for doc in pipeline.documents([SEEDS], segment=True):
        for record in pipeline.units.units(doc):
            assert doc.text[record.start : record.end] == record.text


PARTS = st.lists(
    st.sampled_from(["市", "公安局", "滨州", "分局", "派出所", "各", "支队", "沾化", "特巡警",
                     "，", "。", "市局", "政治部", "省", "公安厅", "被", "App", "交警", "中队"]),
    max_size=25,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(PARTS)
def test_offsets_hold_on_generated_text(pipeline: Pipeline, parts: list[str]) -> None:
    doc = pipeline.parse_text("".join(parts), segment=True)
    for record in pipeline.units.units(doc):
        assert doc.text[record.start : record.end] == record.text


def test_tree_output_in_a_pipe() -> None:
    result = CliRunner().invoke(cli, ["units", "--tree", "--corpus", str(SEEDS)])
    lines = result.stdout.splitlines()
    assert lines[0] == "corpus"
    assert "  滨州市公安局\t" in "\n".join(lines)
    assert any(line.startswith("    ") and "沾化分局" in line for line in lines)


# ---- autonomous prefectures: running text uses the name before the nationalities ----
@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "今年以来，西双版纳警方持续开展禁毒攻坚。西双版纳公安机关共破获毒品案件120起，"
            "市公安局禁毒支队民警表示将继续深化打击。",
            "西双版纳傣族自治州公安局禁毒支队",
        ),
        (
            "黔东南公安机关深化平安建设，黔东南各县公安局联动，市公安局指挥中心统一调度。",
            "黔东南苗族侗族自治州公安局指挥中心",
        ),
        (
            "伊犁警方破获电诈案件15起，伊犁公安机关追赃挽损，州公安局刑侦支队牵头。",
            "伊犁哈萨克自治州公安局刑侦支队",
        ),
        # a city's short name that is also a dictionary word still names the city
        ("杭州警方通报，杭州今年以来市公安局西湖分局破获案件12起。", "杭州市公安局西湖分局"),
    ],
)
def test_a_bare_city_unit_resolves_to_an_autonomous_prefecture(
    pipeline: Pipeline, text: str, name: str
) -> None:
    assert [u.name for u in pipeline.parse(text).units] == [name]


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("黔东南苗族侗族自治州", "黔东南"),
        ("西双版纳傣族自治州", "西双版纳"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("积石山保安族东乡族撒拉族自治县", "积石山"),
        ("鄂温克族自治旗", "鄂温克"),
        ("管城回族区", "管城"),
        ("龙胜各族自治县", "龙胜"),
        ("延边朝鲜族自治州", "延边"),
        ("滨州市", "滨州"),
    ],
)
def test_gazetteer_short_forms(full: str, short: str) -> None:
    # the data file, as make_gazetteer.py writes it
    from policetext.datafiles import shipped_lines

    shorts = {row.split("\t")[1]: row.split("\t")[4] for row in shipped_lines("gazetteer.txt")}
    assert shorts[full] == short


def test_zhou_outside_an_autonomous_prefecture_is_left_out(pipeline: Pipeline) -> None:
    text = "苏州警方破获案件，苏州公安机关表示，州公安局将继续打击。"
    assert [u.text for u in pipeline.parse(text).units] == []


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # two cities mentioned once each: the first mentioned is the article's
        ("绵阳市召开会议，德阳市参加。市公安局通报情况。", "绵阳市公安局"),
        ("德阳市召开会议，绵阳市参加。市公安局通报情况。", "德阳市公安局"),
        # a county counts for its city: 涪城 (绵阳) twice outweighs 德阳 once
        ("德阳市参加。涪城区、涪城警方汇报。市公安局通报。", "绵阳市公安局"),
    ],
)
def test_the_article_city_from_shared_word_counts(
    pipeline: Pipeline, sentence: str, name: str
) -> None:
    doc = pipeline.parse_text(sentence, segment=True)
    shared = pipeline.units.units(doc)  # counts the document's words once, for all
    assert [u.name for u in shared if u.text == "市公安局"] == [name]
    assert shared == pipeline.units.find(doc.text, doc.tokens)  # counting its own


SPACED_PARTS = st.lists(
    st.sampled_from(["市", "公安局", "滨州", "分局", "派出所", "沾化", "支队", "各", "交警",
                     "大队", "，", "。", " ", "\n", "\u3000", "\n\n", "绵阳", "涪城区"]),
    max_size=25,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(SPACED_PARTS)
def test_whitespace_tokens_stop_a_unit_as_a_gap_does(pipeline: Pipeline, parts: list[str]) -> None:
    # units read a segmenter's cut with its whitespace tokens in; the same tokens
    # without them (gaps between offsets) must give the same units
    text = "".join(parts)
    from_cut = pipeline.units.find(text, pipeline.segmenter.tokens(text))
    without_blanks = tuple(pipeline.segmenter.tokens(text))  # Token objects: no cut
    assert not any(token.text.isspace() for token in without_blanks)
    assert from_cut == pipeline.units.find(text, without_blanks)
