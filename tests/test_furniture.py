"""The furniture and byline reader: publication lines, bylines, the title."""

from __future__ import annotations

import pytest

from policetext.furniture import Byline, FurnitureReader, find_title

READER = FurnitureReader()
BODY = "近日，山西省临汾市公安局直属分局民警在辖区巡逻时救助一名走失群众，并将其平安送回家中。"


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：2024-03-15 09:31",
        "2024-03-15 09:31:07",
        "09月07日 21:04",
        "2024年3月15日 星期五",
        "来源：临汾长安网 责任编辑：靳萍 审核人：申末娥",
        "[警务动态] 时间：2025-12-25 14:36:51 来源：某某网 作者：某某 点击：79次",
        "2018-10-12来源：某某森林公安热度：19071",
        "作者： 来源： 日期：2024-09-25",
        "寒小秋 发表于 2020-8-1 09:24:56",
        "发表于 2021-10-21 13:23:07 | 显示全部楼层 |阅读模式",
        "原创 某某公安 2024-03-15 09:30",
        "更新时间：2024/03/15 10:20",
    ],
)
def test_publication_lines(line: str) -> None:
    assert READER.is_publication_line(line)


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "2024年3月15日，临汾警方开展夜查。",
        "涉案资金来源：境外赌博平台，共计12万元。",
        "时间就是生命",
        "2023年",
        "2023年12月",  # a chronology's heading
        "3月15日",
        "截至 2023年12月",
        "来源于群众的线索",
    ],
)
def test_not_publication_lines(line: str) -> None:
    assert not READER.is_publication_line(line)


@pytest.mark.parametrize(
    ("line", "field", "names"),
    [
        ("作者：张三、李四 来源：某某日报", "reporters", ["张三", "李四"]),
        ("来源：临汾长安网 责任编辑：靳萍 审核人：申末娥", "editor", ["靳萍", "申末娥"]),
        ("通讯员：王五 编辑：赵六", "correspondents", ["王五"]),
        ("来源：长春日报 作者：刘明", "source", "长春日报"),
        ("责任编辑：王丽 点击数：88 字号：大 中 小", "editor", ["王丽"]),
    ],
)
def test_fields_of_publication_lines(line: str, field: str, names: object) -> None:
    byline = Byline()
    READER.read_fields(line, byline)
    assert getattr(byline, field) == names


@pytest.mark.parametrize(
    ("line", "reporters", "correspondents", "editor"),
    [
        ("本报记者 王祯 通讯员 武建飞", ["王祯"], ["武建飞"], []),
        ("（记者 王五）", ["王五"], [], []),
        ("记者王兆麟/花莲报导", ["王兆麟"], [], []),
        ("责任编辑：王丽 点击数：88", [], [], ["王丽"]),
        ("长春日报社全媒体记者 王进", ["王进"], [], []),
        ("通讯员 李发建 王涛", [], ["李发建", "王涛"], []),
    ],
)
def test_byline_lines(
    line: str, reporters: list[str], correspondents: list[str], editor: list[str]
) -> None:
    byline = Byline()
    assert READER.take_byline(line, byline)
    assert (byline.reporters, byline.correspondents, byline.editor) == (
        reporters,
        correspondents,
        editor,
    )


@pytest.mark.parametrize(
    "line", ["记者从市公安局获悉，今年以来共破获案件12起。", "编辑部的故事", "通讯员会议召开"]
)
def test_not_byline_lines(line: str) -> None:
    assert not READER.take_byline(line, Byline())


@pytest.mark.parametrize(
    ("lead", "reporters", "correspondents"),
    [
        ("本报讯（记者 王五 通讯员 赵四）" + BODY, ["王五"], ["赵四"]),
        ("岳阳广电全媒体讯（通讯员 李发建）" + BODY, [], ["李发建"]),
        ("某网1月11日讯（海峡导报记者 吴敏）" + BODY, ["吴敏"], []),
        ("（中央社记者赵六台北5日电）" + BODY, ["赵六"], []),
        ("中央社记者王小明台北5日电 " + BODY, ["王小明"], []),
        ("新华社北京5月27日电（记者任小青、熊宇）" + BODY, ["任小青", "熊宇"], []),
        ("中新网南宁5月21日电（许某某）" + BODY, [], []),  # no role: no names
    ],
)
def test_bylines_in_the_lead_are_read_in_place(
    lead: str, reporters: list[str], correspondents: list[str]
) -> None:
    byline = Byline()
    READER.read_lead_bylines([lead], byline)
    assert (byline.reporters, byline.correspondents) == (reporters, correspondents)


@pytest.mark.parametrize(
    ("lead", "source"),
    [
        ("新华社北京5月27日电（记者任小青、熊宇）" + BODY, "新华社"),
        ("中新网南宁5月21日电（许某某）" + BODY, "中新网"),
        ("某地网1月11日讯 （海峡导报记者 吴敏）" + BODY, "某地网"),
        ("（中央社记者赵六台北5日电）" + BODY, "中央社"),
        ("本报北京3月5日电 " + BODY, ""),  # 本报: the outlet is not named
        ("本报讯（记者 王五）" + BODY, ""),
    ],
)
def test_the_outlet_of_a_dateline(lead: str, source: str) -> None:
    byline = Byline()
    READER.read_lead_bylines([lead], byline)
    assert byline.source == source


def _head(*pairs: str) -> list[tuple[str, str]]:
    """``kind:line`` strings as the reader's head list."""
    return [tuple(pair.split(":", 1)) for pair in pairs]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (_head("text:临汾民警帮助走失女子回家", f"text:{BODY}"), "临汾民警帮助走失女子回家"),
        (_head(f"text:{BODY}"), None),
        (_head("meta:本报记者 王五", f"text:{BODY}"), None),
        (
            _head(
                "text:即时新闻", "text:临汾警方破获一起电诈案", "meta:2024-03-15", f"text:{BODY}"
            ),
            "临汾警方破获一起电诈案",
        ),
        (_head("text:临汾警方", "text:破获电诈案", f"text:{BODY}"), "临汾警方 破获电诈案"),
        (
            _head("text:临汾警方破获电诈案", "text:——冻结资金12万元", f"text:{BODY}"),
            "临汾警方破获电诈案",
        ),
        (_head("text:（资料图片）", f"text:{BODY}"), None),
        (_head("text:“快来帮帮我", f"text:{BODY}"), None),
        (_head("text:临汾警方破获电诈案 (09:31)", f"text:{BODY}"), "临汾警方破获电诈案"),
        (
            _head(
                "text:临汾警方破获电诈案",
                "furniture:[复制链接]",
                "text:二〇二四年",
                "text:三月",
                f"text:{BODY}",
            ),
            "临汾警方破获电诈案",
        ),
        ([], None),
    ],
)
def test_find_title(head: list[tuple[str, str]], title: str | None) -> None:
    assert find_title(head) == title
