"""OpenCC's table of convertible characters and the fast test for them."""

from __future__ import annotations

import pytest

from policetext.convertible import Convertibles

T2S = Convertibles("t2s")


@pytest.mark.parametrize("char", ["濱", "臺", "後", "於", "乾"])
def test_traditional_characters_are_convertible(char: str) -> None:
    assert char in T2S.chars


@pytest.mark.parametrize("char", ["滨", "公", "安", "局", "1", "a"])
def test_simplified_characters_are_not(char: str) -> None:
    assert char not in T2S.chars


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("滨州公安\n濱州公安\n公安", [False, True, False]),
        ("然後\n然后", [True, False]),  # 後 is inside GB2312: the second test finds it
        ("&#28657;濱\n滨", [True, False]),  # a written reference: the plain test
    ],
)
def test_lines_holding_a_convertible(text: str, lines: list[bool]) -> None:
    found = T2S.lines(text)
    assert found is not None
    assert found[1] == lines


def test_no_line_holds_one() -> None:
    assert T2S.lines("滨州市公安局\n破获案件12起") is None


@pytest.mark.parametrize("conversion", ["t2s", "tw2s", "hk2s"])
def test_every_entry_that_converts_holds_a_convertible_character(conversion: str) -> None:
    # what lets a stretch without one be kept as it is (StretchConverter): the
    # reimplementation changes text only where an entry whose first value is not
    # its key matches, and every such key holds a convertible character
    from policetext.convertible import _dictionary_files
    from policetext.engines import pure_opencc_root

    chars = Convertibles(conversion).chars
    root = pure_opencc_root() / "dictionary"
    for name in _dictionary_files(conversion):
        for line in (root / name).read_text("utf-8").splitlines():
            key, _, values = line.strip().partition("\t")
            if key and values.split(" ")[0] != key:
                assert not chars.isdisjoint(key), (name, key)
