"""Caches in the user's cache directory.

Normalised documents, keyed by path, size, modification time, tool version and
the normalisation settings. Entries are JSON (never pickle: nothing executable
is loaded from disk) and carry their own key and a checksum of the text; an
entry whose key or checksum does not match is stale or corrupt, and is rebuilt
rather than trusted.

Derived files (``derived_bytes``): what policetext makes of a file of another
package (jieba's prefix dictionary, its dictionary sorted for look-ups, the
median of its IDF table), keyed the same way, checked by a checksum, and
removed once their source has changed or gone.

Nobody else feeds the cache (as pip's): directories are created 0700, and a
cache directory or file that is not owned by the user, or that others can
write, is neither read nor written; files are opened without following links.
Bytes reach ``json`` or ``marshal`` only from files that pass those checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policetext.config import Config
from policetext.version import __version__

FORMAT = 1


def _version() -> str:
    return __version__


def settings_fingerprint(config: Config) -> str:
    """What of the configuration changes the normalised text (derived from the
    registry of normalisation steps: see ``policetext.normalize.settings_fingerprint``)."""
    from policetext.normalize import settings_fingerprint as fingerprint

    return fingerprint(config)


class NormalizedCache:
    """Reads and writes cache entries for one configuration."""

    def __init__(self, config: Config) -> None:
        self.root = config.cache_dir
        self.directory = config.cache_dir / "normalized"
        self.settings = settings_fingerprint(config)

    def key(self, path: Path) -> dict[str, Any] | None:
        """The identity of a file's current content, or None if it cannot be stat'ed."""
        try:
            info = path.stat()
        except OSError:
            return None
        return {
            "format": FORMAT,
            "path": str(path.resolve()),
            "size": info.st_size,
            "mtime_ns": info.st_mtime_ns,
            # a file rewritten at the same size with its time put back still gets a
            # new change time (and, when replaced, a new inode)
            "inode": info.st_ino,
            "ctime_ns": info.st_ctime_ns,
            "version": _version(),
            "settings": self.settings,
        }

    def _file(self, key: dict[str, Any]) -> Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, path: Path) -> dict[str, Any] | None:
        """The cached entry for ``path`` if it is present, fresh and intact."""
        key = self.key(path)
        if key is None:
            return None
        data = read_private(self.root, self._file(key))
        if data is None:
            return None
        try:
            entry = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):  # damaged, or nested to break the parser
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        text = entry.get("text")
        if not isinstance(text, str) or entry.get("sha256") != _checksum(text):
            return None
        return entry

    def put(self, path: Path, entry: dict[str, Any]) -> None:
        """Store an entry (written to a temporary name, then renamed); errors are ignored:
        a cache that cannot be written only costs speed."""
        key = self.key(path)
        if key is None:
            return
        record = {**entry, "key": key, "sha256": _checksum(entry["text"])}
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        _keep(self.root, self._file(key), data)


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _private(info: os.stat_result) -> bool:
    """Owned by this user, and writable by nobody else."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def private_directory(root: Path, directory: Path, *, create: bool) -> bool:
    """Whether ``directory`` (``root`` or below it) and every directory from ``root``
    down to it are this user's and writable by nobody else; with ``create``, the
    missing ones are made (0700). The cache root may be reached through a link
    (a ``~/.cache`` moved elsewhere); below it, links are refused."""
    try:
        parts = directory.relative_to(root).parts
    except ValueError:
        return False
    path = root
    for depth in range(len(parts) + 1):
        if depth:
            path = path / parts[depth - 1]
        try:
            info = os.stat(path) if depth == 0 else os.lstat(path)
        except FileNotFoundError:
            if not create:
                return False
            try:
                path.mkdir(mode=0o700, parents=depth == 0)
                info = os.lstat(path)
            except OSError:
                return False
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode) or not _private(info):
            return False
    return True


def read_private(root: Path, path: Path) -> bytes | None:
    """The bytes of a cache file that passes the checks (its directories and the
    file itself this user's and writable by nobody else, a regular file reached
    without a link), else ``None``."""
    if not private_directory(root, path.parent, create=False):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _private(info):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _keep(root: Path, target: Path, data: bytes) -> None:
    """Write a cache file: to a private temporary name beside ``target``, then
    renamed into place, so no reader sees half of it; only into directories that
    pass the checks of ``private_directory``. Errors are ignored (and the
    temporary file removed): a cache that cannot be written only costs speed."""
    import tempfile  # only when a file is written: its imports cost every process 10 ms

    if not private_directory(root, target.parent, create=True):
        return
    try:
        handle = tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp")
    except OSError:
        return
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


DERIVED_FORMAT = 2
_DERIVED_MAGIC = b"policetext derived %d " % DERIVED_FORMAT


def derived_bytes(
    source: Path, cache_dir: Path | None, kind: str, derive: Callable[[], bytes]
) -> bytes:
    """``derive()``, a function of the file ``source``, kept in ``cache_dir`` under
    a name keyed by ``kind`` and the file's path, size and modification time.

    A kept file whose checksum does not match is made again; one that cannot be
    written only costs speed. Without a cache directory (or a file that cannot be
    stat'ed), ``derive()`` is called every time. Writing a file of a kind removes
    the files of that kind made from a source that has changed or gone since
    (an upgraded jieba), and files of an older format.
    """
    found = _derived_path(source, cache_dir, kind)
    if found is None:
        return derive()
    path, identity = found
    assert cache_dir is not None
    kept = _read_derived(cache_dir, path)
    if kept is not None:
        return kept
    data = derive()
    _keep(cache_dir, path, _header(data, identity) + data)
    if private_directory(cache_dir, path.parent, create=False):
        _remove_stale(path.parent, kind, keep=path)
    return data


def _derived_path(source: Path, cache_dir: Path | None, kind: str) -> tuple[Path, list[Any]] | None:
    """Where a derived file is kept, and what it is made from: ``[path, size,
    mtime_ns]`` of the source."""
    if cache_dir is None:
        return None
    try:
        info = source.stat()
    except OSError:
        return None
    identity = [str(source.resolve()), info.st_size, info.st_mtime_ns]
    key = "\0".join(map(str, (DERIVED_FORMAT, kind, *identity)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir / "derived" / f"{kind}-{digest}", identity


def _header(data: bytes, identity: list[Any]) -> bytes:
    """The first line: format, checksum, and the source (JSON: any path fits)."""
    made_from = json.dumps(identity, ensure_ascii=True).encode("ascii")
    return _DERIVED_MAGIC + b"%08x %s\n" % (zlib.crc32(data), made_from)


def _read_derived(root: Path, path: Path) -> bytes | None:
    """The data of a kept file, or ``None`` when it is missing, damaged, or fails the
    checks of ``read_private`` (its bytes may go to ``marshal``)."""
    kept = read_private(root, path)
    if kept is None:
        return None
    header_end = kept.find(b"\n") + 1
    header = _parse_header(kept[:header_end])
    data = kept[header_end:]
    return data if header and header[0] == b"%08x" % zlib.crc32(data) else None


def _parse_header(line: bytes) -> tuple[bytes, list[Any]] | None:
    """The checksum and the source (``[path, size, mtime_ns]``) of a derived file's
    first line (see ``_header``); ``None`` for another format or a damaged one."""
    if not line.startswith(_DERIVED_MAGIC) or not line.endswith(b"\n"):
        return None
    checksum, _, made_from = line[len(_DERIVED_MAGIC) :].partition(b" ")
    try:
        identity = json.loads(made_from)
    except ValueError:
        return None
    if len(checksum) != 8 or not isinstance(identity, list) or len(identity) != 3:
        return None
    return checksum, identity


def _remove_stale(directory: Path, kind: str, keep: Path) -> None:
    """Remove the files of ``kind`` whose source changed or is gone, or that are
    of another format or damaged; those of a source still as it was (another
    installation's jieba, say) stay. Errors are ignored."""
    with contextlib.suppress(OSError):
        for other in directory.glob(f"{kind}-*"):
            if other == keep or other.suffix == ".tmp" or not _is_stale(other):
                continue
            with contextlib.suppress(OSError):
                other.unlink()


def _is_stale(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(8192)
    except OSError:
        return False  # cannot be read: not ours to judge
    header = _parse_header(first)
    if header is None or not isinstance(header[1][0], str):
        return True  # another format, or damaged
    name, size, mtime_ns = header[1]
    try:
        info = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        return True  # its source is gone
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) != (size, mtime_ns)
