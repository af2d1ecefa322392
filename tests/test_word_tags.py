"""WordTagIndex: parts of speech of a jieba-style dictionary by binary search."""

from __future__ import annotations

from pathlib import Path

import pytest

from policetext.errors import ConfigError
from policetext.word_tags import WordTagIndex

ENTRIES = [("派出所", "1000", "n"), ("滨州", "500", "ns"), ("抓获", "800", "v"), ("a", "5", "eng")]


@pytest.fixture
def dictionary(tmp_path: Path) -> Path:
    path = tmp_path / "dict.txt"
    path.write_text("".join(f"{w} {f} {t}\n" for w, f, t in ENTRIES), "utf-8")
    return path


@pytest.mark.parametrize("cache", [True, False])
def test_every_word_has_its_tag(dictionary: Path, tmp_path: Path, cache: bool) -> None:
    index = WordTagIndex(dictionary, tmp_path / "cache" if cache else None)
    for word, _, tag in ENTRIES:
        assert index.get(word) == tag
    assert index.get("公安局") is None
    assert index.get("\ud800") is None  # a lone surrogate (JSON input) is in no dictionary


def test_the_last_entry_of_a_word_wins(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("民警 10 n\n民警 20 nr\n", "utf-8")
    assert WordTagIndex(path, None).get("民警") == "nr"


def test_the_index_is_kept_and_rebuilt_when_the_dictionary_changes(
    dictionary: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert WordTagIndex(dictionary, cache).get("滨州") == "ns"
    kept = list((cache / "derived").glob("word-tags-*"))
    assert len(kept) == 1
    dictionary.write_text("滨州 500 nz\n", "utf-8")
    assert WordTagIndex(dictionary, cache).get("滨州") == "nz"


def test_a_malformed_dictionary_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("派出所 1000\n", "utf-8")
    with pytest.raises(ConfigError, match="word freq tag"):
        WordTagIndex(path, None).get("派出所")
