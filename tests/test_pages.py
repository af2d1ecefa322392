"""Pages into articles: markup, furniture, titles and bylines on crafted page shapes.

Each case of ``cases/pages.jsonl`` is a page of our own making (a news portal, a
police bureau site, an e-paper, a WeChat copy, a Weibo post, a forum thread, a
Hong Kong, Macao or Taiwan site) with what normalisation must make of it: the
title as printed (``null`` when the body comes first), byline fields, pieces
that must be gone (``absent``) or kept (``present``), and publication lines kept
as metadata (``furniture_has``). Known misses carry ``"xfail": "why"``.
"""

from __future__ import annotations

import pytest

from policetext import Config, Normalizer

from .conftest import GOLD, case_param, load_cases, needs_gold

CASES = load_cases("pages.jsonl")
NORMALIZER = Normalizer()
FIELDS = ("source", "reporters", "correspondents", "editor")


def _params() -> list:
    return [case_param(case) for case in CASES]


@pytest.mark.parametrize("case", _params())
def test_page(case: dict) -> None:
    result = NORMALIZER.normalize(case["input"])
    assert result.byline.title == case["title"]
    for name in FIELDS:
        if name in case:
            assert getattr(result.byline, name) == case[name], name
    for piece in case.get("absent", ()):
        assert piece not in result.text + "\n", piece
    for piece in case.get("present", ()):
        assert piece in result.text, piece
    for line in case.get("furniture_has", ()):
        assert line in result.byline.furniture


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_page_normalisation_is_idempotent(case: dict) -> None:
    once = NORMALIZER.normalize(case["input"]).text
    assert NORMALIZER.normalize(once).text == once


def test_there_are_enough_page_shapes() -> None:
    assert len(CASES) >= 80
    assert len({c["label"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("skip", "kept"),
    [
        ("markup", "4<!--AD-->.5万人"),
        ("furniture", "当前位置：首页 > 新闻"),
    ],
)
def test_markup_and_furniture_can_be_kept(skip: str, kept: str) -> None:
    page = f"当前位置：首页 > 新闻\n抓获4<!--AD-->.5万人。{'长春警方开展夏季行动。' * 5}"
    assert kept in Normalizer(Config(skip={skip})).normalize(page).text


def test_a_comment_no_longer_splits_a_number() -> None:
    from policetext import Pipeline
    from policetext.figures import FigureExtractor

    doc = Pipeline().parse_text("长春警方通报\n全年共接待群众4<!--AD-->.5万人次。")
    values = [figure.value for figure in FigureExtractor().figures(doc)]
    assert 45000 in values and 5 not in values and 50000 not in values


def test_publication_lines_reach_the_document() -> None:
    from policetext import Pipeline

    line = "发布时间：2024-03-15 09:31 来源：赣州日报"
    page = f"章贡警方破获电诈案\n{line}\n" + "警方破获一起案件。" * 8
    doc = Pipeline().parse_text(page)
    assert doc.title == "章贡警方破获电诈案"
    assert doc.furniture == (line,)
    assert doc.source == "赣州日报"
    assert "furniture" not in doc.metadata_row()


@needs_gold
def test_dev_titles() -> None:
    """The headlines of the dev pages (read from ../shared, never copied here)."""
    import json
    import unicodedata

    from policetext import Pipeline

    def squash(title: str) -> str:  # as the scorer compares titles
        return "".join(unicodedata.normalize("NFKC", title).split())

    gold = [json.loads(line) for line in (GOLD / "dev" / "gold.jsonl").open(encoding="utf-8")]
    titled = [g for g in gold if g.get("title")]
    pipeline = Pipeline()
    right = 0
    for g in titled:
        title = pipeline.parse_path(GOLD / "dev" / "corpus" / g["doc"]).title or ""
        right += squash(title) == squash(g["title"])
    assert right / len(titled) >= 0.85
