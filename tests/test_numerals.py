"""Numeral grammar: every way a number is written reads back to the same value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext.numerals import adjacent_range, is_grouped, parse_chinese, parse_number

DIGIT_CHARS = "零一二三四五六七八九"


def _section(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese numerals; a section after a higher one (not
    ``leading``) that lacks its thousands starts with 零 (一万零五十)."""
    out = []
    zero = not leading and n < 1000
    for scale, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // scale % 10
        if digit:
            if zero and out:
                out.append("零")
            zero = False
            out.append(DIGIT_CHARS[digit] + name)
        else:
            zero = zero or bool(out)
    text = "".join(out)
    if leading and text.startswith("一十"):
        text = text[1:]  # 十五, not 一十五, at the start of a number
    return ("零" if not leading and n < 1000 else "") + text


def to_chinese(n: int) -> str:
    """A non-negative integer in standard Chinese numerals (an independent writer)."""
    if n == 0:
        return "零"
    parts, leading = [], True
    for scale, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        section = n // scale % 10**4 if scale < 10**8 else n // scale
        if section:
            parts.append(
                (to_chinese(section) if scale == 10**8 else _section(section, leading)) + name
            )
            leading = False
        elif not leading and n % scale:
            pass  # a zero section: the next one starts with 零 itself
    return "".join(parts)


def spaced(n: int, space: str = " ") -> str:
    """Digits with thousands grouped by ``space`` (48 316)."""
    return f"{n:,}".replace(",", space)


def mixed(n: int) -> str:
    """Mixed scales: Arabic pieces with 亿 and 万 (2亿4570万, 3万零500)."""
    high, rest = divmod(n, 10**8)
    mid, low = divmod(rest, 10**4)
    out = ""
    if high:
        out += f"{high}亿"
    if mid:
        out += ("零" if high and mid < 1000 else "") + f"{mid}万"
    if low:
        skipped = low < 1000 or (high and not mid)  # 1亿零1000: a place left empty
        out += ("零" if out and skipped else "") + str(low)
    return out or "0"


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_every_way_of_writing_an_integer_reads_the_same(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(spaced(n)) == n
    assert parse_number(spaced(n, "\u2009")) == n
    assert parse_number(spaced(n, "，")) == n  # a full-width comma
    assert parse_number(to_chinese(n)) == n
    assert parse_number(mixed(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=1, max_value=99))
def test_decimals_read_the_same_in_digits_and_with_dian(whole: int, hundredths: int) -> None:
    fraction = f"{hundredths:02d}".rstrip("0")
    value = float(f"{whole}.{fraction}")
    chinese = to_chinese(whole) + "点" + "".join(DIGIT_CHARS[int(d)] for d in fraction)
    assert parse_number(f"{whole}.{fraction}") == pytest.approx(value)
    assert parse_number(chinese) == pytest.approx(value)
    # with a scale: 3.5亿 and 三点五亿 are the same sum
    assert parse_number(chinese + "亿") == pytest.approx(value * 10**8)
    assert parse_number(f"{whole}.{fraction}万") == pytest.approx(value * 10**4)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1000, max_value=9999))
def test_a_tail_after_wan_that_fills_its_places_adds(high: int, low: int) -> None:
    assert parse_number(f"{high}万{low}") == high * 10**4 + low
    assert parse_number(f"{high}万{low:,}") == high * 10**4 + low


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("48 316", 48316),
        ("12，345，678", 12345678),
        ("1\u202f250\u202f000", 1250000),
        ("2亿4570万", 245700000),
        ("2236万5000", 22365000),
        ("3万1,406", 31406),
        ("3万零500", 30500),
        ("两万3000", 23000),
        ("3万两千", 32000),
        ("六万四千三百二十八", 64328),
        ("二千零五十七", 2057),
        ("一万零五十", 10050),
        ("三点五亿", 350000000),
        ("四十七点九", 47.9),
        ("零点五", 0.5),
        ("廿三", 23),
        ("廿", 20),
        ("卅一", 31),
        ("千六", 1600),
        ("百七", 170),
        ("三百五", 350),
        ("万五", 15000),
        ("一万五", 15000),
        ("十万五", 105000),
        ("两亿三", 230000000),
        ("2万5", 25000),
        ("两万", 20000),
        ("九万三三七九", 93379),
        ("七万九三一", 70931),
        ("六二九亿二四二四万", 62924240000),
        ("二〇二一", 2021),
        ("二二", 22),
        ("一百零五", 105),
        ("十", 10),
    ],
)
def test_every_form_of_the_issue(numeral: str, value: int | float) -> None:
    assert parse_number(numeral) == pytest.approx(value)


@pytest.mark.parametrize(
    "numeral",
    [
        "2万50",  # 20050 or 25000: not read rather than read wrong
        "1亿5000",  # 100005000 or 150000000
        "3万12,345",  # a tail bigger than its scale
        "2021 123",  # four digits are no thousands group
        "2021，345",
        "三四百",  # two digits with no unit between
        "十百",
        "点",
        "三点五分",
        "",
        "亿万",  # 亿万群众: a phrase
    ],
)
def test_what_is_not_one_number_raises(numeral: str) -> None:
    with pytest.raises(ValueError):
        parse_number(numeral)


def test_chinese_numeral_reader_and_helpers() -> None:
    assert parse_chinese("一亿二千万") == 120_000_000
    assert adjacent_range("四五") == (4, 5)
    assert adjacent_range("两三") == (2, 3)
    assert adjacent_range("三四百") == (300, 400)
    assert adjacent_range("七八千") == (7000, 8000)
    assert adjacent_range("两三万") == (20000, 30000)
    assert adjacent_range("四六") is None
    assert adjacent_range("三四五") is None
    assert adjacent_range("十五") is None
    assert is_grouped("48 316") and is_grouped("1,200") and not is_grouped("2021 123")
