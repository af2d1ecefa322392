"""Named units: crafted sentences from many provinces, the gold scorer, resolution."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Pipeline
from policetext.cli import cli
from policetext.units import UnitExtractor

from .conftest import SEEDS, case_param, gold_metrics, load_cases, needs_gold

CASES = load_cases("units.jsonl")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
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


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("绵阳市召开会议。市公安局通报情况。", "德阳市召开会议。市公安局通报情况。"),
        ("德阳市参加。涪城区、涪城警方汇报。", "公安部通报。"),
    ],
)
def test_the_article_city_is_worked_out_once_per_word_counts(
    first: str, second: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # units and stats' place ask for the city of the same counts: the second ask
    # is answered from the first, and other counts are worked out afresh
    pipeline = Pipeline()
    docs = [pipeline.parse_text(text, segment=True) for text in (first, second)]
    extractor = pipeline.units
    fresh = [UnitExtractor().article_place(d.word_counts) for d in docs]
    asked: list[Counter[str]] = []
    work_out = extractor._city_of_counts
    monkeypatch.setattr(extractor, "_city_of_counts", lambda c: asked.append(c) or work_out(c))
    for doc, place in zip(docs, fresh, strict=True):
        extractor.units(doc)
        assert extractor.article_place(doc.word_counts) == place
        assert extractor.article_place(Counter(doc.word_counts)) == place  # other counts
    assert len(asked) == 4


SPACED_PARTS = st.lists(
    st.sampled_from(["市", "公安局", "滨州", "分局", "派出所", "沾化", "支队", "各", "交警",
                     "大队", "，", "。", " ", "\n", "\u3000", "\n\n", "绵阳", "涪城区",
                     # types over several tokens, references, quotes, cut places
                     "该", "警司处", "四棵", "树", "中队", "“", "”", "净网", "办公室", "分驻",
                     "所", "员警", "勤工", "反", "电信网络诈骗", "中心", "北", "警局", "与前",
                     "镇", "分局长", "泰", "和", "边防", "港航", "第三"]),
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


# ---- regions, Hong Kong, Macao and Taiwan parents, the tree as JSON ----
@pytest.mark.parametrize(
    ("text", "written", "region", "parent"),
    [
        # 中山 and 东区 are mainland places too: a Taiwan article's units stay in Taiwan
        ("中山分局员警巡逻，中山分局表示，台北市政府警察局中山分局将加强取缔。",
         "中山分局", "台湾", "台北市政府警察局"),
        ("东区分驻所员警受理报案，东区分驻所表示已移送侦办。", "东区分驻所", "台湾", None),
        ("湾仔警区警员拘捕男子。", "湾仔警区", "香港", "香港警务处"),
        # a mainland article's bare station takes its city's bureau and province
        ("泉州市公安局通报，泉州警方破获案件，城东派出所民警参与。", "城东派出所", "福建省",
         "泉州市公安局"),
        # the Ministry and its bureaus belong to no province
        ("公安部治安管理局部署行动。", "公安部治安管理局", "", "公安部"),
    ],
)  # fmt: skip
def test_regions_and_parents(
    pipeline: Pipeline, text: str, written: str, region: str, parent: str | None
) -> None:
    records = {u.text: u for u in pipeline.parse(text).units}
    assert records[written].region == region
    assert records[written].parent == parent


def test_a_short_form_takes_the_full_name_the_article_gives(pipeline: Pipeline) -> None:
    text = "西双版纳傣族自治州景洪市公安局召开会议。景洪市公安局民警表示，嘎洒派出所将加强巡逻。" \
        "景洪市公安局嘎洒派出所所长介绍情况。"  # fmt: skip
    names = {u.text: u.name for u in pipeline.parse(text).units}
    assert names["西双版纳傣族自治州景洪市公安局"] == names["景洪市公安局"] == "景洪市公安局"
    assert names["嘎洒派出所"] == "景洪市公安局嘎洒派出所"


def test_region_in_every_output_format() -> None:
    for fmt in ("tsv", "csv", "json", "jsonl"):
        result = CliRunner().invoke(cli, ["units", "--format", fmt, str(SEEDS)])
        assert result.exit_code == 0, result.stderr
        assert "region" in result.stdout
        assert "山东省" in result.stdout


def test_tree_as_json_keeps_unresolved_short_forms_of_each_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("县公安局民警巡逻。省公安厅通报。", "utf-8")
    (tmp_path / "b.txt").write_text("县公安局召开会议，省公安厅派员指导。", "utf-8")
    result = CliRunner().invoke(cli, ["units", "--tree", "--corpus", "--format", "json",
                                      str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (tree,) = json.loads(result.stdout)
    names = sorted(node["name"] for node in tree["units"])
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")
    assert names == sorted(
        [f"县公安局 [{a}]", f"县公安局 [{b}]", f"省公安厅 [{a}]", f"省公安厅 [{b}]"]
    )


def test_tree_nodes_place_the_new_levels() -> None:
    from policetext.units import unit_tree_nodes

    def row(name: str, parent: str | None, level: str, region: str = "") -> dict:
        return {"doc": "a", "name": name, "parent": parent, "level": level, "region": region}

    rows = [
        row("公安部刑事侦查局", "公安部", "bureau"),
        row("治安管理局", "公安部", "bureau"),
        row("油尖警区", "香港警务处", "district", "香港"),
        row("刑事警察局", "警政署", "region", "台湾"),
        row("刑事警察局", "警政署", "region", "台湾"),
    ]
    tree = {node["name"]: node for node in unit_tree_nodes(rows)}
    assert sorted(tree) == ["公安部", "警政署", "香港警务处"]
    assert [c["name"] for c in tree["公安部"]["children"]] == ["公安部刑事侦查局", "治安管理局"]
    assert tree["警政署"]["children"][0]["mentions"] == 2
    assert tree["香港警务处"]["region"] == "香港"
    assert tree["公安部"]["mentions"] == 0


def test_the_corpus_tree_keeps_unresolved_short_forms_apart() -> None:
    """市公安局 of two articles about no known city are two nodes, not one, in the
    flat tree the report draws as in units --tree --corpus."""
    from policetext.units import unit_tree

    rows = [
        {"doc": doc, "name": "市公安局", "parent": None, "level": "city", "region": ""}
        for doc in ("a.txt", "b.txt")
    ] + [{"doc": "a.txt", "name": "滨州市公安局", "parent": None, "level": "city",
          "region": "山东省"}]  # fmt: skip
    names = [name for name, _, _ in unit_tree(rows)]
    assert names == ["市公安局 [a.txt]", "市公安局 [b.txt]", "滨州市公安局"]
