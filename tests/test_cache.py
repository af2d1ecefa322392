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


def test_second_read_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline, path = make(tmp_path)
    first = pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    assert json.loads(entry.read_text("utf-8"))["text"] == first.text

    def unread(self: Source) -> bytes:
        raise AssertionError("read the file instead of the cache")

    monkeypatch.setattr(Source, "read_bytes", unread)
    second = Pipeline(pipeline.config).parse_source(Source(str(path), path))
    assert second.text == first.text == "滨州市公安局台子派出所民警走访群众。"


def test_same_size_rewrite_with_its_time_put_back_is_not_served_stale(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    info = path.stat()
    with open(path, "r+b") as handle:  # the same inode, the same size, the old time
        handle.write(TEXT.replace("濱州", "杭州").encode("utf-8"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    second = Pipeline(pipeline.config).parse_source(Source(str(path), path))
    assert second.text.startswith("杭州")


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


# ---- nobody else feeds the cache (issue 23) ----------------------------------------
@pytest.fixture(scope="module")
def other_uid() -> int:
    """A second user's id (made with useradd when the tests run as root)."""
    import pwd
    import shutil
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("needs root to give files to a second user")
    name = "policetext-other"
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        pytest.skip("no useradd to make a second user")
    made = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip(f"useradd failed: {made.stderr.decode(errors='replace').strip()}")
    return pwd.getpwnam(name).pw_uid


def test_cache_directories_are_made_private(tmp_path: Path) -> None:
    import stat

    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    for folder in (tmp_path / "cache", tmp_path / "cache" / "normalized", entry.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def _planted(tmp_path: Path) -> tuple[Pipeline, Path, Path]:
    """A cache entry with a valid key and checksum holding another article's text."""
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    data = json.loads(entry.read_text("utf-8"))
    data["text"] = "假冒的文本"
    import hashlib

    data["sha256"] = hashlib.sha256(data["text"].encode("utf-8")).hexdigest()
    entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert NormalizedCache(pipeline.config).get(path)["text"] == "假冒的文本"  # it would be used
    return pipeline, path, entry


def test_an_entry_of_another_user_is_not_read(tmp_path: Path, other_uid: int) -> None:
    pipeline, path, entry = _planted(tmp_path)
    os.chown(entry, other_uid, -1)
    assert NormalizedCache(pipeline.config).get(path) is None
    assert pipeline.parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"


def test_a_directory_of_another_user_is_not_read_or_written(tmp_path: Path, other_uid: int) -> None:
    pipeline, path, entry = _planted(tmp_path)
    os.chown(entry.parent, other_uid, -1)
    assert NormalizedCache(pipeline.config).get(path) is None
    before = entry.read_bytes()
    pipeline.parse_path(path)  # would write the entry again
    assert entry.read_bytes() == before


@pytest.mark.parametrize("target", ["entry", "folder"])
def test_an_entry_others_can_write_is_not_read(tmp_path: Path, target: str) -> None:
    pipeline, path, entry = _planted(tmp_path)
    os.chmod(entry if target == "entry" else entry.parent, 0o777 if target == "folder" else 0o666)
    assert NormalizedCache(pipeline.config).get(path) is None


def test_a_link_in_the_cache_is_not_followed(tmp_path: Path) -> None:
    pipeline, path, entry = _planted(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert NormalizedCache(pipeline.config).get(path) is None


def test_deeply_nested_json_entry_is_ignored(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    (entry,) = entries(tmp_path)
    entry.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert NormalizedCache(pipeline.config).get(path) is None
    assert pipeline.parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"


def test_a_derived_file_of_another_user_never_reaches_the_caller(
    tmp_path: Path, other_uid: int
) -> None:
    """A planted prefix dictionary (bytes that go to marshal) is made again instead."""
    from policetext.cache import _header

    source = tmp_path / "dict.txt"
    source.write_text("公安局 100 n\n", "utf-8")
    cache = tmp_path / "cache"
    calls: list[int] = []
    assert derived_bytes(source, cache, "jieba-prefix", _derive_counting(calls, b"good")) == b"good"
    (kept,) = (cache / "derived").glob("jieba-prefix-*")
    identity = [str(source.resolve()), source.stat().st_size, source.stat().st_mtime_ns]
    kept.write_bytes(_header(b"evil", identity) + b"evil")  # a valid checksum
    assert derived_bytes(source, cache, "jieba-prefix", _derive_counting(calls, b"good")) == b"evil"
    os.chown(kept, other_uid, -1)
    got = derived_bytes(source, cache, "jieba-prefix", _derive_counting(calls, b"good"))
    assert got == b"good" and len(calls) == 2
