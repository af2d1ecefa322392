"""Inputs: paths, directories and standard input → bytes → decoded text.

Encodings are detected per file by scoring every candidate that decodes the
bytes strictly (Big5 bytes also decode as GB18030, into rare characters), not
by trying them in a fixed order.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import fnmatch
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, TextIO

from policetext.datafiles import bundled_corpus_paths, common_chars
from policetext.errors import InputError
from policetext.patterns import count_runs
from policetext.text import CLAUSE_END_MARKS, HAN_RUN_RE, SENTENCE_END_MARKS, is_han

STDIN_NAME = "<stdin>"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CANDIDATES = ("utf-8", "gb18030", "big5")
#: file endings of table-shaped inputs (any other: text)
_TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_SAMPLE_CHARS = 8192
# private-use and astral characters: what a wrong decoding tends to produce
_PRIVATE_OR_ASTRAL_RUN = re.compile("[\ue000-\uf8ff\U00010000-\U0010ffff]+")
# control characters that never occur in text files
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), 0x7F])
#: the bytes of an input's head that tell whether it is text at all
_HEAD_BYTES = 65536
#: the ASCII bytes (a line's non-ASCII bytes are what is left once they are cut out)
_ASCII_BYTES = bytes(range(0x80))


@dataclass(frozen=True)
class Source:
    """One input: a file, or standard input (``path`` is ``None``)."""

    name: str
    path: Path | None = None
    stream: BinaryIO | None = None
    #: a record of a table-shaped input (JSON Lines, CSV) carries its text itself
    text: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    #: of a record: its line (row) in the table file, and its date field as written
    line: int | None = None
    date: str | None = None

    def read_bytes(self) -> bytes:
        """The raw bytes (a stream from its start, so it can be read again); raises
        :class:`InputError` with the reason when unreadable."""
        handle = self.open_binary()
        with _reading(self.name):
            if self.path is None:
                return handle.read()
            with handle:
                return handle.read()

    def is_bare_stdin(self) -> bool:
        """Whether this is standard input not yet read (``-`` on the command line)."""
        return self.path is None and self.stream is None and self.text is None

    def size(self) -> int:
        """About how many bytes the input holds (a record's text as UTF-8 Chinese
        would take: three bytes a character); 0 when that cannot be told."""
        if self.text is not None:
            return 3 * len(self.text)
        try:
            if self.path is not None:
                return self.path.stat().st_size
            stream = self.stream
            if stream is None or not stream.seekable():
                return 0
            at = stream.tell()
            end = stream.seek(0, os.SEEK_END)
            stream.seek(at)
            return end
        except (OSError, ValueError):
            return 0

    def open_binary(self) -> BinaryIO:
        """The input as a binary stream at its start; raises :class:`InputError`."""
        if self.path is None:
            if self.stream is None and sys.stdin is None:
                raise InputError("standard input is closed", self.name)
            stream = self.stream or sys.stdin.buffer
            with contextlib.suppress(OSError, ValueError):
                stream.seek(0)
            return stream
        with _reading(self.name):
            return open(self.path, "rb")


@contextlib.contextmanager
def _reading(name: str) -> Iterator[None]:
    """Turns the error of reading an input into an :class:`InputError` that says why."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file (it may have been removed)", name) from None
    except IsADirectoryError:
        raise InputError("is a directory", name) from None
    except PermissionError:
        raise InputError("permission denied", name) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", name) from None


#: standard input beyond this many bytes is kept in a temporary file, not in memory
SPILL_BYTES = 16_000_000


def stdin_source(stream: BinaryIO, spill_bytes: int = SPILL_BYTES) -> Source | None:
    """Standard input as a source, held in memory up to ``spill_bytes`` and in a
    temporary file beyond (so a huge pipe is read in parts like a huge file);
    ``None`` when it is empty."""
    import tempfile  # only for standard input: its imports cost every process 10 ms

    spool = tempfile.SpooledTemporaryFile(max_size=spill_bytes)
    try:
        while chunk := stream.read(_CHUNK_BYTES):
            spool.write(chunk)
    except (OSError, ValueError):
        pass
    if not spool.tell():
        spool.close()
        return None
    spool.seek(0)
    return Source(STDIN_NAME, stream=spool)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TableFields:
    """How to read documents out of JSON Lines and CSV files."""

    text: str = "text"
    id: str | None = None
    meta: tuple[str, ...] = ()
    #: jsonl, csv or text; None: by the file ending (.jsonl/.ndjson, .csv), else text
    input_format: str | None = None
    #: the field holding each record's date, which overrides the date in its text
    date: str | None = "date"

    def format_of(self, source: Source) -> str:
        if self.input_format:
            return self.input_format
        if source.path is None:
            return "text"
        # Path.suffix, from the path's string (made once per path): a walk of 50,000
        # files spent a tenth of a cached grep on taking the suffix apart
        name = os.fspath(source.path)
        dot = name.rfind(".")
        if dot <= 0 or name[dot - 1] == os.sep or os.sep in name[dot:]:
            return "text"  # no suffix, or a hidden file's name (.csv)
        return _TABLE_SUFFIXES.get(name[dot:].lower(), "text")


def iter_records(source: Source, fields: TableFields) -> Iterator[Source | InputError]:
    """The documents of a JSON Lines or CSV input, one per line or row.

    Lines are decoded and parsed one by one: a line that is not text (a NUL byte,
    bytes the file's encoding does not decode) or not a record yields an
    :class:`InputError` naming the line, and every other record is still read.
    """
    csv_input = fields.format_of(source) == "csv"
    size = source.size()
    reader: io.TextIOWrapper | None = None
    records: Iterator[tuple[int, object]]
    if size > TABLE_STREAM_BYTES and _plain_utf8(source):
        # a big file in UTF-8: its lines read one after another, never held whole
        reader = io.TextIOWrapper(source.open_binary(), "utf-8", newline="" if csv_input else "\n")
        if csv_input:
            records = _csv_rows(reader, size + 1, fields, source.name, {})
        else:
            records = _json_lines((line.removesuffix("\n") for line in reader), {})
    else:
        text, bad_lines = _decode_lines(source.read_bytes(), source.name)
        if csv_input:
            lines = io.StringIO(text, newline="")
            records = _csv_rows(lines, len(text) + 1, fields, source.name, bad_lines)
        else:
            records = _json_lines(text.split("\n"), bad_lines)
    try:
        yield from _table_sources(source, fields, records)
    except UnicodeDecodeError:  # judged UTF-8, then rewritten while it was read
        reason = "changed while it was read (no longer UTF-8); the rest skipped"
        yield InputError(reason, source.name)
    finally:
        if reader is not None:
            if source.path is None:
                reader.detach()  # standard input's spool stays open for another read
            else:
                reader.close()


def _table_sources(
    source: Source, fields: TableFields, records: Iterator[tuple[int, object]]
) -> Iterator[Source | InputError]:
    for number, record in records:
        if isinstance(record, InputError):
            yield InputError(f"line {number}: {record.reason}", source.name)
            continue
        if not isinstance(record, dict) or not isinstance(record.get(fields.text), str):
            yield InputError(f"line {number}: no text field {fields.text!r}", source.name)
            continue
        identifier = record.get(fields.id) if fields.id else None
        name = str(identifier) if identifier not in (None, "") else f"{source.name}:{number}"
        meta = tuple(
            (key, "" if record.get(key) is None else str(record.get(key))) for key in fields.meta
        )
        written = record.get(fields.date) if fields.date else None
        date = str(written) if written not in (None, "") else None
        yield Source(name, source.path, text=record[fields.text], meta=meta, line=number, date=date)


def _decode_lines(data: bytes, name: str) -> tuple[str, dict[int, str]]:
    """The text of a table file, and the lines that could not be decoded (number →
    reason), each left in the text as an empty line so that numbers stay right.

    The whole file is decoded when it can be (the encoding detected as for any
    input); otherwise line by line, in the encoding its good lines agree on.
    """
    whole = _table_decoding(data, name)
    lines = data.split(b"\n")
    if whole is not None and (whole[1] not in ("gb18030", "big5") or not _mostly_utf8(lines)):
        return whole[0], {}
    bad: dict[int, str] = {}
    for number, line in enumerate(lines, 1):
        if b"\x00" in line:
            bad[number] = "NUL byte (binary data), line skipped"
    good = b"\n".join(line for number, line in enumerate(lines, 1) if number not in bad)
    agreed = _table_decoding(good, name)
    codec = agreed[1] if agreed else "utf-8"
    if codec in ("gb18030", "big5") and _mostly_utf8(lines):
        codec = "utf-8"
    texts = []
    for number, line in enumerate(lines, 1):
        if number not in bad:
            try:
                texts.append(line.decode(codec))
                continue
            except UnicodeDecodeError as exc:
                bad[number] = f"cannot be decoded as {codec} (byte {exc.start}), line skipped"
        texts.append("")
    return "\n".join(texts), bad


def _mostly_utf8(lines: list[bytes]) -> bool:
    """Whether most of the non-ASCII bytes of a table file's lines sit in lines
    that are UTF-8: then a table file that decodes whole only as GB18030 or Big5
    is UTF-8 with a few bad lines. (Bytes, not lines, are weighed: two broken
    lines of two bytes each are no evidence against a line of Han text.)"""
    good = bad = 0
    for line in lines:
        if not line.isascii():
            weight = len(line) - len(line.translate(None, _ASCII_BYTES))
            try:
                line.decode("utf-8")
                good += weight
            except UnicodeDecodeError:
                bad += weight
    return good >= bad and good > 0


#: table files larger than this are read line by line when they are UTF-8 (smaller
#: ones are decoded whole, one way for every encoding)
TABLE_STREAM_BYTES = 8 << 20
#: bytes read at a time when a table file is judged without holding it
_TABLE_BLOCK = 1 << 20


def _plain_utf8(source: Source) -> bool:
    """Whether ``_decode_lines`` would decode the whole input as plain UTF-8 (no
    byte-order mark, no binary head, strict UTF-8 to the end, scored as Chinese by
    ``decode_bytes`` on the same sample of head and middle), told in two passes
    over it that hold a block at a time. Anything else is left to ``_decode_lines``."""
    handle = source.open_binary()
    try:
        head = handle.read(_HEAD_BYTES)
        if not head or head.startswith(tuple(bom for bom, _ in _BOMS)) or _looks_binary(head):
            return False
        handle.seek(0)
        marks: list[tuple[int, int]] = []  # (byte, character) where a stretch starts
        first = ""
        chars = 0
        for at, text in _utf8_stretches(handle):
            marks.append((at, chars))
            chars += len(text)
            if len(first) < _SAMPLE_CHARS:
                first += text[: _SAMPLE_CHARS - len(first)]
        # the middle stretch again, from the last mark before the middle character
        middle = chars // 2
        at, known = max(mark for mark in marks if mark[1] <= middle)
        handle.seek(at)
        rest = ""
        for _, text in _utf8_stretches(handle):
            rest += text
            if known + len(rest) >= middle + _SAMPLE_CHARS:
                break
        sample = first + rest[middle - known : middle - known + _SAMPLE_CHARS]
        return _score(sample, "utf-8") > 1.0
    except (UnicodeDecodeError, ValueError, OSError):
        return False
    finally:
        if source.path is not None:
            handle.close()


def _utf8_stretches(handle: BinaryIO) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` of the rest of ``handle`` in stretches that end at a line
    end (a character boundary in UTF-8), decoded strictly (raises
    :class:`UnicodeDecodeError` at the first byte that is not UTF-8)."""
    at = handle.tell()
    pending = b""
    while block := handle.read(_TABLE_BLOCK):
        data = pending + block
        cut = data.rfind(b"\n") + 1
        if not cut:
            pending = data  # a line longer than a block: read on
            continue
        yield at, data[:cut].decode("utf-8")
        at += cut
        pending = data[cut:]
    if pending:
        yield at, pending.decode("utf-8")


def _table_decoding(data: bytes, name: str) -> tuple[str, str] | None:
    """``decode_bytes`` for a table file, or ``None`` when it fails. A UTF-16/32
    table's line ends decode to line ends: when the newline bytes do not, its
    "byte-order mark" is the bytes of a bad first line."""
    try:
        text, codec = decode_bytes(data, name)
    except InputError:
        return None
    if codec.startswith(("utf-16", "utf-32")) and ("\n" in text) != (b"\n" in data):
        return None
    return text, codec


def _json_lines(lines: Iterable[str], bad: dict[int, str]) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(lines, 1):
        if number in bad:
            yield number, InputError(bad[number])
            continue
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            yield number, InputError(f"not valid JSON ({getattr(exc, 'msg', exc)})")
        except RecursionError:
            yield number, InputError("JSON nested too deeply")


def _csv_rows(
    lines: TextIO, longest: int, fields: TableFields, name: str, bad: dict[int, str]
) -> Iterator[tuple[int, object]]:
    """Rows as dicts, numbered as rows of the file (the header being row 1); a row
    the CSV reader refuses is reported and reading goes on with the next.
    ``lines`` is the text, read with ``newline=""``; no field is longer than
    ``longest``."""
    limit = csv.field_size_limit()
    # a field may be as long as the file (csvkit's --maxfieldsize): never refuse a record
    # for its length; the limit is the process's, so it is put back afterwards
    csv.field_size_limit(max(limit, longest))
    try:
        reader = csv.reader(lines)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            header = None
            bad.setdefault(1, f"bad CSV header ({exc})")
        if header is None or fields.text not in header:
            yield 1, InputError(bad.get(1) or f"no column {fields.text!r} (give --text-field)")
            return
        reported = set()
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield start, InputError(f"bad CSV row ({exc})")
                continue
            for number in range(start, reader.line_num + 1):
                if number in bad and number not in reported:
                    reported.add(number)
                    yield number, InputError(bad[number])
            if not row or (start in bad and row == [""]):
                continue
            yield start, dict(zip(header, row, strict=False))
        for number in sorted(set(bad) - reported - {1}):
            yield number, InputError(bad[number])
    finally:
        csv.field_size_limit(limit)


def iter_sources(
    paths: Iterable[str | os.PathLike[str]], glob: str = "*.txt"
) -> Iterator[Source | InputError]:
    """Sources for ``paths`` in order; directories are walked recursively, sorted.

    ``-`` stands for standard input. A path that does not exist yields an
    :class:`InputError` in its place, so the caller can report it and go on.
    """
    for raw in paths:
        name = os.fspath(raw)
        if name == "-":
            yield Source(STDIN_NAME)
            continue
        path = Path(name)
        if path.is_dir():
            yield from _walk(path, glob)
        elif path.exists():
            yield Source(name, path)
        else:
            yield InputError("no such file or directory", name)


def passed_over(paths: Iterable[str | os.PathLike[str]], glob: str) -> list[tuple[str, str]]:
    """The files a walk of the directories among ``paths`` passes over, each with
    why (``-v``: a ``.pdf`` or ``.docx`` in a folder of ``*.txt``), sorted."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(os.fspath(raw))
        if raw != "-" and path.is_dir():
            for _ in _walk(path, glob, found):
                pass
    return [(str(path), reason) for path, reason in sorted(found)]


def _walk(
    root: Path, glob: str, passed: list[tuple[Path, str]] | None = None
) -> Iterator[Source | InputError]:
    """Files under ``root`` matching ``glob``, sorted; symlinked directories are
    followed once (a loop is cut by remembering each directory's device and inode),
    and special files (FIFOs, devices, sockets) are reported, not opened. The
    files not matching ``glob`` go into ``passed``, when given."""
    found: list[tuple[str, Path, str]] = []  # (path as named, its folder, file name)
    special: list[tuple[Path, str]] = []
    seen: set[tuple[int, int]] = set()
    matches = _glob_matcher(glob)

    def note_error(error: OSError) -> None:
        special.append((Path(error.filename or root), error.strerror or "cannot be read"))

    # an explicit stack, not os.walk's recursion: a tree 1,000 levels deep is walked too
    stack = [root]
    while stack:
        folder = stack.pop()
        dirpath = str(folder)
        try:
            info = os.stat(dirpath)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a symbolic-link loop, or a directory linked twice
        seen.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(dirpath) as listing:
                entries = list(listing)
        except OSError as error:
            note_error(error)
            continue
        # a file's name as Path would write it (``a.txt`` under ``.``, not ``./a.txt``),
        # made without a Path per file: a walk of 50,000 files spent a third of its time
        # parsing paths
        prefix = "" if dirpath == "." else dirpath if dirpath.endswith(os.sep) else dirpath + os.sep
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # symbolic links to directories are followed
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(_child(folder, entry.name))
                continue
            if not matches(entry.name):
                if passed is not None:
                    passed.append((_child(folder, entry.name), f"does not match --glob {glob!r}"))
                continue
            try:  # the common case, a regular file, told by the directory entry alone
                regular = entry.is_file(follow_symlinks=False) or stat.S_ISREG(entry.stat().st_mode)
            except OSError:
                regular = False
            if regular:
                found.append((prefix + entry.name, folder, entry.name))
                continue
            path = _child(folder, entry.name)
            kind = _special_kind(path)
            if kind:
                special.append((path, f"{kind}, skipped"))
            else:
                found.append((str(path), folder, entry.name))
    items: list[tuple[str, Source | InputError]] = [
        (name, Source(name, _child(folder, base, name))) for name, folder, base in found
    ]
    items += [(str(p), InputError(reason, str(p))) for p, reason in special]
    items.sort(key=itemgetter(0))
    for _, item in items:
        yield item


@cache
def _glob_matcher(glob: str) -> Callable[[str], object]:
    """``fnmatch.fnmatch(name, glob)`` as one compiled match (POSIX: no case folding)."""
    if os.path.normcase("A") != "A":
        return lambda name: fnmatch.fnmatch(name, glob)
    return re.compile(fnmatch.translate(glob)).match


def _child(folder: Path, name: str, text: str | None = None) -> Path:
    """``folder / name`` for a name from a directory listing (no separator in it, never
    ``.`` or ``..``), without parsing it again where pathlib allows; ``text``, when
    given, is its string (``str`` then has nothing to work out)."""
    make = getattr(folder, "_make_child_relpath", None)
    if make is None:
        return folder / name
    child: Path = make(name)
    if text is not None:
        # what Python 3.12's own _make_child_relpath does (on 3.11 the string would be
        # formatted again from the parts)
        try:
            child._str = text  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return child


def _special_kind(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if path.is_symlink() else "vanished"
    except OSError as exc:
        return exc.strerror or "cannot be read"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def stdin_is_null() -> bool:
    """Whether standard input is closed or ``/dev/null`` (as under cron, CI, or
    ``< /dev/null``): like a terminal, it is no corpus; an empty pipe or an empty
    file is one, an empty one."""
    if sys.stdin is None:
        return True
    try:
        info = os.fstat(sys.stdin.fileno())
    except (AttributeError, ValueError, OSError):
        return False  # not a file descriptor (a test's stream): its bytes are the input
    if not stat.S_ISCHR(info.st_mode):
        return False
    try:
        return info.st_rdev == os.stat(os.devnull).st_rdev
    except OSError:
        return False


def bundled_sources() -> list[Source]:
    """The sample corpus shipped inside the package."""
    return [Source(path.name, path) for path in bundled_corpus_paths()]


def decode_bytes(data: bytes, name: str = "", encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``.

    With ``encoding`` given it is used as is; otherwise a BOM decides, then the
    strict decodings of UTF-8, GB18030 and Big5 are scored. Raises
    :class:`InputError` for binary or undecodable data.

    >>> decode_bytes("滨州市公安局".encode("gb18030"))
    ('滨州市公安局', 'gb18030')
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", name) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"cannot be decoded as {encoding} (byte {exc.start}); drop --encoding to detect it",
                name,
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                reason = f"starts with a {codec} byte-order mark but is not {codec}"
                raise InputError(reason, name) from None
    if not data:
        return "", "utf-8"
    if _looks_binary(data[:_HEAD_BYTES]):
        raise InputError("binary file (not text), skipped", name)
    scored: list[tuple[float, str, str]] = []
    for rank, codec in enumerate(_CANDIDATES):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            if (
                codec == "utf-8"
                and exc.start >= len(data) - 3
                and exc.reason == "unexpected end of data"
            ):
                # a file cut inside its last character: keep the rest, mark the loss
                text = data[: exc.start].decode("utf-8") + "\ufffd"
            else:
                continue
        # a sample of head and middle is evidence enough, and scoring every
        # character of a large file three times is not free
        middle = len(text) // 2
        sample = text[:_SAMPLE_CHARS] + text[middle : middle + _SAMPLE_CHARS]
        score = _score(sample, codec)
        if score > 1.0:
            return text, codec  # valid UTF-8 of Chinese: no other decoding can score above 1
        scored.append((score, -rank, codec, text))  # type: ignore[arg-type]
    if not scored:
        raise InputError(
            "cannot be decoded as UTF-8, GB18030 or Big5; give --encoding if you know it", name
        )
    best = max(scored)
    return best[3], best[2]  # type: ignore[misc]


def _looks_binary(head: bytes) -> bool:
    """Whether an input's head is no text: a NUL byte, or over 1% control bytes."""
    binary = len(head) - len(head.translate(None, _BINARY_BYTES))
    return b"\x00" in head or binary > len(head) // 100


def _score(text: str, codec: str) -> float:
    """Share of Han characters that are common; UTF-8 validity is strong evidence."""
    # common characters are Han and neither private nor astral: once they are cut
    # out, the other two counts are taken on the (short) rest
    rest = _common_han_run().sub("", text)
    common = len(text) - len(rest)
    han = common + count_runs(HAN_RUN_RE, rest)
    odd = count_runs(_PRIVATE_OR_ASTRAL_RUN, rest)
    if not han:
        base = 1.0 if text.isascii() else 0.5
    else:
        base = common / han
    base -= odd / max(1, len(text))
    if codec == "utf-8" and not text.isascii():
        base += 0.5  # random bytes are almost never valid multi-byte UTF-8
    return base


@cache
def _common_han_run() -> re.Pattern[str]:
    """Runs of common Han characters (within ``HAN``): the character class
    compiles to a bitmap, tested in C."""
    common = "".join(sorted(c for c in common_chars() if HAN_RUN_RE.fullmatch(c)))
    return re.compile(f"[{common}]+")


# ---- inputs too large to hold whole: read in bounded parts ----------------------------
#: how many bytes of an input are read at a time when it is read in parts
_CHUNK_BYTES = 1 << 22
#: how many stretches of a large input are sampled to score candidate encodings
_SAMPLES = 16
_PART_CUT_BEFORE = re.compile(f"[{SENTENCE_END_MARKS}]")
_PART_CUT_CLAUSE = re.compile(f"[{CLAUSE_END_MARKS}]")


def detect_stream_encoding(handle: BinaryIO, name: str) -> str:
    """The encoding of a large input, judged on all of it (``decode_bytes`` judges a
    text held in memory): a BOM decides; else every candidate must decode every
    byte (a file cut inside its last character aside), and those that do are
    scored on stretches sampled through the whole input. Leaves ``handle`` at 0.
    """
    handle.seek(0)
    head = handle.read(_HEAD_BYTES)
    handle.seek(0)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if _looks_binary(head):
        raise InputError("binary file (not text), skipped", name)
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    every = max(1, size // _CHUNK_BYTES // _SAMPLES)  # sample one chunk in this many
    scored: list[tuple[float, int, str]] = []
    for rank, codec in enumerate(_CANDIDATES):
        decoder = codecs.getincrementaldecoder(codec)()
        samples: list[str] = []
        number = 0
        try:
            while chunk := handle.read(_CHUNK_BYTES):
                text = decoder.decode(chunk)
                if number % every == 0:
                    samples.append(text[:_SAMPLE_CHARS])
                number += 1
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if not (codec == "utf-8" and exc.reason == "unexpected end of data"):
                continue  # a file cut inside its last character is still UTF-8
        finally:
            handle.seek(0)
        score = _score("".join(samples), codec)
        if score > 1.0:
            return codec  # valid UTF-8 of Chinese: no other decoding can score above 1
        scored.append((score, -rank, codec))
    if not scored:
        raise InputError(
            "cannot be decoded as UTF-8, GB18030 or Big5; give --encoding if you know it", name
        )
    return max(scored)[2]


def decoded_parts(handle: BinaryIO, name: str, encoding: str, part_chars: int) -> Iterator[str]:
    """The text of ``handle`` decoded as ``encoding``, in parts of at most
    ``part_chars`` characters cut at a line end where one is near (see
    ``cut_point``); a character cut at the very end of the input becomes U+FFFD,
    as ``decode_bytes`` makes it."""
    decoder = codecs.getincrementaldecoder(encoding)()
    buffer = ""
    read = 0
    while True:
        chunk = handle.read(_CHUNK_BYTES)
        try:
            buffer += decoder.decode(chunk)
            if not chunk:
                try:
                    buffer += decoder.decode(b"", final=True)
                except UnicodeDecodeError as exc:
                    if exc.reason != "unexpected end of data":
                        raise
                    buffer += "\ufffd"  # the input ends inside a character
        except UnicodeDecodeError:
            raise InputError(f"cannot be decoded as {encoding} near byte {read}", name) from None
        read += len(chunk)
        while len(buffer) > part_chars:
            cut = cut_point(buffer, part_chars)
            yield buffer[:cut]
            buffer = buffer[cut:]
        if not chunk:
            break
    if buffer:
        yield buffer


def text_parts(text: str, part_chars: int) -> Iterator[str]:
    """A text held in memory, in parts as ``decoded_parts`` cuts them."""
    start = 0
    while len(text) - start > part_chars:
        cut = cut_point(text, part_chars, start)
        yield text[start:cut]
        start = cut
    if start < len(text) or not text:
        yield text[start:]


def cut_point(text: str, limit: int, start: int = 0) -> int:
    """Where a part that starts at ``start`` ends, at most ``limit`` characters on:
    after the last line end that follows a non-Han character (a line broken inside
    a word is rejoined by normalisation, which must see both halves), else after
    any line end, else after a sentence end, else a clause end; a run with none of
    them is cut hard."""
    floor, ceiling = start + limit // 2, start + limit
    newline = text.rfind("\n", floor, ceiling)
    first_newline = newline
    while newline > floor and is_han(text[newline - 1]):
        newline = text.rfind("\n", floor, newline)
    if newline > floor:
        return newline + 1
    if first_newline >= 0:
        return first_newline + 1
    for pattern in (_PART_CUT_BEFORE, _PART_CUT_CLAUSE):
        last = None
        for last in pattern.finditer(text, floor, ceiling):  # noqa: B007
            pass
        if last:
            return last.end()
    return ceiling
