"""Normalisation: golden cases, the seed corpus, and properties."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Config, Normalizer, normalize
from policetext.engines import StretchConverter, pure_converter
from policetext.normalize import (
    NOISE_MARK,
    NormalizeCounts,
    collapse_stutter,
    count_han,
    fix_width,
    strip_pinyin,
)

from .conftest import load_cases, seed

CASES = load_cases("normalize.jsonl")
NORMALIZER = Normalizer()


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_golden_case(case: dict) -> None:
    assert NORMALIZER.normalize(case["input"]).text == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_golden_case_is_idempotent(case: dict) -> None:
    once = NORMALIZER.normalize(case["input"]).text
    assert NORMALIZER.normalize(once).text == once


# ---- seed 003: traditional, pinyin, garbled GBK --------------------------------
def _seed003() -> tuple[str, str]:
    raw = seed("003").read_text("utf-8")
    return raw, NORMALIZER.normalize(raw).text


def test_seed003_has_no_pinyin_left() -> None:
    raw, text = _seed003()
    # independent count: parenthesised Latin letters right after a Han character
    annotations = re.findall(r"[\u4e00-\u9fff]\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", raw)
    assert len(annotations) > 150
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text)
    assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)


def test_seed003_pinyin_count_matches_independent_count() -> None:
    raw = seed("003").read_text("utf-8")
    annotations = re.findall(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", raw)
    assert NORMALIZER.normalize(raw).counts.pinyin_removed == len(annotations)


@pytest.mark.parametrize("repaired", ["抗击新冠疫情中，滨州公安从快从严", "滨州公安牢固树立"])
def test_seed003_garbled_stretches_are_repaired(repaired: str) -> None:
    _, text = _seed003()
    assert repaired in text


def test_seed003_keeps_real_parenthesis_and_converts() -> None:
    _, text = _seed003()
    assert "县（市、区）" in text
    assert "滨州市公安局台子派出所" in text
    assert "濱" not in text and "?" not in text


def test_seed003_byline_becomes_metadata() -> None:
    result = NORMALIZER.normalize(seed("003").read_text("utf-8"))
    assert result.byline.reporters == ["姜东良", "李娜"]
    assert result.byline.correspondents == ["张锦程"]
    assert result.byline.editor == ["王占平"]
    assert "本刊记者" not in result.text and "编辑" not in result.text.split("\n")[-1]
    assert result.script == "traditional"


# ---- seeds 000, 002, 004: every character kept but the listed clean-ups ----------
REMOVED = {
    "000": [],
    "002": [
        "通版阅读请点击:",
        "展开通版",
        "收缩通版",
        "当前版:05版",
        "发布日期:",
        "滨州日报/滨州网通讯员 张锦程 王硕",
        "版权所有:滨州日报  技术支持:锦华科技",
    ],
    "004": ["本报记者●王祯 通讯员●武建飞", "范志慧 摄", "(下转3版)"],
}


def _letters(text: str) -> str:
    """Han characters, digits and Latin letters: what normalisation must never lose."""
    return "".join(re.findall(r"[\u4e00-\u9fff0-9A-Za-z%]", text))


@pytest.mark.parametrize("prefix", sorted(REMOVED))
def test_seed_keeps_every_character(prefix: str) -> None:
    raw = seed(prefix).read_text("utf-8")
    expected = raw
    for piece in REMOVED[prefix]:
        assert piece in expected
        expected = expected.replace(piece, "", 1)
    text = NORMALIZER.normalize(raw).text
    assert _letters(text) == _letters(expected)


def test_seed004_bylines_and_broken_words() -> None:
    result = NORMALIZER.normalize(seed("004").read_text("utf-8"))
    assert result.byline.reporters == ["王祯"]
    assert result.byline.correspondents == ["武建飞"]
    assert "首要地位。今年以来" in result.text
    assert "服务群众" in result.text and "包头市公安局实行" in result.text
    assert result.counts.lines_rejoined == 3


def test_seed001_stutter_is_undone() -> None:
    result = NORMALIZER.normalize(seed("001").read_text("utf-8"))
    assert "为192名民警晋升职级" in result.text
    assert "，，" not in result.text and "；；" not in result.text
    assert "扎扎实实" in result.text  # reduplication elsewhere survives
    assert result.byline.source == "滨州日报/滨州网"
    assert result.byline.reporters == ["罗军"] and result.byline.correspondents == ["毕于倩"]


def test_seed001_commas_become_chinese() -> None:
    raw = seed("001").read_text("utf-8")
    text = NORMALIZER.normalize(raw).text
    assert raw.count(",") > 100
    assert "," not in text


# ---- steps can be turned off ----------------------------------------------------
@pytest.mark.parametrize(
    ("option", "text", "kept"),
    [
        ({"conversion": None}, "濱州公安", "濱州公安"),
        ({"skip": {"convert"}}, "濱州公安", "濱州公安"),
        ({"skip": {"pinyin"}}, "見習(xí)記者", "xí"),
        ({"skip": {"width"}}, "抓获１２人,其中", "１２人,其中"),
        ({"skip": {"stutter"}}, "支持,,为为192192名", "为为192192"),
        ({"skip": {"furniture"}}, "展开通版\n正文。", "展开通版"),
    ],
)
def test_each_step_can_be_turned_off(option: dict, text: str, kept: str) -> None:
    assert kept in Normalizer(Config(**option)).normalize(text).text


# ---- unit helpers ---------------------------------------------------------------
def test_strip_pinyin_needs_a_syllable() -> None:
    assert strip_pinyin("公安(xyz)") == "公安(xyz)"
    assert strip_pinyin("公安(ān)") == "公安"


def test_fix_width_leaves_code_alone() -> None:
    assert fix_width("f(x)=1,2;") == "f(x)=1,2;"


def test_collapse_stutter_only_on_stuttering_lines() -> None:
    assert collapse_stutter("为为192192名") == "为为192192名"


def test_garbled_run_that_cannot_be_repaired_is_marked() -> None:
    result = NORMALIZER.normalize("发展?fàn)I造良好环境")
    assert result.text == f"发展{NOISE_MARK}造良好环境"
    assert result.counts.garbled_repaired + result.counts.garbled_dropped == 1


def test_real_question_mark_is_not_garble() -> None:
    text = "为什么?我们用App查询"
    assert NORMALIZER.normalize(text).text == "为什么？我们用App查询"


# ---- properties -----------------------------------------------------------------
CHINESE_ISH = st.text(
    alphabet=st.sampled_from(
        list("滨州市公安局派出所濱臺轄區記者通讯员编辑摄版转今年以来为了的一二三")
        + list("0123456789１２,，;；:：()（）?？!！。、“”\n  ●/")
        + list("xíāabcIf")
        + ["\ufffd", "〓"]
    ),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(CHINESE_ISH)
def test_normalisation_is_idempotent_on_chinese_like_text(text: str) -> None:
    once = NORMALIZER.normalize(text).text
    assert NORMALIZER.normalize(once).text == once


# pieces of web pages: markup, furniture, publication lines, bylines, titles
PAGE_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br/>",
        "<!--AD-->",
        "<!-- x",
        "-->",
        "&nbsp;",
        "&amp;",
        "&amp;nbsp;",
        "&lt;p&gt;",
        "&#25552;",
        '<span style="a>b">',
        "<script>var a=1;</script>",
        "<",
        "当前位置：首页 > 新闻 > 正文",
        "首页 » 警务",
        "发布时间：2024-03-15 09:31",
        "来源：某某日报",
        "作者：张三、李四",
        "责任编辑：王五 点击数：25",
        "点击数：88",
        "字号：大 中 小",
        "【打印本页】",
        "分享到：",
        "相关新闻",
        "• 警方提醒",
        "• 抓获3人",
        "2023-02-14",
        "AAA",
        "a.jpg",
        "Connect with us",
        "版权所有：某局",
        "本报讯（记者 王五）",
        "中央社记者赵六台北5日电",
        "记者王七/花莲报导",
        "——副题",
        "“半句",
        "（资料图片）",
        "滨州警方破获一起案件",
        "抓获4.5万人。",
        "今年以来，共破获案件12起。",
        "?bào)",
        "報(bào)",
        "\n",
        "\n",
        "\n",
        " ",
        "，",
        "。",
    ]
)
PAGES = st.lists(PAGE_PIECES, max_size=24).map("".join)


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_normalisation_is_idempotent_on_page_shapes(page: str) -> None:
    once = NORMALIZER.normalize(page)
    again = NORMALIZER.normalize(once.text)
    assert again.text == once.text
    # a title found once is found again in the text that holds it
    assert once.byline.title is None or once.byline.title.split(" ")[0] in once.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_never_raises_and_is_idempotent(text: str) -> None:
    once = NORMALIZER.normalize(text).text
    assert NORMALIZER.normalize(once).text == once


# ---- the fast paths give what the plain rules say -----------------------------
@pytest.mark.parametrize(
    "paragraph",
    [
        "全市,共抓获(在逃)人员１２名;其中:外省籍3人?是!",  # many marks per character
        "滨州市公安局" * 60 + ",其中(一)a,b",  # few: one substitution per mark
        ",,,;;;:::(((,)))",  # nothing but marks: every mark is replaced, some put back
        "f(x)=1,2;a:b",  # ASCII context: the marks stay
    ],
)
def test_fix_width_is_the_same_on_one_line_and_on_many(paragraph: str) -> None:
    # a long text takes the bulk paths (replace-and-restore, or one substitution
    # per mark); each line must come out as it does alone
    one, many = NormalizeCounts(), NormalizeCounts()
    alone = fix_width(paragraph, one)
    repeated = fix_width("\n".join([paragraph] * 600), many)
    assert repeated == "\n".join([alone] * 600)
    assert many.width_fixed == 600 * one.width_fixed


@pytest.mark.parametrize(
    ("text", "convertible"),
    [
        ("乾隆年间", True),  # a convertible character that GB2312 holds
        ("見習記者", True),  # outside GB2312
        ("&#20094; 的写法", False),  # a written reference is text, not 乾
        ("&#20094; 見", True),
        ("公安机关\u00a0依法", False),  # outside GB2312 but not convertible
    ],
)
def test_has_convertible(text: str, convertible: bool) -> None:
    assert NORMALIZER.has_convertible(text) is convertible


@pytest.mark.parametrize(
    "text",
    [
        "見習記者\n滨州市公安局\n後來乾隆年間",  # traditional, simplified, GB2312 ones
        "簡體中文\n\n\n臺灣警察",  # blank lines between
        "滨州市公安局抓获逃犯10人。",  # nothing to convert
        "&#20094; 見\n乾",  # written references
        "",
    ],
)
@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_whole_text_conversion_is_the_line_by_line_one(text: str, engine: str) -> None:
    # a text is converted whole (with the OpenCC binding, or the reimplementation
    # stretch by stretch); the lines must come out, and be counted, as when only
    # the lines holding a convertible character are, by the plain converter
    normalizer = Normalizer(Config(engine=engine))
    converter = normalizer.converter
    whole, by_line = NormalizeCounts(), NormalizeCounts()
    converted = normalizer.to_simplified(text, whole)
    if isinstance(converter, StretchConverter):
        converter = pure_converter("t2s")
    assert converted == _line_by_line(normalizer, converter, text, by_line)
    assert whole.converted_chars == by_line.converted_chars


def _line_by_line(
    normalizer: Normalizer, converter: Callable[[str], str], text: str, counts: NormalizeCounts
) -> str:
    """The conversion as it was before whole texts: only the lines the convertible
    test picks, each converted alone, its changed characters counted."""
    found = normalizer.convertibles.lines(text)
    if found is None:
        return text
    out = []
    for line, convert in zip(*found, strict=True):
        if convert:
            new = converter(line)
            if len(new) == len(line):
                counts.converted_chars += sum(a != b for a, b in zip(line, new, strict=True))
            else:
                counts.converted_chars += max(1, abs(len(new) - len(line)))
            line = new
        out.append(line)
    return "\n".join(out)


def test_a_word_broken_before_trailing_blanks_and_empty_lines_is_rejoined() -> None:
    result = NORMALIZER.normalize("全市公安机关坚持以人民为中心，今 \u3000\n\n  年以来破获案件")
    assert result.text == "全市公安机关坚持以人民为中心，今年以来破获案件"
    assert result.counts.lines_rejoined == 1


def test_furniture_lines_in_a_row_are_each_removed() -> None:
    # 版面：\s* could run on into the next line; each line is judged by itself
    result = NORMALIZER.normalize("正文第一段。\n版面：\n版次：3\n正文第二段。")
    assert result.text == "正文第一段。\n正文第二段。"
    assert result.counts.furniture_removed == 2


@pytest.mark.parametrize(
    ("text", "han"),
    [
        ("", 0),
        ("ABC 123，。", 0),
        ("杭州市公安局", 6),
        ("抓获逃犯10人，下降6.9%。", 7),  # 抓获逃犯 人 下降
        ("㐀豈\U00020000", 2),  # extension A and a compatibility ideograph; not astral
        ("警務\n工作", 4),
    ],
)
def test_count_han(text: str, han: int) -> None:
    assert count_han(text) == han


# ---- the registry of steps -------------------------------------------------------
def _quiet(normalizer: Normalizer, work: normalize.Work) -> None:
    """A newcomer's step: shouting marks to plain ones."""
    work.counts.shouts_quieted += work.text.count("！！")
    work.text = work.text.replace("！！", "！")


QUIET = normalize.Step(
    "quiet", _quiet, help="Keep doubled exclamation marks.", counters=("shouts_quieted",)
)


@pytest.fixture
def with_quiet_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalize, "STEPS", (*normalize.STEPS, QUIET))


@pytest.mark.usefixtures("with_quiet_step")
def test_a_new_step_is_one_function_and_one_entry(tmp_path: Path) -> None:
    import click
    from click.testing import CliRunner

    from policetext import cli
    from policetext.cache import settings_fingerprint

    # it runs and counts
    result = Normalizer().normalize("站住！！别跑")
    assert result.text == "站住！别跑"
    assert result.counts.as_dict()["shouts_quieted"] == 1
    # Config knows its switch, and the switch turns it off
    assert "！！" in Normalizer(Config(skip={"quiet"})).normalize("站住！！别跑").text
    # the CLI's option, the report column and the cache fingerprint follow
    command = cli.input_options(click.command()(lambda **opts: None))
    assert "--no-quiet" in [opt for param in command.params for opt in param.opts]
    assert cli.build_config({"no_quiet": True}).skip == {"quiet"}
    assert "shouts_quieted" in cli.report_columns()
    assert settings_fingerprint(Config()) != settings_fingerprint(Config(skip={"quiet"}))
    page = tmp_path / "page.txt"
    page.write_text("站住！！别跑\n", encoding="utf-8")
    report = CliRunner().invoke(cli.cli, ["normalize", "--report", "--format", "csv", str(page)])
    header, row = report.stdout.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["shouts_quieted"] == "1"


def test_the_fingerprint_changes_with_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from policetext.cache import settings_fingerprint

    before = settings_fingerprint(Config())
    monkeypatch.setattr(normalize, "STEPS", (*normalize.STEPS, QUIET))
    assert settings_fingerprint(Config()) != before


@pytest.mark.parametrize("name", list(normalize.switches()))
def test_every_switch_has_an_option_and_turns_its_steps_off(name: str) -> None:
    from policetext import cli

    config = cli.build_config({f"no_{name}": True})
    assert config.skip == {name}
    running = {step.name for step in Normalizer(config).steps}
    assert running.isdisjoint(s.name for s in normalize.STEPS if s.switch == name)


def test_an_unknown_step_is_refused() -> None:
    from policetext.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown normalisation step 'shout'.*pinyin"):
        Normalizer(Config(skip=frozenset({"shout"})))


def test_counters_are_declared_once_with_their_switch() -> None:
    names = normalize.counter_names()
    assert len(names) == len(set(names))
    assert set(NormalizeCounts().as_dict()) == set(names)
    with pytest.raises(AttributeError, match="declare it on its step"):
        NormalizeCounts().shouts_quieted += 1


# ---- garble and pinyin compose ----------------------------------------------------
def _decoded_one_byte_late(text: str) -> str:
    """``text`` in GBK read one byte late as a scraper does: the orphaned first
    byte and every invalid pair become ``?`` (an invalid pair is two bytes)."""
    data, out, at = text.encode("gbk"), ["?"], 1
    while at < len(data):
        if data[at] < 0x80:
            out.append(chr(data[at]))
            at += 1
            continue
        try:
            out.append(data[at : at + 2].decode("gbk"))
        except UnicodeDecodeError:
            out.append("?")
        at += 2
    return "".join(out)


# a stretch with no trail byte in ASCII's range before 報: it ends at 報's annotation
GARBLED_TO_NOTE = "，因為高速工地修建造成出行不便，本報(bào)訊記者"


def test_garble_ending_at_a_pinyin_annotation_is_repaired() -> None:
    garbled = _decoded_one_byte_late(GARBLED_TO_NOTE)
    assert "?bào)" in garbled  # 報's trail byte and "(" read as one pair
    # the text annotates 報 elsewhere: the character is known from its lead byte
    text = NORMALIZER.normalize("報(bào)告稱：" + garbled).text
    assert text.endswith("为高速工地修建造成出行不便＃烤报讯记者")  # ，本 lost to "?"
    assert "ào" not in text


def test_garble_ending_at_an_annotation_of_an_unknown_character_is_marked() -> None:
    text = NORMALIZER.normalize(_decoded_one_byte_late(GARBLED_TO_NOTE)).text
    assert text.endswith("〓讯记者") and "ào" not in text
