"""The fast engines (rjieba, the OpenCC binding) give the default stack's output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext import Config, Pipeline
from policetext.cli import cli
from policetext.engines import fast_converter, has_rjieba, pure_converter

from .conftest import SEEDS, seed

needs_fast = pytest.mark.skipif(not has_rjieba(), reason="the fast extra (rjieba) is not installed")


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
