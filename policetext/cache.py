"""Caches in the user's cache directory.

Normalised documents (``NormalizedCache``) live in one SQLite database,
``normalized/texts.sqlite3``, one row per file and configuration: the file's
resolved path, size, modification time, inode and change time, the tool's
version and the normalisation settings, the normalised text and what was read
with it (JSON, never pickle: nothing executable is loaded from disk), and a
CRC-32 of the text. A row whose file has changed since is stale and is
replaced when the file is read again; one whose checksum does not match is
rebuilt rather than trusted; a database that cannot be read is made anew. One
indexed look-up per file (a row, not a file per entry: opening, checking and
parsing 50,000 small files cost twelve seconds). Rows remember the day they
were last used (as ``relatime``: written at most once a day), and the database
is held under a maximum size (``--max-size`` of ``policetext cache``, default
1 GiB) by removing the least recently used rows, as ccache does. A run removes
the rows of files gone from the folders it walked; ``prune`` removes the rows
of files gone or changed and of other versions anywhere.

Derived files (``derived_bytes``): what policetext makes of a file of another
package (jieba's prefix dictionary, its dictionary sorted for look-ups, the
median of its IDF table), keyed the same way, checked by a checksum, and
removed once their source has changed or gone.

Nobody else feeds the cache (as pip's): directories are created 0700, and a
cache directory or file that is not owned by the user, or that others can
write, is neither read nor written; files are opened without following links.
Bytes reach ``json``, ``marshal`` or SQLite only from files that pass those checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from policetext.config import Config
from policetext.errors import PolicetextError
from policetext.version import __version__

FORMAT = 3
#: the database of normalised texts, in ``<cache>/normalized/``
DATABASE = "texts.sqlite3"
#: the database's own files beside it (SQLite's write-ahead log and shared memory)
_SIDE_FILES = ("-wal", "-shm", "-journal")
SCHEMA = 3
#: the largest the database of normalised texts grows unless set otherwise
DEFAULT_MAX_BYTES = 1 << 30
#: after removing rows over the maximum, the database holds this share of it
_EVICT_TO = 0.9
#: a row's time of use is written again only when it is older than this (relatime)
_TOUCH_SECONDS = 86_400
#: look-ups whose time of use is written in one transaction
_TOUCH_BATCH = 1_000
#: at most this many entries not looked up in a run are checked for files gone
_GONE_CHECKS = 10_000
#: the size is checked on the first write of a process and every this many writes
_CHECK_EVERY = 1_000

_CREATE = """
CREATE TABLE IF NOT EXISTS entries (
    path TEXT NOT NULL,
    settings TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    text TEXT NOT NULL,
    facts TEXT NOT NULL,
    line_map TEXT,
    checksum TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (settings, path)
);
CREATE TABLE IF NOT EXISTS options (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_READ_AHEAD = (
    "SELECT path, size, mtime_ns, inode, ctime_ns, CAST(text AS BLOB), CAST(facts AS BLOB), "
    "CAST(line_map AS BLOB), checksum, used FROM entries "
    "WHERE settings = ? AND path >= ? AND path < ? ORDER BY path LIMIT ?"
)
#: rows read in one query
_READ_AHEAD_ROWS = 512
_HOLDS = "SELECT size, mtime_ns, inode, ctime_ns FROM entries WHERE path = ? AND settings = ?"
_TABLE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
_PUT = "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _version() -> str:
    return __version__


def settings_fingerprint(config: Config) -> str:
    """What of the configuration changes the normalised text (derived from the
    registry of normalisation steps: see ``policetext.normalize.settings_fingerprint``)."""
    from policetext.normalize import settings_fingerprint as fingerprint

    return fingerprint(config)


Identity = tuple[str, int, int, int, int]


def _signed(number: int) -> int:
    """An inode as SQLite's signed 64-bit integers hold it."""
    return number - (1 << 64) if number >= 1 << 63 else number


def _stat_identity(path: str, info: os.stat_result) -> Identity:
    return path, info.st_size, info.st_mtime_ns, _signed(info.st_ino), info.st_ctime_ns


class NormalizedCache:
    """Reads and writes the cached normalised texts of one configuration.

    The database is opened on first use (in each worker process on its own) and
    only when it and its folders pass the checks of ``private_directory``."""

    def __init__(self, config: Config) -> None:
        self.root = config.cache_dir
        self.directory = config.cache_dir / "normalized"
        self.file = self.directory / DATABASE
        # format and version as written (prune reads them), the settings as a digest
        digest = hashlib.sha256(settings_fingerprint(config).encode()).hexdigest()[:16]
        self.settings = f"{FORMAT} {_version()} {digest}"
        self._db: Any = None
        self._unusable = False
        self._parents: dict[str, str] = {}  # a directory as given → resolved
        self._touched: list[tuple[int, str, str]] = []
        self._rows: dict[str, tuple[Any, ...]] = {}  # rows read ahead, by resolved path
        self._window = ("", "")  # the paths from .. up to (not including) whose rows are read
        self._seen: set[str] = set()  # the paths of the window looked up
        self._unseen: list[str] = []  # paths of windows before not looked up: gone?
        self._writes = 0
        self._now = 0

    # ---- keys ---------------------------------------------------------------
    def identity(self, path: str | os.PathLike[str]) -> Identity | None:
        """The resolved path and what identifies the file's current content (size,
        modification time, inode, change time), or None if it cannot be stat'ed.

        A file rewritten at the same size with its time put back still gets a new
        change time (and, when replaced, a new inode). One ``lstat`` per file: its
        folder is resolved once per run."""
        name = os.fspath(path)
        try:
            info = os.lstat(name)
            if stat.S_ISLNK(info.st_mode):
                return _stat_identity(os.path.realpath(name), os.stat(name))
        except (OSError, ValueError):
            return None
        head, sep, tail = name.rpartition(os.sep)
        folder = self._parents.get(head)
        if folder is None:  # the folder resolved, with a separator to append the name to
            real = os.path.realpath(head or sep or os.curdir)
            folder = self._parents[head] = os.path.join(real, "")
        return _stat_identity(folder + tail, info)

    # ---- the database -------------------------------------------------------
    def _connection(self, *, create: bool) -> Any:
        """The open database, or None when there is none (yet) or it is not usable."""
        if self._db is not None or self._unusable:
            return self._db
        if not create and not self.file.exists():
            return None
        self._db = open_database(self.root, self.file, create=create)
        self._unusable = self._db is None and create
        return self._db

    def _row(self, path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
        """The fresh, intact row of ``path``: (resolved path, text, facts, line map),
        all in UTF-8 (decoded only when they are used).

        Rows are read in runs of the paths that follow in order (a walk asks for
        the files of a folder one after another): one query for many files."""
        key = self.identity(path)
        if key is None:
            return None
        name = key[0]
        if not self._window[0] <= name < self._window[1]:
            self._read_ahead(name)
        self._seen.add(name)
        row = self._rows.get(name)
        if row is None or row[:4] != key[1:]:
            return None
        data, facts, line_map, checksum, used = row[4:]
        if not isinstance(data, bytes) or checksum != f"{zlib.crc32(data):08x}":
            return None
        now = self._now
        if not isinstance(used, int) or now - used > _TOUCH_SECONDS:
            self._touched.append((now, name, self.settings))
            if len(self._touched) >= _TOUCH_BATCH:
                self._write(self._touched, [])
                self._touched = []
        return name, data, facts, line_map

    def _read_ahead(self, name: str) -> None:
        """Read the rows of ``name`` and of the paths after it in its folder (and
        below): ``_window`` is the range of paths whose rows are then all known."""
        self._unseen += [other for other in self._rows if other not in self._seen]
        self._seen = set()
        self._rows = {}
        self._window = ("", "")
        db = self._connection(create=False)
        if db is None:
            return
        import sqlite3

        end = os.path.dirname(name) + chr(ord(os.sep) + 1)  # past the folder's paths
        try:
            found = db.execute(_READ_AHEAD, (self.settings, name, end, _READ_AHEAD_ROWS)).fetchall()
        except sqlite3.Error:
            return
        self._rows = {row[0]: row[1:] for row in found}
        self._now = int(time.time())  # when these rows were used (to the second: relatime)
        # all rows are known up to the last one read, or to the folder's end
        last = found[-1][0] + "\0" if len(found) == _READ_AHEAD_ROWS else end
        self._window = (name, last)

    def get(self, path: str | os.PathLike[str]) -> dict[str, Any] | None:
        """The cached entry for ``path`` if it is present, fresh and intact."""
        row = self._row(path)
        if row is None:
            return None
        _, data, facts, line_map = row
        try:
            text = data.decode("utf-8")
            entry = json.loads(facts)
            lines = json.loads(line_map) if line_map else None
        except (ValueError, TypeError, RecursionError):  # damaged, or nested to break the parser
            return None
        if not isinstance(entry, dict):
            return None
        entry["text"] = text
        entry["line_map"] = lines
        return entry

    def text(self, path: str | os.PathLike[str]) -> bytes | None:
        """The cached normalised text of ``path`` in UTF-8, if it is present, fresh
        and intact (a literal pattern is searched in the bytes, undecoded)."""
        row = self._row(path)
        return None if row is None else row[1]

    def holds(self, paths: Sequence[str | os.PathLike[str]]) -> bool:
        """Whether every one of ``paths`` has a fresh entry: their work is then too
        little to pay for worker processes."""
        db = self._connection(create=False)
        if db is None:
            return False
        import sqlite3

        for path in paths:
            key = self.identity(path)
            if key is None:
                return False
            try:
                row = db.execute(_HOLDS, (key[0], self.settings)).fetchone()
            except sqlite3.Error:
                return False
            if row is None or row[:4] != key[1:]:
                return False
        return True

    def put(self, path: str | os.PathLike[str], entry: dict[str, Any]) -> None:
        """Store an entry (replacing the file's entry of before); errors are
        ignored: a cache that cannot be written only costs speed."""
        key = self.identity(path)
        if key is None:
            return
        db = self._connection(create=True)
        if db is None:
            return
        import sqlite3

        text = entry["text"]
        try:
            facts = json.dumps(
                {k: v for k, v in entry.items() if k not in ("text", "line_map")},
                ensure_ascii=False,
            )
            lines = entry.get("line_map")
            line_map = None if lines is None else json.dumps(lines, ensure_ascii=False)
            size = len(text.encode("utf-8")) + len(facts.encode("utf-8")) + len(key[0])
            size += len(line_map.encode("utf-8")) if line_map else 0
            checksum, now = _checksum(text), int(time.time())
            db.execute(_PUT, (key[0], self.settings, *key[1:], text, facts, line_map, checksum,
                              size, now))  # fmt: skip
            if self._window[0] <= key[0] < self._window[1]:  # keep the rows read ahead whole
                encoded = (text.encode(), facts.encode(), line_map and line_map.encode())
                self._rows[key[0]] = (*key[1:], *encoded, checksum, now)
            if self._writes % _CHECK_EVERY == 0:
                keep_within(db, max_bytes(db))
            self._writes += 1
        except (sqlite3.Error, UnicodeError, ValueError, OverflowError):
            return

    def flush(self) -> None:
        """At the end of a run: write the times of use of the entries read, and
        remove the entries of files gone from the folders the run walked (rows
        read ahead but never looked up, whose file is no longer there)."""
        unseen = self._unseen + [other for other in self._rows if other not in self._seen]
        self._rows, self._window, self._seen, self._unseen = {}, ("", ""), set(), []
        self._parents = {}  # folders are resolved again next run (links may have moved)
        gone = []
        for name in unseen[:_GONE_CHECKS]:
            try:
                os.stat(name)
            except (FileNotFoundError, NotADirectoryError):
                gone.append((self.settings, name))
            except (OSError, ValueError):
                pass
        touched, self._touched = self._touched, []
        self._write(touched, gone)

    def _write(self, touched: list[tuple[int, str, str]], gone: list[tuple[str, str]]) -> None:
        if not (touched or gone) or self._db is None:
            return
        import sqlite3

        with contextlib.suppress(sqlite3.Error):
            with self._db:
                self._db.executemany(
                    "UPDATE entries SET used = ? WHERE path = ? AND settings = ?", touched
                )
                self._db.executemany("DELETE FROM entries WHERE settings = ? AND path = ?", gone)


def open_database(root: Path, file: Path, *, create: bool) -> Any:
    """The SQLite database ``file`` under the cache ``root``, opened when it and
    its folders pass the checks of ``private_directory`` (made 0600 when missing,
    with ``create``); a damaged one is made anew. None when it cannot be used."""
    import sqlite3

    for attempt in range(2):
        if not private_directory(root, file.parent, create=create) or not _private_file(
            file, create=create
        ):
            return None
        db = None
        try:
            db = sqlite3.connect(file, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA trusted_schema = OFF")
            _prepare(db)
            db.execute("SELECT 1 FROM entries LIMIT 1").fetchall()  # a damaged file fails here
            return db
        except sqlite3.OperationalError:  # locked by a long writer, read-only, out of space
            if db is not None:
                db.close()
            return None
        except sqlite3.DatabaseError:  # not a database, or damaged: made anew
            if db is not None:
                db.close()
            if attempt or not create:
                return None
            for suffix in ("", *_SIDE_FILES):
                with contextlib.suppress(OSError):
                    os.unlink(f"{file}{suffix}")
    return None


def _private_file(file: Path, *, create: bool) -> bool:
    """Whether ``file`` (and SQLite's side files beside it, if there) is this
    user's regular file, not a link, writable by nobody else; with ``create``
    a missing one is made empty, 0600."""
    try:
        info = os.lstat(file)
    except FileNotFoundError:
        if not create:
            return False
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        try:
            os.close(os.open(file, flags, 0o600))
        except FileExistsError:
            pass  # another process made it first: checked below
        except OSError:
            return False
        return _private_file(file, create=False)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or not _private(info):
        return False
    for suffix in _SIDE_FILES:
        try:
            side = os.lstat(f"{file}{suffix}")
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISREG(side.st_mode) or not _private(side):
            return False
    return True


def _prepare(db: Any) -> None:
    """Write-ahead logging (readers and one writer at a time, as workers are), and
    the tables of this schema (those of another are dropped), made by one process;
    a new database frees the pages of removed rows (``incremental_vacuum``)."""
    import sqlite3

    if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        return
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # before the first page is written
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        dropped = False
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            for table in ("entries", "options"):
                dropped |= db.execute(_TABLE_EXISTS, (table,)).fetchone() is not None
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _CREATE.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    if dropped:  # a database of another schema: its vacuum mode is set by a VACUUM
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("VACUUM")


def max_bytes(db: Any) -> int:
    """The largest the database may grow (``policetext cache --max-size``)."""
    row = db.execute("SELECT value FROM options WHERE name = 'max_bytes'").fetchone()
    return int(row[0]) if row else DEFAULT_MAX_BYTES


def keep_within(db: Any, limit: int) -> int:
    """Remove the least recently used entries while the database takes more than
    ``limit`` bytes, down to 90% of it; how many were removed."""
    total = db.execute("SELECT total(bytes) FROM entries").fetchone()[0]
    used = _used_bytes(db)
    if used <= limit or not total:
        return 0
    ratio = used / total  # what the database takes for a byte of the entries
    doomed = []
    for rowid, size in db.execute("SELECT rowid, bytes FROM entries ORDER BY used, rowid"):
        if total * ratio <= limit * _EVICT_TO:
            break
        doomed.append((rowid,))
        total -= size
    with db:
        db.executemany("DELETE FROM entries WHERE rowid = ?", doomed)
    give_back(db)
    return len(doomed)


def _used_bytes(db: Any) -> int:
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    return int((pages - free) * db.execute("PRAGMA page_size").fetchone()[0])


def give_back(db: Any) -> None:
    """Hand the pages of removed rows back to the file system (run to its end:
    each step of the pragma frees one page)."""
    db.executescript("PRAGMA incremental_vacuum;")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


# ---- looking after the cache: policetext cache [--prune | --clear | --max-size] ----------
#: the columns of ``cache_rows``
CACHE_COLUMNS = ("part", "entries", "stale", "bytes", "size", "max_size", "path")
_LEGACY_SHARD = re.compile(r"[0-9a-f]{2}")
_LEGACY_ENTRY = re.compile(r"[0-9a-f]{64}\.json|tmp\w+\.tmp")
_DERIVED_NAME = re.compile(r"[a-z0-9-]+-[0-9a-f]{24}|tmp\w+\.tmp")


def human_bytes(count: float) -> str:
    """A size as people read it.

    >>> human_bytes(1536), human_bytes(3 * 1024**3)
    ('1.5 KiB', '3.0 GiB')
    """
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError  # pragma: no cover


def parse_size(text: str) -> int:
    """Bytes of a size written as ``500M``, ``2G``, ``2GiB`` or ``1000000``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if not match:
        raise PolicetextError(f"{text!r}: not a size: write it as 500M, 2G or a number of bytes")
    scale = 1024 ** ("kmgt".find(match[2].lower()) + 1) if match[2] else 1
    return int(float(match[1]) * scale)


class CacheDirectory:
    """The cache directory as ``policetext cache`` looks after it: the database of
    normalised texts (``normalized/``) and the derived files (``derived/``).

    A directory that is not this user's, or that others can write, is refused
    with a :class:`PolicetextError` saying so; files that policetext did not
    make are never removed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.normalized = root / "normalized"
        self.database = self.normalized / DATABASE
        self.derived = root / "derived"

    def rows(self) -> list[dict[str, object]]:
        """What the cache holds, one row for each part: entries, those whose source
        is gone or changed (``stale``), bytes on disk, the maximum size."""
        with _one_line(self.root):
            return self._rows()

    def prune(self) -> list[dict[str, object]]:
        """Remove the entries whose source is gone or changed (or of another
        version), and derived files likewise; the rows of what is left."""
        with _one_line(self.root):
            return self._prune()

    def clear(self) -> list[dict[str, object]]:
        """Remove every entry and derived file, after checking that everything in
        the cache's folders is policetext's own (else nothing is removed)."""
        with _one_line(self.root):
            return self._clear()

    def set_max_bytes(self, limit: int) -> list[dict[str, object]]:
        """Keep the database of normalised texts within ``limit`` bytes from now on
        (the least recently used entries removed over it)."""
        with _one_line(self.root):
            return self._set_max_bytes(limit)

    def _check(self) -> bool:
        """Whether the cache exists (its folders checked); raises when it cannot be used."""
        for directory in (self.root, self.normalized, self.derived):
            try:
                info = os.stat(directory) if directory == self.root else os.lstat(directory)
            except FileNotFoundError:
                if directory == self.root:
                    return False
                continue
            except NotADirectoryError:
                raise PolicetextError(
                    f"{directory}: a file stands in its path (XDG_CACHE_HOME points at a file?): "
                    "point XDG_CACHE_HOME at a directory"
                ) from None
            except OSError as error:
                raise PolicetextError(f"{directory}: cannot be read: {error.strerror}") from None
            if not stat.S_ISDIR(info.st_mode):
                raise PolicetextError(
                    f"{directory}: not a directory (XDG_CACHE_HOME points at a file?): "
                    "point XDG_CACHE_HOME at a directory, or remove the file"
                )
            if not _private(info):
                raise PolicetextError(
                    f"{directory}: not yours, or others can write it, so policetext neither "
                    "reads nor writes it: fix its owner, or chmod 700 it"
                )
        return True

    def _open(self) -> Any:
        if not self.database.exists():
            return None
        db = open_database(self.root, self.database, create=False)
        if db is None:
            raise PolicetextError(
                f"{self.database}: cannot be opened (not yours, writable by others, a link, "
                "damaged or locked): remove it with --clear, or see its owner and mode"
            )
        return db

    def _rows(self) -> list[dict[str, object]]:
        """What the cache holds, one row for each part: entries, those whose source
        is gone or changed (``stale``), bytes on disk, the maximum size."""
        exists = self._check()
        entries = stale = 0
        limit: int | None = DEFAULT_MAX_BYTES
        if exists:
            db = self._open()
            if db is not None:
                with contextlib.closing(db):
                    limit = max_bytes(db)
                    for row in db.execute(
                        "SELECT path, settings, size, mtime_ns, inode, ctime_ns FROM entries"
                    ):
                        entries += 1
                        stale += _entry_is_stale(*row)
            stale += len(self._legacy_files())
        derived = self._derived_files() if exists else []
        return [
            self._row("normalized", entries, stale, self._normalized_bytes(), limit,
                      self.normalized),
            self._row("derived", len(derived), sum(map(_is_stale, derived)),
                      sum(_size(p) for p in derived), None, self.derived),
        ]  # fmt: skip

    @staticmethod
    def _row(
        part: str, entries: int, stale: int, size: int, limit: int | None, path: Path
    ) -> dict[str, object]:
        return {
            "part": part, "entries": entries, "stale": stale, "bytes": size,
            "size": human_bytes(size), "max_size": human_bytes(limit) if limit else "",
            "path": str(path),
        }  # fmt: skip

    def _normalized_bytes(self) -> int:
        files = [Path(f"{self.database}{suffix}") for suffix in ("", *_SIDE_FILES)]
        return sum(_size(p) for p in files + self._legacy_files())

    def _legacy_files(self) -> list[Path]:
        """Entries of the format before the database (a JSON file each)."""
        found = []
        with contextlib.suppress(OSError):
            for shard in self.normalized.iterdir():
                if not _LEGACY_SHARD.fullmatch(shard.name) or shard.is_symlink():
                    continue
                if shard.is_dir():
                    found += [p for p in shard.iterdir() if _LEGACY_ENTRY.fullmatch(p.name)]
        return found

    def _derived_files(self) -> list[Path]:
        with contextlib.suppress(OSError):
            return sorted(p for p in self.derived.iterdir() if _DERIVED_NAME.fullmatch(p.name))
        return []

    def _prune(self) -> list[dict[str, object]]:
        """Remove the entries whose source is gone or changed (or of another
        version), and derived files likewise; rows of what was removed."""
        if not self._check():
            return self._rows()
        db = self._open()
        if db is not None:
            with contextlib.closing(db):
                doomed = [
                    (rowid,)
                    for rowid, *key in db.execute(
                        "SELECT rowid, path, settings, size, mtime_ns, inode, ctime_ns FROM entries"
                    )
                    if _entry_is_stale(*key)
                ]
                with db:
                    db.executemany("DELETE FROM entries WHERE rowid = ?", doomed)
                give_back(db)
        for path in self._legacy_files() + [p for p in self._derived_files() if _is_stale(p)]:
            with contextlib.suppress(OSError):
                path.unlink()
        self._remove_empty_shards()
        return self._rows()

    def _clear(self) -> list[dict[str, object]]:
        """Remove every entry and derived file, after checking that everything in
        the cache's folders is policetext's own (else nothing is removed)."""
        if not self._check():
            return self._rows()
        ours = [Path(f"{self.database}{suffix}") for suffix in ("", *_SIDE_FILES)]
        doomed: list[Path] = []
        for folder, allowed in ((self.normalized, ours), (self.derived, [])):
            with contextlib.suppress(FileNotFoundError):
                for path in sorted(folder.iterdir()):
                    if path in allowed and _regular(path):
                        doomed.append(path)
                    elif folder == self.normalized and _LEGACY_SHARD.fullmatch(path.name):
                        doomed += _own_files(path, _LEGACY_ENTRY, b"{")
                    elif folder == self.derived and _DERIVED_NAME.fullmatch(path.name):
                        doomed += _own_files(path, None, b"policetext derived ")
                    else:
                        raise _foreign(path)
        limit = self._stored_limit()
        for path in doomed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._remove_empty_shards()
        if limit is not None and limit != DEFAULT_MAX_BYTES:
            return self._set_max_bytes(limit)  # the setting outlives the entries
        return self._rows()

    def _stored_limit(self) -> int | None:
        """The maximum size set with ``--max-size``, if the database can tell it."""
        import sqlite3

        if not self.database.exists():
            return None
        db = open_database(self.root, self.database, create=False)
        if db is None:
            return None
        with contextlib.closing(db), contextlib.suppress(sqlite3.Error):
            return max_bytes(db)
        return None

    def _remove_empty_shards(self) -> None:
        with contextlib.suppress(OSError):
            for shard in self.normalized.iterdir():
                if _LEGACY_SHARD.fullmatch(shard.name):
                    with contextlib.suppress(OSError):
                        shard.rmdir()  # only when empty

    def _set_max_bytes(self, limit: int) -> list[dict[str, object]]:
        """Keep the database of normalised texts within ``limit`` bytes from now on
        (the least recently used entries removed over it)."""
        self._check()
        db = open_database(self.root, self.database, create=True)
        if db is None:
            raise PolicetextError(f"{self.database}: cannot be written (see its owner and mode)")
        with contextlib.closing(db):
            with db:
                db.execute("INSERT OR REPLACE INTO options VALUES ('max_bytes', ?)", (limit,))
            keep_within(db, limit)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self._rows()


@contextlib.contextmanager
def _one_line(root: Path) -> Iterator[None]:
    """A database or file that fails on the way as one line that says where."""
    import sqlite3

    try:
        yield
    except sqlite3.Error as error:
        raise PolicetextError(
            f"{root / 'normalized' / DATABASE}: {error}: remove it with --clear, or see its "
            "owner and mode"
        ) from None
    except OSError as error:
        where = error.filename or root
        raise PolicetextError(f"{where}: {error.strerror or error}") from None


def _foreign(path: Path) -> PolicetextError:
    return PolicetextError(
        f"{path}: not a file policetext made, so nothing was removed: move it out of the "
        "cache directory (or remove it yourself) and run again"
    )


def _regular(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISREG(os.lstat(path).st_mode)
    return False


def _own_files(path: Path, names: re.Pattern[str] | None, magic: bytes) -> list[Path]:
    """``path`` (a file) or the files in ``path`` (a folder of them) if they are
    all named by ``names`` and begin with ``magic`` (a temporary file may be
    anything); else the first one that is not policetext's is refused."""
    if names is None:
        files = [path]
    elif path.is_dir() and not path.is_symlink():
        files = sorted(path.iterdir())
    else:
        raise _foreign(path)
    for file in files:
        if (names is not None and not names.fullmatch(file.name)) or not _regular(file):
            raise _foreign(file)
        if file.suffix != ".tmp":
            with open(file, "rb") as handle:
                if not handle.read(len(magic)) == magic:
                    raise _foreign(file)
    return files


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _entry_is_stale(path: str, settings: str, *key: int) -> bool:
    """An entry of another format or version, or whose file is gone or changed."""
    if settings.split(" ")[:2] != [str(FORMAT), _version()]:
        return True
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return _stat_identity(path, info)[1:] != tuple(key)


def _checksum(text: str) -> str:
    # CRC-32 finds damage; the database's folder is the user's own (private_directory),
    # so nobody plants a text that matches it, and a SHA-256 of every text read back
    # cost a tenth of a cached grep over 50,000 files
    return f"{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"


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
