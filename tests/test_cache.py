"""The normalised-text cache: hits, stale entries, corrupt entries."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from policetext import Config, Pipeline
from policetext.cache import NormalizedCache, derived_bytes
from policetext.io import Source

TEXT = "濱州市公安局臺子派出所民警走訪群眾。"


def make(tmp_path: Path) -> tuple[Pipeline, Path]:
    config = Config(cache_dir=tmp_path / "cache", use_cache=True)
    path = tmp_path / "a.txt"
    path.write_text(TEXT, "utf-8")
    return Pipeline(config), path


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "normalized").rglob("*.json"))


def test_second_read_comes_from_the_cache(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    first = pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    assert json.loads(entry.read_text("utf-8"))["text"] == first.text
    # same size and modification time, other bytes: only a cache hit returns the old text
    info = path.stat()
    path.write_text(TEXT.replace("濱州", "杭州"), "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    second = Pipeline(pipeline.config).parse_source(Source(str(path), path))
    assert second.text == first.text == "滨州市公安局台子派出所民警走访群众。"
    fresh = Pipeline(Config(cache_dir=tmp_path / "cache", use_cache=False)).parse_path(path)
    assert fresh.text.startswith("杭州")


def test_changed_file_is_not_served_stale(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    path.write_text("杭州市公安局西湖区分局", "utf-8")
    os.utime(path, ns=(1, 1))
    assert pipeline.parse_path(path).text == "杭州市公安局西湖区分局"


def test_corrupt_entry_is_rebuilt(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    data = json.loads(entry.read_text("utf-8"))
    data["text"] = "篡改过的文本"  # checksum no longer matches
    entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert NormalizedCache(pipeline.config).get(path) is None
    assert pipeline.parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"
    entry.write_text("{not json", "utf-8")
    assert pipeline.parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"


def test_settings_are_part_of_the_key(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    kept = Pipeline(Config(cache_dir=tmp_path / "cache", use_cache=True, conversion=None))
    assert kept.parse_path(path).text == TEXT


# ---- derived files: what policetext makes of another package's files -------------
def _derive_counting(calls: list[int], data: bytes) -> Callable[[], bytes]:
    def derive() -> bytes:
        calls.append(1)
        return data

    return derive


def test_derived_bytes_are_made_once_and_kept(tmp_path: Path) -> None:
    source = tmp_path / "table.txt"
    source.write_text("甲 1\n", "utf-8")
    calls: list[int] = []
    derive = _derive_counting(calls, b"sorted\n")
    assert derived_bytes(source, tmp_path / "cache", "kind", derive) == b"sorted\n"
    assert derived_bytes(source, tmp_path / "cache", "kind", derive) == b"sorted\n"
    assert len(calls) == 1
    assert derived_bytes(source, tmp_path / "cache", "other", derive) == b"sorted\n"
    assert len(calls) == 2  # another kind of derivation is kept apart


def test_derived_bytes_follow_a_changed_source(tmp_path: Path) -> None:
    source = tmp_path / "table.txt"
    source.write_text("甲 1\n", "utf-8")
    assert derived_bytes(source, tmp_path, "kind", lambda: b"old") == b"old"
    source.write_text("甲 1\n乙 2\n", "utf-8")  # another size
    assert derived_bytes(source, tmp_path, "kind", lambda: b"new") == b"new"
    os.utime(source, ns=(1, 1))  # the same size, another modification time
    assert derived_bytes(source, tmp_path, "kind", lambda: b"newer") == b"newer"


@pytest.mark.parametrize("damage", [b"", b"garbage", b"policetext derived 1 00000000\nx"])
def test_damaged_derived_files_are_made_again(tmp_path: Path, damage: bytes) -> None:
    source = tmp_path / "table.txt"
    source.write_text("甲 1\n", "utf-8")
    derived_bytes(source, tmp_path, "kind", lambda: b"right")
    (kept,) = (tmp_path / "derived").iterdir()
    kept.write_bytes(damage)
    assert derived_bytes(source, tmp_path, "kind", lambda: b"right") == b"right"
    assert kept.read_bytes().endswith(b"\nright")  # and kept again


def test_derived_bytes_without_a_usable_cache(tmp_path: Path) -> None:
    source = tmp_path / "table.txt"
    source.write_text("甲 1\n", "utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("", "utf-8")  # a cache directory that cannot be made
    assert derived_bytes(source, blocked, "kind", lambda: b"made") == b"made"
    assert derived_bytes(source, None, "kind", lambda: b"made") == b"made"


def _kinds(cache: Path) -> list[str]:
    return sorted(p.name.rsplit("-", 1)[0] for p in (cache / "derived").iterdir())


def test_derived_files_of_a_changed_or_gone_source_are_removed(tmp_path: Path) -> None:
    upgraded, removed, other = (tmp_path / n for n in ("upgraded.txt", "removed.txt", "other.txt"))
    for source in (upgraded, removed, other):
        source.write_text("甲 1\n", "utf-8")
        derived_bytes(source, tmp_path, "kind", lambda: b"old")
    derived_bytes(other, tmp_path, "another", lambda: b"old")
    (tmp_path / "derived" / "kind-oldformat").write_bytes(b"policetext derived 1 0\nx")
    removed.unlink()
    upgraded.write_text("甲 1\n乙 2\n", "utf-8")  # as a new release of the package
    assert _kinds(tmp_path) == ["another", *["kind"] * 4]
    assert derived_bytes(upgraded, tmp_path, "kind", lambda: b"new") == b"new"
    # left: the upgraded source's new file, the other source's (it is as it was), and
    # the other kind's; gone: the old file of the upgraded source and of the removed
    # one, and the file of another format
    assert _kinds(tmp_path) == ["another", "kind", "kind"]
    assert derived_bytes(other, tmp_path, "kind", lambda: b"made again") == b"old"
    assert derived_bytes(upgraded, tmp_path, "kind", lambda: b"made again") == b"new"
