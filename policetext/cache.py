"""Caches in the user's cache directory.

Normalised documents, keyed by path, size, modification time, tool version and
the normalisation settings. Entries are JSON (never pickle: nothing executable
is loaded from disk) and carry their own key and a checksum of the text; an
entry whose key or checksum does not match is stale or corrupt, and is rebuilt
rather than trusted.

Derived files (``derived_bytes``): what policetext makes of a file of another
package (jieba's dictionary sorted for look-ups, the median of its IDF table),
keyed the same way and checked by a checksum.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from policetext.config import Config

FORMAT = 1


def _version() -> str:
    from policetext import __version__

    return __version__


def settings_fingerprint(config: Config) -> str:
    """What of the configuration changes the normalised text."""
    relevant = {
        key: value
        for key, value in asdict(config).items()
        if key
        in (
            "conversion",
            "strip_pinyin",
            "repair_garbled",
            "fix_width",
            "fix_stutter",
            "strip_furniture",
            "encoding",
        )
    }
    return json.dumps(relevant, sort_keys=True)


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


DERIVED_FORMAT = 1


def derived_bytes(
    source: Path, cache_dir: Path | None, kind: str, derive: Callable[[], bytes]
) -> bytes:
    """``derive()``, a function of the file ``source``, kept in ``cache_dir`` under
    a name keyed by ``kind`` and the file's path, size and modification time.

    A kept file whose checksum does not match is made again; one that cannot be
    written only costs speed. Without a cache directory (or a file that cannot be
    stat'ed), ``derive()`` is called every time.
    """
    path = _derived_path(source, cache_dir, kind)
    if path is not None:
        kept = _read_derived(path)
        if kept is not None:
            return kept
    data = derive()
    if path is not None:
        _keep(path, _header(data) + data)
    return data


def _derived_path(source: Path, cache_dir: Path | None, kind: str) -> Path | None:
    if cache_dir is None:
        return None
    try:
        info = source.stat()
    except OSError:
        return None
    key = f"{DERIVED_FORMAT}\0{kind}\0{source.resolve()}\0{info.st_size}\0{info.st_mtime_ns}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir / "derived" / f"{kind}-{digest}"


def _header(data: bytes) -> bytes:
    return b"policetext derived %d %08x\n" % (DERIVED_FORMAT, zlib.crc32(data))


def _read_derived(path: Path) -> bytes | None:
    """The data of a kept file, or ``None`` when it is missing or damaged."""
    try:
        kept = path.read_bytes()
    except OSError:
        return None
    header_end = kept.find(b"\n") + 1
    data = kept[header_end:]
    return data if header_end and kept[:header_end] == _header(data) else None
