"""The fast engines (rjieba, the OpenCC binding) give the default stack's output."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import Config, Pipeline
from policetext.cli import cli
from policetext.engines import (
    RJIEBA_ONLY_HAN_ASTRAL,
    RJIEBA_ONLY_HAN_BMP,
    StretchConverter,
    _as_class,
    fast_converter,
    has_rjieba,
    pure_converter,
)
from policetext.segment import Segmenter

from .conftest import GOLD, SEEDS, seed

needs_fast = pytest.mark.skipif(not has_rjieba(), reason="the fast extra (rjieba) is not installed")
DEV_CORPUS = GOLD / "dev" / "corpus"
needs_dev = pytest.mark.skipif(
    not DEV_CORPUS.is_dir(), reason="dev pages under ../shared/gold/dev/corpus not present"
)
# dictionary words holding letters, digits and marks, for both engines to keep whole
USER_DICT = "# words with marks\nCOVID-19\nv2.5 10 nz\nwx_rich 5\n3.14\nA-1 3\n云剑行动\n"


@pytest.fixture(scope="module")
def engines() -> tuple[Segmenter, Segmenter]:
    """jieba and rjieba with the shipped dictionaries."""
    return Pipeline(Config(engine="jieba")).segmenter, Pipeline(Config(engine="rjieba")).segmenter


@pytest.fixture(scope="module")
def engines_with_user_dict(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Segmenter, Segmenter]:
    """jieba and rjieba with a user dictionary of words holding marks."""
    user_dict = tmp_path_factory.mktemp("dict") / "marks.txt"
    user_dict.write_text(USER_DICT, "utf-8")
    return tuple(  # type: ignore[return-value]
        Pipeline(Config(engine=engine, user_dicts=(user_dict,))).segmenter
        for engine in ("jieba", "rjieba")
    )


@needs_fast
@pytest.mark.parametrize(
    "command",
    [
        ["stats", "--format", "json"],
        ["keywords", "--format", "tsv"],
        ["figures", "--format", "tsv"],
        ["units", "--format", "tsv"],
        ["segment"],
        ["normalize"],
        ["grep", "-w", "派出所", "--format", "tsv"],
        ["compare", str(seed("000")), str(seed("004")), "--format", "tsv"],
    ],
    ids=lambda c: c[0],
)
def test_rjieba_output_equals_jieba_output(command: list[str]) -> None:
    paths = [] if command[0] == "compare" else [str(SEEDS)]
    runs = [
        CliRunner().invoke(cli, [*command, "--engine", engine, *paths])
        for engine in ("jieba", "rjieba")
    ]
    assert runs[0].exit_code == runs[1].exit_code == 0, runs[1].stderr
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout


@needs_fast
def test_user_dictionary_words_cut_alike(tmp_path: Path) -> None:
    # entries without a frequency: both engines must suggest the same one
    user_dict = tmp_path / "mine.txt"
    user_dict.write_text(
        "# a unit and a campaign of another province\n云剑行动\n琼海市博鳌边防派出所 10 nt\n"
    )
    text = "海南省公安厅部署云剑行动，琼海市博鳌边防派出所民警抓获逃犯3人，深化平安建设。"
    cuts = []
    for engine in ("jieba", "rjieba"):
        pipeline = Pipeline(Config(engine=engine, user_dicts=(user_dict,)))
        cuts.append([t.text for t in pipeline.parse_text(text, segment=True).tokens])
    assert cuts[0] == cuts[1]
    assert "云剑行动" in cuts[0] and "琼海市博鳌边防派出所" in cuts[0]


@needs_fast
def test_rjieba_cuts_a_whole_article_as_jieba_does() -> None:
    text = "\n".join(path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt")))
    jieba_cut = Pipeline(Config(engine="jieba")).segmenter.cut(text)
    rjieba_cut = Pipeline(Config(engine="rjieba")).segmenter.cut(text)
    assert jieba_cut == rjieba_cut


@pytest.mark.parametrize("conversion", ["t2s", "hk2s"])
def test_opencc_binding_converts_as_the_reimplementation(conversion: str) -> None:
    fast = fast_converter(conversion)
    if fast is None:
        pytest.skip("the OpenCC binding is not installed")
    pure = pure_converter(conversion)
    traditional = seed("003").read_text("utf-8")
    # the seeds in traditional script (Taiwan and Hong Kong forms) as well
    for to_traditional in ("s2t", "s2tw", "s2hk"):
        simplified = "\n".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt")))
        traditional += pure_converter(to_traditional)(simplified)
    assert fast(traditional) == pure(traditional)


@pytest.mark.parametrize("conversion", ["t2s", "tw2s", "hk2s"])
def test_stretch_converter_converts_as_the_reimplementation(conversion: str) -> None:
    # each stretch between separators converted once and remembered: the same text
    remembered, pure = StretchConverter(conversion), pure_converter(conversion)
    traditional = seed("003").read_text("utf-8")
    for to_traditional in ("s2t", "s2tw", "s2hk"):
        simplified = "\n".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt")))
        traditional += pure_converter(to_traditional)(simplified)
    lines = traditional.split("\n")
    for text in (traditional, *lines, *lines):  # the lines again: from the memory
        assert remembered(text) == pure(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="乾隆後來見習記者臺灣發現於 \n,，。-—「」　?!*…abc12", max_size=60))
def test_stretch_converter_on_any_text(text: str) -> None:
    assert STRETCHES(text) == PURE_T2S(text)


STRETCHES, PURE_T2S = StretchConverter("t2s"), pure_converter("t2s")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\u3000\u00a0\u2028-,.?!*，。、…“”「」—／＼【】乾後a1", max_size=40))
def test_separators_as_a_class_split_as_the_reimplementation(text: str) -> None:
    separators = PURE_T2S.__self__.split_chars_re  # type: ignore[attr-defined]
    assert _as_class(separators) is not separators
    assert _as_class(separators).split(text) == separators.split(text)


def test_tw2s_keeps_the_reimplementation() -> None:
    # OpenCC's newer Taiwan dictionaries differ (什麼 → 什么, not 什幺): not equivalent
    assert fast_converter("tw2s") is None


def test_a_missing_fast_engine_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("policetext.engines.has_rjieba", lambda: False)
    result = CliRunner().invoke(cli, ["stats", "--engine", "rjieba", str(SEEDS)])
    assert result.exit_code == 2
    assert "pip install 'policetext[fast]'" in result.stderr
    assert "Traceback" not in result.output


def test_auto_falls_back_to_jieba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("policetext.engines.has_rjieba", lambda: False)
    assert Pipeline(Config(engine="auto")).segmenter.engine == "jieba"


# Text of the kinds scraped pages hold beside Chinese prose: dates, figures,
# URLs, e-mail addresses, HTML left in the text, file names, code words.
_CHINESE = st.sampled_from(
    "公安局 民警 抓获 犯罪嫌疑人 同比下降 上升 年 月 日 号 的 了 在 中 国 破获 案件 起 人 万元 "
    "发布 来源 记者 通讯员 派出所 云剑行动 T恤 卡拉OK U盘 4S店 IP地址 阿Q 1号店 PH值 X光".split()
)
_LATIN = st.sampled_from(
    "a Z ok wx rich media content font size px max width style css jpg png html www gov cn "
    "com http https C++ C# AT&T c++ COVID v2 nbsp amp span".split()
)
_PUNCTUATION = st.sampled_from(
    [*string.punctuation, "，", "。", "：", "、", "（", "）", "“", "”", "%", "‰", "～"]
)
_SPACE = st.sampled_from([" ", "\n", "\r\n", "\t", "\u3000", "\xa0"])
_NUMBER = st.integers(0, 100_000).map(str)
_DATE = st.builds(
    lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d}",
    st.integers(1990, 2030),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(["-", ".", "/", "_", "年"]),
)
_PERCENT = st.builds(
    lambda whole, part, sign: f"{whole}.{part}{sign}",
    st.integers(0, 999),
    st.integers(0, 99),
    st.sampled_from(["%", "%%", "", "-", ".5"]),
)
_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)
_URL = st.builds(
    lambda scheme, host, path, name, ext: f"{scheme}://www.{host}.gov.cn/{path}/{name}.{ext}",
    st.sampled_from(["http", "https"]),
    _WORD,
    st.sampled_from(["a_b", "c-d", "2020-08/01", "art_12.3"]),
    _WORD,
    st.sampled_from(["html", "shtml", "jpg", "png"]),
)
_EMAIL = st.builds(lambda user, host: f"{user}@{host}.com.cn", _WORD, _WORD)
_MARKUP = st.sampled_from(
    [
        '<font size="3">',
        "</font>",
        "&nbsp;",
        "&amp;",
        "<br/>",
        '<span style="max-width: 100%; box-sizing: border-box;">',
        'class="wx_rich_media_content"',
        'powered-by="xiumi.us"',
        "9c4e07d1.jpg",
    ]
)
# characters jieba leaves out of its blocks and rjieba takes in as Han
_RARE_HAN = st.sampled_from(["㐀", "䶵", "鿖", "鿿", "豈", "𠀀", "𪜀", "〇"])
_MARKED = st.text(alphabet="ab19+#&._%-中国安T恤OK", min_size=1, max_size=12)
_SCRAPED = st.lists(
    st.one_of(
        _CHINESE,
        _LATIN,
        _PUNCTUATION,
        _SPACE,
        _NUMBER,
        _DATE,
        _PERCENT,
        _WORD,
        _URL,
        _EMAIL,
        _MARKUP,
        _RARE_HAN,
        _MARKED,
    ),
    max_size=30,
).map("".join)


@needs_fast
@settings(max_examples=1000, deadline=None)
@given(_SCRAPED)
def test_rjieba_cuts_scraped_text_as_jieba(engines: tuple[Segmenter, Segmenter], text: str) -> None:
    jieba_engine, rjieba_engine = engines
    assert rjieba_engine.cut(text) == jieba_engine.cut(text)


@needs_fast
@settings(max_examples=300, deadline=None)
@given(_SCRAPED)
def test_rjieba_cuts_as_jieba_with_user_words_holding_marks(
    engines_with_user_dict: tuple[Segmenter, Segmenter], text: str
) -> None:
    jieba_engine, rjieba_engine = engines_with_user_dict
    assert rjieba_engine.cut(text) == jieba_engine.cut(text)


@needs_fast
@pytest.mark.parametrize(
    ("label", "text", "words"),
    [
        ("date", "于2020-8-1发布", ["于", "2020", "-", "8", "-", "1", "发布"]),
        ("file name", "图片9c4e.jpg", ["图片", "9c4e", ".", "jpg"]),
        ("attribute", "wx_media_content", ["wx", "_", "media", "_", "content"]),
        ("figure with a decimal part", "下降6.9%，", ["下降", "6.9%", "，"]),
        ("two decimal parts", "版本1.5.6%", ["版本", "1.5", ".", "6%"]),
        ("dictionary word in a run", "C++-1", ["C++", "-", "1"]),
        ("dictionary word reaching in from Han", "卡拉OK-1", ["卡拉", "OK", "-", "1"]),
        ("user word with a mark", "COVID-19疫情", ["COVID-19", "疫情"]),
        ("extension A", "中㐀㐁文", ["中", "㐀", "㐁", "文"]),
        ("extension B", "1𠀀𠀁2", ["1", "𠀀", "𠀁", "2"]),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else "",
)
def test_rjieba_cuts_marked_runs_and_rare_han_as_jieba(
    engines_with_user_dict: tuple[Segmenter, Segmenter], label: str, text: str, words: list[str]
) -> None:
    jieba_engine, rjieba_engine = engines_with_user_dict
    assert jieba_engine.cut(text) == words, label
    assert rjieba_engine.cut(text) == words, label


@pytest.fixture
def zero_frequency_dict(tmp_path: Path) -> Iterator[Path]:
    """A user dictionary giving words the frequency 0 (jieba's way to delete one);
    jieba keeps them in a process-wide set, restored afterwards."""
    from jieba import finalseg

    kept = set(finalseg.Force_Split_Words)
    path = tmp_path / "zero.txt"
    path.write_text("中国 0\n民警 0\n公安局长 0\na-b 0\nT恤 0\n", "utf-8")
    yield path
    finalseg.Force_Split_Words.clear()
    finalseg.Force_Split_Words.update(kept)


@needs_fast
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("我爱中国，滨州市公安局长与民警抓获逃犯", id="Han words"),
        pytest.param("a-b中国, a-b-c", id="a word with a mark"),
        pytest.param(
            "ZT恤OK-1",
            id="letters and Han",
            # jieba-rs's dictionary still joins T恤; it cannot delete a word
            marks=pytest.mark.xfail(strict=True, reason="jieba-rs keeps T恤 at frequency 0"),
        ),
    ],
)
def test_words_of_frequency_zero_cut_alike(zero_frequency_dict: Path, text: str) -> None:
    cuts = [
        Pipeline(Config(engine=engine, user_dicts=(zero_frequency_dict,))).segmenter.cut(text)
        for engine in ("jieba", "rjieba")
    ]
    assert cuts[0] == cuts[1]
    assert "中国" not in cuts[0] and "a-b" not in cuts[0]


def _figure_pieces() -> list[str]:
    """Every piece of a few figures, as a dictionary word taking the rest leaves it."""
    figures = ("12345", "6.9%", "2.18", "100%", "13.35%", "0.5")
    return sorted(
        {f[i:j] for f in figures for i in range(len(f)) for j in range(i + 1, len(f) + 1)}
    )


@needs_fast
@pytest.mark.parametrize("piece", _figure_pieces())
def test_rjieba_cuts_every_piece_of_a_figure_as_jieba(
    engines: tuple[Segmenter, Segmenter], piece: str
) -> None:
    # figures are left out of the runs cut again (for speed): that holds only if
    # jieba-rs cuts each piece of one as jieba does, next to dictionary words that
    # hold digits or letters (1号店, 4S店, N年) or not
    jieba_engine, rjieba_engine = engines
    for context in ("{}", "同比{}，", "{}号店", "1{}", "{}N年", "4S{}", "A{}", "{}%"):
        text = context.format(piece)
        assert rjieba_engine.cut(text) == jieba_engine.cut(text), text


@needs_fast
def test_a_long_run_of_letters_digits_and_marks(engines: tuple[Segmenter, Segmenter]) -> None:
    # an encoded blob left in a scraped page: one run thousands of characters long
    jieba_engine, rjieba_engine = engines
    blob = "".join(f"aB{i}_x-{i % 7}.{i}" for i in range(800)) + "9" * 3000
    text = f"图片{blob}，民警{blob[::-1]}"
    assert rjieba_engine.cut(text) == jieba_engine.cut(text)


def _range_ends() -> list[str]:
    """The first and last character of each range rjieba alone takes as Han, and
    the characters just outside them."""
    ends = []
    for low, high in re.findall(r"(.)-(.)", RJIEBA_ONLY_HAN_BMP + RJIEBA_ONLY_HAN_ASTRAL):
        ends += [chr(ord(low) - 1), low, high, chr(ord(high) + 1)]
    return ends


@needs_fast
@pytest.mark.parametrize("char", _range_ends(), ids=lambda char: f"U+{ord(char):04X}")
def test_rjieba_cuts_the_ends_of_its_wider_han_range_as_jieba(
    engines: tuple[Segmenter, Segmenter], char: str
) -> None:
    jieba_engine, rjieba_engine = engines
    for text in (char * 2, f"中{char}{char}文", f"1{char}{char}2", f"a-{char}-b"):
        assert rjieba_engine.cut(text) == jieba_engine.cut(text), text


@needs_fast
@needs_dev
def test_rjieba_cuts_the_dev_pages_as_jieba(engines: tuple[Segmenter, Segmenter]) -> None:
    # real pages from many provinces, Hong Kong, Macao and Taiwan, scraped with
    # dates, file names and HTML left in: the whole raw text, token for token
    jieba_engine, rjieba_engine = engines
    pages = sorted(DEV_CORPUS.glob("*.txt"))
    assert pages
    differ = [
        page.name
        for page in pages
        if rjieba_engine.cut(text := page.read_text("utf-8")) != jieba_engine.cut(text)
    ]
    assert differ == []


@needs_fast
@needs_dev
@pytest.mark.parametrize("command", ["stats", "segment"])
def test_rjieba_output_equals_jieba_output_on_the_dev_pages(command: str) -> None:
    runs = [
        CliRunner().invoke(cli, [command, "--engine", engine, str(DEV_CORPUS)])
        for engine in ("jieba", "rjieba")
    ]
    assert runs[0].exit_code == runs[1].exit_code == 0, runs[1].stderr
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout
