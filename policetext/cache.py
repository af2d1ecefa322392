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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
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
        try:
            entry = json.loads(self._file(key).read_text("utf-8"))
        except (OSError, ValueError):
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
        _keep(self._file(key), json.dumps(record, ensure_ascii=False).encode("utf-8"))


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _keep(target: Path, data: bytes) -> None:
    """Write a cache file: to a private temporary name beside ``target``, then
    renamed into place, so no reader sees half of it. Errors are ignored (and the
    temporary file removed): a cache that cannot be written only costs speed."""
    import tempfile  # only when a file is written: its imports cost every process 10 ms

    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
    kept = _read_derived(path)
    if kept is not None:
        return kept
    data = derive()
    _keep(path, _header(data, identity) + data)
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


def _read_derived(path: Path) -> bytes | None:
    """The data of a kept file, or ``None`` when it is missing or damaged."""
    try:
        kept = path.read_bytes()
    except OSError:
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
