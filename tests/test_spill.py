"""Spill: results written to a private temporary file, read back in order, removed."""

from __future__ import annotations

import gc
from collections import Counter

import pytest

from policetext.spill import Spill


@pytest.mark.parametrize(
    "items",
    [[], [Counter({"派出所": 2})], [("a.txt", Counter({"民警": 1}), {"region": "滨州"})] * 3],
    ids=["none", "one", "several"],
)
def test_read_back_in_order_as_often_as_needed(items: list) -> None:
    with Spill() as spill:
        for item in items:
            spill.append(item)
        assert list(spill) == items
        assert list(spill) == items  # a second pass reads the same
        assert len(spill) == len(items)


def test_the_file_and_its_directory_are_removed_on_close() -> None:
    spill: Spill[int] = Spill()
    spill.append(1)
    directory = spill.directory
    assert spill.path.exists()
    spill.close()
    assert not directory.exists()
    with pytest.raises(ValueError, match="closed"):
        spill.append(2)
    spill.close()  # closing twice is harmless


def test_a_spill_left_open_is_removed_when_collected() -> None:
    spill: Spill[int] = Spill()
    spill.append(1)
    directory = spill.directory
    del spill
    gc.collect()
    assert not directory.exists()


def test_appending_between_passes_extends_the_next() -> None:
    with Spill[int]() as spill:
        spill.append(1)
        assert list(spill) == [1]
        spill.append(2)
        assert list(spill) == [1, 2]
