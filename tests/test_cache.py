"""The normalised-text cache: hits, stale entries, corrupt entries."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from policetext import Config, Pipeline
from policetext.cache import DATABASE, CacheDirectory, NormalizedCache, derived_bytes
from policetext.io import Source

TEXT = "濱州市公安局臺子派出所民警走訪群眾。"


def make(tmp_path: Path) -> tuple[Pipeline, Path]:
    config = Config(cache_dir=tmp_path / "cache", use_cache=True)
    path = tmp_path / "a.txt"
    path.write_text(TEXT, "utf-8")
    return Pipeline(config), path


def database(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "normalized" / DATABASE


def rows(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(path, text, facts) of every entry of the database."""
    with contextlib.closing(sqlite3.connect(database(tmp_path))) as db:
        return db.execute("SELECT path, text, facts FROM entries").fetchall()


def change(tmp_path: Path, sql: str, *values: object) -> None:
    with contextlib.closing(sqlite3.connect(database(tmp_path))) as db, db:
        db.execute(sql, values)


def test_second_read_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline, path = make(tmp_path)
    first = pipeline.parse_path(path)
    ((kept, text, _),) = rows(tmp_path)
    assert (kept, text) == (str(path.resolve()), first.text)

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


def test_changed_file_is_not_served_stale_and_its_old_entry_is_replaced(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    path.write_text("杭州市公安局西湖区分局", "utf-8")
    os.utime(path, ns=(1, 1))
    assert pipeline.parse_path(path).text == "杭州市公安局西湖区分局"
    assert [text for _, text, _ in rows(tmp_path)] == ["杭州市公安局西湖区分局"]


def test_corrupt_entry_is_rebuilt(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    change(tmp_path, "UPDATE entries SET text = ?", "篡改过的文本")  # checksum no longer matches
    assert NormalizedCache(pipeline.config).get(path) is None
    assert Pipeline(pipeline.config).parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"
    assert NormalizedCache(pipeline.config).get(path) is not None  # and kept again


def test_a_damaged_database_is_made_anew(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    for side in database(tmp_path).parent.glob(f"{DATABASE}-*"):
        side.unlink()
    database(tmp_path).write_bytes(b"{not a database" * 100)
    assert NormalizedCache(pipeline.config).get(path) is None
    assert Pipeline(pipeline.config).parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"
    assert NormalizedCache(pipeline.config).get(path) is not None


def test_settings_are_part_of_the_key(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    kept = Pipeline(Config(cache_dir=tmp_path / "cache", use_cache=True, conversion=None))
    assert kept.parse_path(path).text == TEXT
    assert len(rows(tmp_path)) == 2  # one entry for each configuration


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
    for folder in (tmp_path / "cache", tmp_path / "cache" / "normalized"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(database(tmp_path).stat().st_mode) == 0o600


def _planted(tmp_path: Path) -> tuple[Pipeline, Path, Path]:
    """A cache entry with a valid key and checksum holding another article's text."""
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    import zlib

    planted = "假冒的文本"
    checksum = f"{zlib.crc32(planted.encode('utf-8')):08x}"
    change(tmp_path, "UPDATE entries SET text = ?, checksum = ?", planted, checksum)
    assert NormalizedCache(pipeline.config).get(path)["text"] == planted  # it would be used
    return pipeline, path, database(tmp_path)


def test_an_entry_of_another_user_is_not_read(tmp_path: Path, other_uid: int) -> None:
    pipeline, path, entry = _planted(tmp_path)
    os.chown(entry, other_uid, -1)
    assert NormalizedCache(pipeline.config).get(path) is None
    assert Pipeline(pipeline.config).parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"


def test_a_directory_of_another_user_is_not_read_or_written(tmp_path: Path, other_uid: int) -> None:
    pipeline, path, entry = _planted(tmp_path)
    os.chown(entry.parent, other_uid, -1)
    assert NormalizedCache(pipeline.config).get(path) is None
    before = entry.read_bytes()
    Pipeline(pipeline.config).parse_path(path)  # would write the entry again
    assert entry.read_bytes() == before


@pytest.mark.parametrize("target", ["entry", "folder", "log"])
def test_an_entry_others_can_write_is_not_read(tmp_path: Path, target: str) -> None:
    pipeline, path, entry = _planted(tmp_path)
    if target == "log":  # SQLite's write-ahead log beside the database
        log = entry.parent / f"{DATABASE}-wal"
        log.touch()
        os.chmod(log, 0o666)
    else:
        os.chmod(
            entry if target == "entry" else entry.parent, 0o777 if target == "folder" else 0o666
        )
    assert NormalizedCache(pipeline.config).get(path) is None


def test_a_link_in_the_cache_is_not_followed(tmp_path: Path) -> None:
    pipeline, path, entry = _planted(tmp_path)
    elsewhere = tmp_path / "elsewhere.sqlite3"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert NormalizedCache(pipeline.config).get(path) is None


def test_deeply_nested_json_entry_is_ignored(tmp_path: Path) -> None:
    pipeline, path = make(tmp_path)
    pipeline.parse_path(path)
    change(tmp_path, "UPDATE entries SET facts = ?", "[" * 100_000 + "]" * 100_000)
    assert NormalizedCache(pipeline.config).get(path) is None
    assert Pipeline(pipeline.config).parse_path(path).text == "滨州市公安局台子派出所民警走访群众。"


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


# ---- looking after the cache (issue 26): report, prune, clear, maximum size ---------
def _filled(
    tmp_path: Path, names: tuple[str, ...] = ("a", "b", "c"), repeat: int = 1
) -> tuple[Pipeline, list[Path]]:
    config = Config(cache_dir=tmp_path / "cache", use_cache=True)
    pipeline = Pipeline(config)
    paths = []
    for name in names:
        path = tmp_path / f"{name}.txt"
        path.write_text(f"{name}{TEXT * repeat}", "utf-8")
        pipeline.parse_path(path)
        paths.append(path)
    return pipeline, paths


def _normalized(directory: CacheDirectory) -> dict[str, object]:
    return directory.rows()[0]


def test_the_report_counts_entries_stale_ones_and_bytes(tmp_path: Path) -> None:
    _, (a, b, _) = _filled(tmp_path)
    directory = CacheDirectory(tmp_path / "cache")
    row = _normalized(directory)
    assert (row["part"], row["entries"], row["stale"]) == ("normalized", 3, 0)
    assert row["bytes"] == sum(p.stat().st_size for p in database(tmp_path).parent.iterdir())
    assert row["max_size"] == "1.0 GiB" and str(row["size"]).endswith("KiB")
    a.unlink()
    b.write_text("杭州市公安局", "utf-8")
    assert _normalized(directory)["stale"] == 2


def test_an_absent_cache_reports_nothing(tmp_path: Path) -> None:
    rows = CacheDirectory(tmp_path / "none").rows()
    assert [(r["part"], r["entries"], r["bytes"]) for r in rows] == [
        ("normalized", 0, 0),
        ("derived", 0, 0),
    ]


def test_prune_removes_the_entries_of_files_gone_or_changed(tmp_path: Path) -> None:
    _, (a, b, c) = _filled(tmp_path)
    a.unlink()
    b.write_text("杭州市公安局", "utf-8")
    change(tmp_path, "UPDATE entries SET settings = '1 0.0.1 old' WHERE path = ?", str(c.resolve()))
    directory = CacheDirectory(tmp_path / "cache")
    assert _normalized(directory)["stale"] == 3
    row = directory.prune()[0]
    assert (row["entries"], row["stale"]) == (0, 0)
    assert rows(tmp_path) == []


def test_prune_keeps_fresh_entries_and_removes_old_format_files(tmp_path: Path) -> None:
    _, (a, _, _) = _filled(tmp_path)
    shard = tmp_path / "cache" / "normalized" / "ab"
    shard.mkdir()
    (shard / f"{'ab' * 32}.json").write_text("{}", "utf-8")  # an entry of the format before
    a.unlink()
    directory = CacheDirectory(tmp_path / "cache")
    assert _normalized(directory)["stale"] == 2
    directory.prune()
    assert sorted(Path(p).name for p, _, _ in rows(tmp_path)) == ["b.txt", "c.txt"]
    assert not shard.exists()


def test_clear_removes_every_entry_and_derived_file(tmp_path: Path) -> None:
    _filled(tmp_path)
    source = tmp_path / "table.txt"
    source.write_text("甲 1\n", "utf-8")
    derived_bytes(source, tmp_path / "cache", "kind", lambda: b"made")
    directory = CacheDirectory(tmp_path / "cache")
    assert [r["entries"] for r in directory.rows()] == [3, 1]
    after = directory.clear()
    assert [(r["entries"], r["bytes"]) for r in after] == [(0, 0), (0, 0)]
    assert list((tmp_path / "cache" / "normalized").iterdir()) == []
    assert list((tmp_path / "cache" / "derived").iterdir()) == []


@pytest.mark.parametrize(
    "foreign", ["normalized/notes.txt", "derived/kind-0123456789abcdef01234567", "normalized/ab/x"]
)
def test_clear_refuses_files_policetext_did_not_make(tmp_path: Path, foreign: str) -> None:
    from policetext.errors import PolicetextError

    _filled(tmp_path)
    planted = tmp_path / "cache" / foreign
    planted.parent.mkdir(exist_ok=True)
    planted.write_text("someone else's", "utf-8")
    with pytest.raises(PolicetextError, match="not a file policetext made"):
        CacheDirectory(tmp_path / "cache").clear()
    assert planted.exists() and len(rows(tmp_path)) == 3  # nothing was removed


def test_a_cache_directory_others_can_write_is_refused(tmp_path: Path) -> None:
    from policetext.errors import PolicetextError

    _filled(tmp_path)
    os.chmod(tmp_path / "cache" / "normalized", 0o777)
    with pytest.raises(PolicetextError, match="others can write it"):
        CacheDirectory(tmp_path / "cache").rows()


def test_the_least_recently_used_entries_go_over_the_maximum_size(tmp_path: Path) -> None:
    pipeline, paths = _filled(tmp_path, ("a", "b", "c", "d"), repeat=400)  # 22 KB each
    for day, path in enumerate(paths):  # a used first, d last
        change(tmp_path, "UPDATE entries SET used = ? WHERE path = ?", day, str(path.resolve()))
    change(tmp_path, "PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
    before = database(tmp_path).stat().st_size
    CacheDirectory(tmp_path / "cache").set_max_bytes(int(before * 0.8))  # no room for four
    left = sorted(Path(p).stem for p, _, _ in rows(tmp_path))
    assert left in (["b", "c", "d"], ["c", "d"])  # the least recently used first
    assert database(tmp_path).stat().st_size <= before * 0.8  # and the file shrank
    # and a run marks what it uses (once a day): c read again outlives d
    assert list(Pipeline(pipeline.config).documents([paths[2]]))
    with contextlib.closing(sqlite3.connect(database(tmp_path))) as db:
        used = dict(db.execute("SELECT path, used FROM entries"))
    assert used[str(paths[2].resolve())] > used[str(paths[3].resolve())]


def test_sizes_are_read_as_people_write_them() -> None:
    from policetext.cache import parse_size
    from policetext.errors import PolicetextError

    assert [parse_size(s) for s in ("500M", "2G", "2GiB", "1000", "1.5k")] == [
        500 * 1024**2, 2 * 1024**3, 2 * 1024**3, 1000, 1536,
    ]  # fmt: skip
    with pytest.raises(PolicetextError, match="not a size"):
        parse_size("lots")


def test_a_run_removes_the_entries_of_files_gone_from_its_folders(tmp_path: Path) -> None:
    pipeline, (a, b, c) = _filled(tmp_path)
    other = tmp_path / "elsewhere"
    other.mkdir()
    kept = other / "d.txt"
    kept.write_text(TEXT, "utf-8")
    pipeline.parse_path(kept)
    b.unlink()
    found = Pipeline(pipeline.config).documents([str(a), str(c)])
    assert [Path(d.doc).name for d in found] == ["a.txt", "c.txt"]
    # b's entry went with the run over its folder; d's, not read, stays
    assert sorted(Path(p).name for p, _, _ in rows(tmp_path)) == ["a.txt", "c.txt", "d.txt"]
