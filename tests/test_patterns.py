"""Reading what a pattern's matches start with."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext.patterns import count_runs, first_chars, literal_first_chars, search_at


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[(（](上|下)接", "(（"),
        (r"(本报|记者)?\s*摄", None),  # \s: not a few literals
        (r"\d+人", None),  # a category, not the letter d
        (r"[一-龥]{2,4}摄", None),  # a range
        (r"(?:公安局|派出所)", "公派"),
        (r"x?", None),  # can match nothing
    ],
)
def test_literal_first_chars(pattern: str, expected: str | None) -> None:
    assert literal_first_chars(pattern) == expected


def test_first_chars_follows_optional_words_and_lookarounds() -> None:
    assert first_chars(r"(?<=\d)(?:约|近)?\d+") == {"约", "近", r"\d"}


INLINE = re.compile(r"[(（](上|下)(接|转)第?\d{1,2}版[)）]|[(（]记者\s*[一-龥]{2,4}\s*摄[)）]")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("(（)）上下接转第1版记者王硕摄 a"), max_size=60))
def test_search_at_agrees_with_search(text: str) -> None:
    firsts = literal_first_chars(INLINE.pattern)
    assert firsts == "(（"
    assert search_at(INLINE, firsts, text) == (INLINE.search(text) is not None)


def _private_or_astral(char: str) -> bool:
    return 0xE000 <= ord(char) <= 0xF8FF or ord(char) > 0xFFFF


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("公安局12 ab，\n\ue000\U00020000"), max_size=80))
def test_count_runs_counts_the_characters_of_the_class(text: str) -> None:
    for runs, member in (
        (re.compile("[公安局]+"), "公安局".__contains__),
        (re.compile("[\ue000-\uf8ff\U00010000-\U0010ffff]+"), _private_or_astral),
    ):
        assert count_runs(runs, text) == sum(1 for c in text if member(c))
