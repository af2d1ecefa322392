"""Chinese numeral grammar: every way police writing puts a number down.

Arabic digits with comma or space groups (``1,200``, ``48 316``, Hong Kong and Macao
write a space or thin space), scale characters after them (``1.6万``), mixed scales
(``2亿4570万``, ``2236万5000``, ``3万1,406``), Chinese numerals in full
(``六万四千三百二十八``, ``二千零五十七``), decimals with 点 (``三点五亿``,
``四十七点九``), 廿/卅/卌, colloquial short forms (``千六`` 1600, ``百七`` 170, ``万五``
15000) and digit-by-digit strings (``二〇二一``; Taiwan writes ``九万三三七九`` for
93379 and ``六二九亿`` for 629亿).

>>> parse_number("一百二十")
120
>>> parse_number("1.6万")
16000
>>> parse_number("二〇二一")
2021
>>> parse_number("2亿4570万")
245700000
>>> parse_number("三点五亿")
350000000
>>> parse_number("千六")
1600
>>> parse_number("48 316")
48316
"""

from __future__ import annotations

import re
from functools import lru_cache

# ○ (a white circle) stands for 〇 in many typed years (二○二三年)
DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
#: tens written as one character (廿三日 = 23日)
TENS = {"廿": 20, "卅": 30, "卌": 40}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
#: every scale character and its value
SCALES = {**SMALL_UNITS, **BIG_UNITS}
CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿廿卅卌点"
#: the spaces that group thousands: space, no-break space, thin spaces (PDF, HK, Macao)
GROUP_SPACES = " \u00a0\u2009\u202f"
_GROUPED = re.compile(rf"^\d{{1,3}}(?:[,，{GROUP_SPACES}]\d{{3}})+(?:\.\d+)?$")
# one piece of a mixed number: digits (grouped or not) or Chinese, then a scale
_ARABIC = re.compile(
    rf"^((?:\d+(?:,\d{{3}})*|\d{{1,3}}(?:[{GROUP_SPACES}，]\d{{3}})+)(?:\.\d+)?)([十百千万亿]*)$"
)
# (a 零 before a piece marks an empty place: 1亿零1万)
_MIXED_PIECE = re.compile(
    rf"[零〇]?(\d+(?:[,{GROUP_SPACES}]\d{{3}})*(?:\.\d+)?|[^\d万亿]+)?([万亿])"
)


def _digit_string(text: str) -> int | None:
    """``二〇二一`` → 2021, ``三三七九`` → 3379: two or more digits read one by one."""
    if len(text) > 1 and all(c in DIGITS and c != "两" for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    return None


def _small(text: str) -> int:
    """A numeral below 万: 三千零五十, 十二, 二十, 廿四, 千六 (1600), 百七 (170)."""
    if not text:
        raise ValueError(text)
    digits = _digit_string(text)
    if digits is not None:
        return digits
    total = 0
    digit: int | None = None
    last_scale = 0  # the scale of the unit just read, for the short form 千六
    zero_seen = False
    for char in text:
        if char in DIGITS:
            if digit is not None and char not in "零〇○":
                raise ValueError(text)  # 三四百: two digits with no unit between
            digit = DIGITS[char]
            if char in "零〇○":
                zero_seen, digit = True, None
        elif char in TENS:
            if digit is not None or total:
                raise ValueError(text)
            total, last_scale = TENS[char], 10
        elif char in SMALL_UNITS:
            scale = SMALL_UNITS[char]
            if last_scale and scale >= last_scale:
                raise ValueError(text)  # 十百, 百百: units not falling
            total += (1 if digit is None else digit) * scale
            digit, last_scale, zero_seen = None, scale, False
        else:
            raise ValueError(text)
    if digit is not None and last_scale >= 100 and not zero_seen:
        return total + digit * last_scale // 10  # 千六 = 1600, 三百五 = 350
    return total + (digit or 0)


def _integer(text: str, short_scale: int = 0) -> int:
    """A Chinese numeral without 点; ``short_scale`` is the scale of the big unit
    written just before it (万五: a lone digit after 万 is thousands)."""
    if not text:
        raise ValueError(text)
    total = 0
    rest = text
    for unit in ("亿", "万"):
        if unit in rest:
            head, _, rest = rest.partition(unit)
            if not head and total:
                raise ValueError(text)  # 亿万 (亿万群众): a phrase, not 100010000
            total += (_integer(head) if head else 1) * BIG_UNITS[unit]
            short_scale = BIG_UNITS[unit]
    if not rest:
        return total
    if total and len(rest) == 1 and rest in DIGITS and rest not in "零〇":
        return total + DIGITS[rest] * short_scale // 10  # 一万五 = 15000, 两亿三
    if total and rest[0] in "零〇":
        rest = rest.lstrip("零〇")  # 一万零五十 = 10050
        if not rest:
            return total
        digits = _digit_string(rest)
        return total + (digits if digits is not None else _small(rest))
    return total + _small(rest)


def parse_chinese(text: str) -> int | float:
    """Value of a Chinese numeral; digit strings (二〇二一) read digit by digit, 点
    is the decimal point (三点五 = 3.5, 三点五亿 = 350000000)."""
    if not text:
        raise ValueError(text)
    if "点" in text:
        whole, _, rest = text.partition("点")
        scale = 1
        while rest and rest[-1] in "万亿":
            scale *= BIG_UNITS[rest[-1]]
            rest = rest[:-1]
        if not rest or any(c not in DIGITS for c in rest):
            raise ValueError(text)  # 三点五分 or 十点半: not a decimal
        fraction = float("0." + "".join(str(DIGITS[c]) for c in rest))
        return _tidy(((_integer(whole) if whole else 0) + fraction) * scale)
    return _integer(text)


def _arabic(number: str, scales: str) -> int | float:
    number = number.replace(",", "").replace("，", "")
    for space in GROUP_SPACES:
        number = number.replace(space, "")
    value: float = float(number) if "." in number else int(number)
    for char in scales:
        value *= SCALES[char]
    return _tidy(value)


@lru_cache(maxsize=4096)  # a pure function of a string; articles repeat their numerals
def parse_number(text: str) -> int | float:
    """Value of an Arabic (with groups and scale characters), Chinese or mixed
    numeral (``2亿4570万``, ``3万1,406``); raises ``ValueError`` on anything else."""
    match = _ARABIC.match(text)
    if match:
        return _arabic(match.group(1), match.group(2))
    if not any(c.isdigit() for c in text):
        return parse_chinese(text)
    return _parse_mixed(text)


def _parse_mixed(text: str) -> int | float:
    """A number of pieces, each Arabic or Chinese and ending in 万 or 亿, in falling
    scale, then what is below 万: ``2亿4570万``, ``2236万5000``, ``3万1,406``."""
    total: float = 0
    at = 0
    last = 10**17
    for piece in _MIXED_PIECE.finditer(text):
        if piece.start() != at:
            raise ValueError(text)
        head, unit = piece.group(1), piece.group(2)
        scale = BIG_UNITS[unit]
        if scale >= last:
            raise ValueError(text)  # 万亿 as a compound scale is read by parse_chinese
        total += (parse_number(head) if head else 1) * scale
        at, last = piece.end(), scale
    rest = text[at:]
    if rest:
        if not at:
            raise ValueError(text)
        total += _tail(rest, last, text)
    return _tidy(total)


def _tail(rest: str, scale: int, text: str) -> int | float:
    """What follows the last 万 or 亿 of a mixed number: a lone digit is the short
    form (2万5 = 25000); Arabic digits must fill the places below the scale (万 takes
    three or four, 亿 seven or eight: 1亿5000 could mean 1.5亿), else the number is
    not read rather than read wrong."""
    if rest[0] in "零〇":
        value = parse_number(rest.lstrip("零〇"))
    elif len(rest) == 1 and (rest.isdigit() or rest in DIGITS):
        return (int(rest) if rest.isdigit() else DIGITS[rest]) * scale // 10
    else:
        value = parse_number(rest)
        places = sum(c.isdigit() for c in rest.partition(".")[0])
        if places and not len(str(scale)) - 2 <= places <= len(str(scale)) - 1:
            raise ValueError(text)  # 2万50, 1亿5000: ambiguous
    if value >= scale:
        raise ValueError(text)  # 3万12,345: the tail does not fit below its scale
    return value


def _tidy(value: float) -> int | float:
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


def adjacent_range(text: str) -> tuple[int, int] | None:
    """``四五`` → (4, 5): two consecutive digits mean "four or five"; a scale after
    them scales both (``三四百`` → (300, 400), ``两三万`` → (20000, 30000))."""
    if len(text) < 2 or text[0] not in DIGITS or text[1] not in DIGITS:
        return None
    low, high = DIGITS[text[0]], DIGITS[text[1]]
    if text[0] in "零〇○" or text[1] in "零〇○两" or high != low + 1:
        return None
    scales = text[2:]
    if any(c not in SMALL_UNITS and c not in BIG_UNITS for c in scales):
        return None
    if not scales:
        return low, high
    try:
        return parse_chinese(text[0] + scales), parse_chinese(text[1] + scales)  # type: ignore[return-value]
    except ValueError:
        return None


def is_grouped(text: str) -> bool:
    """Whether ``text`` is digits in groups of three (``1,200``, ``48 316``)."""
    return bool(_GROUPED.match(text))
