"""HTML left in scraped text: comments, tags, entities."""

from __future__ import annotations

import pytest

from policetext.markup import strip_markup


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("抓获4<!--AD-->.5万人", "抓获4.5万人"),
        ("共&nbsp;12&nbsp;人", "共 12 人"),
        ("共&nbsp12人", "共 12人"),  # the ";" left out, as browsers allow
        ("&ldquo;反诈&rdquo;", "“反诈”"),
        ("A&amp;B", "A&B"),
        ("&amp;nbsp;", " "),  # escaped twice
        ("&#25552;&#x9192;", "提醒"),
        ("<p>一</p><p>二</p>", "\n一\n\n二\n"),
        ("一<br>二<br/>三<BR />四", "一\n二\n三\n四"),
        ('<span style="font-size: 16px;">正文</span>', "正文"),
        ("<p style='a>b'>正文</p>", "\n正文\n"),
        ("<script>var n = 1024;</script>正文", "正文"),
        ("<style>.a{width:100%}</style>正文", "正文"),
        ("正文<!-- 未闭合", "正文"),
        ("<o:p></o:p>正文", "正文"),
    ],
)
def test_markup_is_removed_or_decoded(text: str, expected: str) -> None:
    assert strip_markup(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "酒精含量<20mg/100ml",
        "a < b",
        "《刑法》第266条",
        "1<2>0",
        "<<警察法>>",
        "A&B公司",
        "&无实体;",
    ],
)
def test_text_that_only_looks_like_markup_stays(text: str) -> None:
    assert strip_markup(text) == (text, 0)


def test_pieces_are_counted() -> None:
    # two tags, one comment, one entity
    assert strip_markup("<b>共</b><!--x-->&nbsp;人")[1] == 4


@pytest.mark.parametrize(
    "text",
    ['<p "' * 20000, "<!--" * 20000, "<script>" * 20000, '<a title="x' * 20000, "<" * 100000],
)
def test_stray_markup_costs_a_bounded_look(text: str) -> None:
    import time

    started = time.process_time()
    strip_markup(text)
    assert time.process_time() - started < 2  # each is about 0.03 s: quadratic would be minutes


def test_an_open_comment_ends_at_its_line() -> None:
    assert strip_markup("正文<!-- 未闭合\n下一行")[0] == "正文\n下一行"


def test_an_open_script_loses_its_tag_only() -> None:
    assert strip_markup("<script>正文")[0] == "正文"
