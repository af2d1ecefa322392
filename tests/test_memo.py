"""Memo: decisions kept per distinct key, bounded."""

from __future__ import annotations

import pytest

from policetext.memo import Memo


def test_recall_makes_a_value_once() -> None:
    calls: list[str] = []

    def make(key: str) -> int:
        calls.append(key)
        return len(key)

    memo: Memo[str, int] = Memo(limit=10)
    assert [memo.recall(k, make) for k in ("派出所", "分局", "派出所")] == [3, 2, 3]
    assert calls == ["派出所", "分局"]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_memory_stays_within_the_limit(limit: int) -> None:
    memo: Memo[int, int] = Memo(limit=limit)
    for key in range(50):
        assert memo.recall(key, lambda k: k * k) == key * key
        assert len(memo) <= limit


def test_recall_all_answers_every_key_and_makes_only_new_ones() -> None:
    made: list[str] = []

    def make(key: str) -> bool:
        made.append(key)
        return key.endswith("局")

    memo: Memo[str, bool] = Memo(limit=100)
    first = memo.recall_all(["公安局", "民警", "公安局"], make)
    assert (first["公安局"], first["民警"]) == (True, False)
    memo.recall_all(["民警", "分局"], make)
    assert made == ["公安局", "民警", "分局"]


def test_recall_all_over_the_limit_starts_afresh_with_every_key() -> None:
    memo: Memo[int, int] = Memo(limit=3)
    memo.recall_all([1, 2], str)
    values = memo.recall_all([3, 4, 5, 6], str)  # more than the limit alone
    assert [values[k] for k in (3, 4, 5, 6)] == ["3", "4", "5", "6"]
    assert 1 not in memo
