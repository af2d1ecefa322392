"""The normalised-text cache: hits, stale entries, corrupt entries."""

from __future__ import annotations

import json
import os
from pathlib import Path

from policetext import Config, Pipeline
from policetext.cache import NormalizedCache
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
