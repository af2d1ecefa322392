"""Chinese numeral grammar: 两, 十二, 一百二十, 二〇二一, 1,200, 1.6万, 百分之二十, 三分之一.

>>> parse_number("一百二十")
120
>>> parse_number("1.6万")
16000
>>> parse_number("二〇二一")
2021
"""

from __future__ import annotations

import re
from functools import lru_cache

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)([十百千万亿]*)$")


def _small(text: str) -> int:
    """A numeral below 万: 三千零五十, 十二, 二十."""
    total = 0
    digit: int | None = None
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            total += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        else:
            raise ValueError(text)
    return total + (digit or 0)


def parse_chinese(text: str) -> int:
    """Value of a Chinese numeral; digit strings (二〇二一) read digit by digit."""
    if not text:
        raise ValueError(text)
    if all(c in DIGITS for c in text) and len(text) > 1:
        return int("".join(str(DIGITS[c]) for c in text))
    total = 0
    rest = text
    for unit, scale in (("亿", BIG_UNITS["亿"]), ("万", BIG_UNITS["万"])):
        if unit in rest:
            head, _, rest = rest.partition(unit)
            total += (parse_chinese(head) if head else 1) * scale
    return total + (_small(rest) if rest else 0)


@lru_cache(maxsize=4096)  # a pure function of a string; articles repeat their numerals
def parse_number(text: str) -> int | float:
    """Value of an Arabic (with scale characters) or Chinese numeral."""
    match = _ARABIC.match(text)
    if match:
        number = match.group(1).replace(",", "")
        value: float = float(number) if "." in number else int(number)
        for char in match.group(2):
            value *= {**SMALL_UNITS, **BIG_UNITS}[char]
        return _tidy(value)
    return parse_chinese(text)


def _tidy(value: float) -> int | float:
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


def adjacent_range(text: str) -> tuple[int, int] | None:
    """``四五`` → (4, 5): two consecutive digits mean "four or five"."""
    if len(text) == 2 and all(c in DIGITS and c not in "零〇两" for c in text):
        low, high = DIGITS[text[0]], DIGITS[text[1]]
        if high == low + 1:
            return low, high
    return None
