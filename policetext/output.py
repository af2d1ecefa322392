"""One renderer for every command: table | tsv | csv | json | jsonl, and plain text.

``auto`` is a rich table on a terminal and TSV in a pipe. Rows are plain dicts.
TSV escapes backslash, tab, newline and carriage return as ``\\\\ \\t \\n \\r``
(PostgreSQL text format) so every row stays on one line; list values are joined
with ``;`` in TSV and CSV and stay lists in JSON.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_string
from pathlib import Path
from typing import Any, TextIO

from policetext.errors import PolicetextError

FORMATS = ("auto", "table", "tsv", "csv", "json", "jsonl")
BAR_WIDTH = 24
MAX_CELL = 36
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def resolve_format(fmt: str, stream: TextIO) -> str:
    """``auto`` → ``table`` on a terminal, else ``tsv``."""
    if fmt == "auto":
        return "table" if is_terminal(stream) else "tsv"
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    stream: TextIO,
    *,
    title: str | None = None,
) -> int:
    """Write ``rows`` (only ``columns``, in that order) to ``stream``; return the row count."""
    fmt = resolve_format(fmt, stream)
    if fmt == "table":
        return _write_table(rows, columns, stream, title)
    count = 0
    if fmt == "tsv":
        stream.write("\t".join(columns) + "\n")
        for row in rows:
            stream.write("\t".join(_cell(row.get(c)).translate(_TSV_ESCAPES) for c in columns))
            stream.write("\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            stream.write(_json({c: row.get(c) for c in columns}) + "\n")
            count += 1
    elif fmt == "json":
        stream.write("[")
        for row in rows:
            stream.write(("," if count else "") + "\n" + _json({c: row.get(c) for c in columns}))
            count += 1
        stream.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    stream.flush()
    return count


def _json(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def _write_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    stream: TextIO,
    title: str | None,
    bar: str | None = None,
    diverging: str | None = None,
) -> int:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    terminal = is_terminal(stream)
    plain = not terminal or "NO_COLOR" in os.environ
    console = Console(
        file=stream,
        no_color=plain,
        highlight=False,
        force_terminal=terminal,
        soft_wrap=False,
        # a table asked for in a pipe is not squeezed into 80 columns
        width=None if terminal else 160,
    )
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    # article text can hold what rich reads as markup ([/], [/link]): cells, headers
    # and titles are given as Text, never parsed
    table = Table(
        title=Text(title) if title else None,
        box=None if plain else box.SIMPLE_HEAD,
        header_style="" if plain else "bold",
        show_edge=False,
        pad_edge=False,
    )
    materialised = list(rows)
    shows = [_table_format([r.get(c) for r in materialised]) for c in columns]
    header = diverging or ""
    bar_width = max(cell_len(header), BAR_WIDTH + 1) if bar else 0
    layout = _table_layout(materialised, columns, shows, console.width - bar_width - bool(bar))
    for column, (numeric, width, wrap) in zip(columns, layout, strict=True):
        if numeric:
            table.add_column(Text(column), justify="right", no_wrap=True, min_width=width)
        else:
            # a column cut below its width wraps when two lines hold it (names), else
            # it is cut with an ellipsis (titles, contexts: one row, one line)
            overflow = "fold" if wrap else "ellipsis"
            table.add_column(Text(column), overflow=overflow, no_wrap=not wrap, width=width)
    values = [abs(float(r.get(bar) or 0)) for r in materialised] if bar else []
    top = max(values, default=0.0)
    if bar:
        table.add_column(Text(header), style="" if plain else "cyan", no_wrap=True)
    for row in materialised:
        cells = [show(row.get(c)) for show, c in zip(shows, columns, strict=True)]
        if bar:
            value = float(row.get(bar) or 0)
            cells.append(_diverging_bar(value, top) if diverging else _bar(value, top))
        table.add_row(*map(Text, cells))
    console.print(table)
    if title and plain:
        stream.write("\n")
    stream.flush()
    return len(materialised)


def _table_format(values: Sequence[Any]) -> Callable[[Any], str]:
    """How a table writes one column: a column of floats (scores, G², p) to one fixed
    number of decimals, enough for three significant digits of its smallest value (at
    most six); anything else as in TSV. Machine formats keep every digit."""
    floats = [v for v in values if isinstance(v, float)]
    if not floats or len(floats) != len(values):
        return _cell
    decimals = max(
        (
            min(6, max(0, 2 - math.floor(math.log10(abs(v)))))
            for v in floats
            if v and math.isfinite(v)
        ),
        default=0,
    )
    smallest = 0.5 * 10.0**-decimals

    def show(value: Any) -> str:
        if value is None:
            return ""
        if 0 < abs(value) < smallest:  # not zero, though it rounds to it
            return ("<" if value > 0 else ">-") + f"{2 * smallest:.{decimals}f}"
        return f"{value:.{decimals}f}"

    return show


def _table_layout(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    shows: Sequence[Callable[[Any], str]],
    room: int,
) -> list[tuple[bool, int, bool]]:
    """Per column (numeric, width, wrap) so the table fits in ``room`` cells.

    Numbers always get their width. The text columns share what is left, the widest
    cut first (water-filling): a short name keeps all the room it needs and only the
    long columns (paths, contexts) give way; a column cut to less than its width wraps
    when two lines hold it.
    """
    from rich.cells import cell_len  # rich only for tables

    natural: list[int] = []
    numeric: list[bool] = []
    for column, show in zip(columns, shows, strict=True):
        values = [r.get(column) for r in rows]
        is_number = bool(rows) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
        widths = [cell_len(show(v)) for v in values]
        natural.append(max([cell_len(column), *widths]))
        numeric.append(is_number)
    text = [min(w, MAX_CELL) for w, n in zip(natural, numeric, strict=True) if not n]
    left = room - sum(w for w, n in zip(natural, numeric, strict=True) if n)
    left -= 2 * (len(columns) - 1)  # a space either side of every inner edge
    cap = max(text, default=0)
    if sum(text) > left:
        ordered = sorted(text)
        for i, width in enumerate(ordered):
            share = max(1, left // (len(ordered) - i))
            if width > share:
                cap = share
                break
            left -= width
    layout = []
    for width, is_number in zip(natural, numeric, strict=True):
        if is_number:
            layout.append((True, width, False))
        else:
            whole = min(width, MAX_CELL)
            layout.append((False, min(whole, cap), cap < whole <= 2 * cap))
    return layout


def _closed_pipe() -> None:
    """rich exits with status 1 when stdout is closed (``| head``); the CLI's own
    handling of a closed pipe (quiet, status 0) is wanted instead."""
    raise BrokenPipeError


def _bar(value: float, top: float) -> str:
    return "█" * round(BAR_WIDTH * value / top) if top else ""


def _diverging_bar(value: float, top: float) -> str:
    """A bar right of the axis for a positive value, left of it for a negative one."""
    half = BAR_WIDTH // 2
    length = round(half * abs(value) / top) if top else 0
    if value >= 0:
        return " " * half + "│" + "█" * length
    return " " * (half - length) + "█" * length + "│"


def write_text(chunks: Iterable[str], stream: TextIO) -> None:
    """Write plain text as it comes (one document at a time), flushing as it goes."""
    for chunk in chunks:
        stream.write(chunk)
        stream.flush()


def iter_lines(text: str) -> Iterator[str]:
    """``text`` as newline-terminated lines."""
    for line in text.split("\n"):
        yield line + "\n"


def write_file_atomically(target: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, one after another) to a temporary name beside
    ``target``, then rename it into place, so an interrupted run never leaves a file
    that looks complete."""
    import tempfile  # only when a file is written: its imports cost every process 10 ms

    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
        # the temporary file is private (0600): give the result the mode of the file
        # it replaces (never wider), else the mode open() would
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


#: bytes a file name may take (most file systems allow 255)
NAME_BYTES = 200
_CONTROL = {c: None for c in (*range(0x20), 0x7F)}


def safe_parts(name: str) -> tuple[str, ...]:
    """The relative path a document called ``name`` is written to: separators
    split it, NUL and control characters go, ``.``/``..`` and empty parts are
    dropped, ``:`` becomes ``_`` (so ``scrape.jsonl:3`` keeps its number), and a
    part too long for a file system is cut and made distinct by a hash.

    >>> safe_parts("../a/./b:2")
    ('a', 'b_2')
    """
    parts = []
    for piece in name.replace("\\", "/").split("/"):
        piece = piece.translate(_CONTROL).replace(":", "_")
        if piece in ("", ".", ".."):
            continue
        parts.append(_fit(piece))
    return tuple(parts) or ("document.txt",)


def _fit(piece: str) -> str:
    raw = piece.encode("utf-8", "surrogateescape")
    if len(raw) <= NAME_BYTES:
        return piece
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()[:10]
    _, dot, suffix = piece.rpartition(".")
    if not dot or len(suffix) > 10:
        suffix = ""
    keep = raw[: NAME_BYTES - 12 - len(suffix.encode("utf-8", "surrogateescape"))]
    cut = keep.decode("utf-8", "ignore")
    return f"{cut}~{digest}" + (f".{suffix}" if suffix else "")


class OutputCollision(PolicetextError):
    """Two documents would be written to one file (``--on-collision stop``)."""


class OutputDirectory:
    """The files of ``normalize -o DIR``: one per document, never two documents in
    one file. A name taken in this run, a folder where a file is needed, or a file
    where a folder is needed is a collision: ``suffix`` gives the document a free
    name (``name-2``; a path under a file is flattened to ``a_b``); ``stop`` ends
    the run with one line and writes nothing (documents are staged in a private
    folder inside DIR and moved into place at the end)."""

    def __init__(self, root: Path, on_collision: str = "suffix") -> None:
        import tempfile

        self.root = root
        self.stop = on_collision == "stop"
        self.files: dict[tuple[str, ...], str] = {}
        self.folders: set[tuple[str, ...]] = set()
        self.last: tuple[str, str] | None = None  # (doc, file) of the last document
        root.mkdir(parents=True, exist_ok=True)
        self.staging = None
        if self.stop:
            self.staging = Path(tempfile.mkdtemp(dir=root, prefix=".policetext-"))

    def write(self, doc: str, text: str, continued: bool = False) -> Path:
        """Write one document (``continued``: a later part of the last one); return
        the file it will have in DIR."""
        if continued and self.last and self.last[0] == doc:
            parts = tuple(self.last[1].split("/"))
            with open(self._where(parts), "a", encoding="utf-8") as handle:
                handle.write(text)
            return self.root.joinpath(*parts)
        parts = self._free(doc, safe_parts(doc))
        self.files[parts] = doc
        self.folders.update(parts[:i] for i in range(1, len(parts)))
        self.last = (doc, "/".join(parts))
        write_file_atomically(self._where(parts), text)
        return self.root.joinpath(*parts)

    def _where(self, parts: tuple[str, ...]) -> Path:
        return (self.staging or self.root).joinpath(*parts)

    def _clash(self, parts: tuple[str, ...]) -> str | None:
        """Why ``parts`` cannot be used, or None."""
        if parts in self.files:
            return f"as {self.files[parts]!r} is"
        if parts in self.folders or (self.root.joinpath(*parts)).is_dir():
            return "where a folder is"
        for i in range(1, len(parts)):
            above = self.root.joinpath(*parts[:i])
            if parts[:i] in self.files or (above.exists() and not above.is_dir()):
                return f"under {'/'.join(parts[:i])}, which is a file"
        return None

    def _free(self, doc: str, parts: tuple[str, ...]) -> tuple[str, ...]:
        clash = self._clash(parts)
        if clash is None:
            return parts
        if self.stop:
            self.abort()
            raise OutputCollision(
                f"{doc!r} would be written to {'/'.join(parts)}, {clash}; nothing written "
                "(give ids that differ, or --on-collision suffix)",
                str(self.root),
            )
        if "which is a file" in clash:
            parts = (_fit("_".join(parts)),)
        stem, dot, suffix = parts[-1].rpartition(".")
        if not dot or not stem:
            stem, suffix = parts[-1], ""
        n = 1
        while self._clash(parts) is not None:
            n += 1
            parts = (*parts[:-1], f"{stem}-{n}" + (f".{suffix}" if suffix else ""))
        return parts

    def commit(self) -> None:
        """Move staged documents into place (``stop``); nothing to do for ``suffix``."""
        if self.staging is None:
            return
        for parts in self.files:
            target = self.root.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging.joinpath(*parts), target)
        self.abort()

    def abort(self) -> None:
        """Remove the staging folder and what is in it."""
        if self.staging is not None:
            import shutil

            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


@dataclass
class Section:
    """One table of a multi-table screen (``stats``); ``bar`` names a numeric column
    drawn as a bar beside the table."""

    title: str
    columns: Sequence[str]
    rows: list[Mapping[str, Any]]
    bar: str | None = None
    #: draw ``bar`` signed around an axis; the text is the bar column's header
    diverging: str | None = None


def write_sections(sections: Iterable[Section], stream: TextIO) -> None:
    """Several titled tables one after another (the ``table`` format's screen)."""
    for section in sections:
        _write_table(
            section.rows, section.columns, stream, section.title, section.bar, section.diverging
        )


def write_object(obj: Mapping[str, Any], stream: TextIO) -> None:
    """One JSON object, indented, characters as written. A value that is an
    iterator (the documents of ``stats``) is written as an array one item at a
    time, never held whole: the bytes are those of the whole object dumped at once."""
    lazy = [key for key, value in obj.items() if isinstance(value, Iterator)]
    if not lazy:
        stream.write(_indented(obj) + "\n")
        stream.flush()
        return
    # each value dumped on its own, indented one level deeper: json.dumps writes
    # no newline inside a value but those of its indentation
    entries = list(obj.items())
    stream.write("{")
    for number, (key, value) in enumerate(entries):
        stream.write(("," if number else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
        if key not in lazy:
            stream.write(_indented(value, "\n  "))
            continue
        first = True
        for item in value:
            stream.write(("[" if first else ",") + "\n    ")
            stream.write(_indented(item, "\n    "))
            first = False
        stream.write("[]" if first else "\n  ]")
    stream.write("\n}\n" if entries else "}\n")
    stream.flush()


def _indented(value: Any, indent: str = "\n") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)``, a
    level deeper for each two spaces after ``indent``'s newline: the same bytes, built
    with the C string encoder (json's own indenting encoder is pure Python, and took
    a tenth of ``stats --format json`` with the fast extra)."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float_text(value)
    inner = indent + "  "
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [_indented(item, inner) for item in value]
        return "[" + inner + ("," + inner).join(items) + indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        pairs = [_key_text(key) + ": " + _indented(item, inner) for key, item in value.items()]
        return "{" + inner + ("," + inner).join(pairs) + indent + "}"
    return _indented(_json_default(value), indent)


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    """A dict key as json writes it (a string; numbers, booleans and None as text)."""
    if isinstance(key, str):
        return _encode_string(key)
    if key is True or key is False or key is None:
        return {True: '"true"', False: '"false"', None: '"null"'}[key]
    if isinstance(key, int):
        return '"' + int.__repr__(key) + '"'
    if isinstance(key, float):
        return '"' + _float_text(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def write_json(values: Sequence[Any], stream: TextIO, *, lines: bool = False) -> None:
    """A list as one JSON array, or (``lines``) each value as a JSON line."""
    for value in values if lines else [values]:
        stream.write(json.dumps(value, ensure_ascii=False, default=_json_default) + "\n")
    stream.flush()


@dataclass
class TreeNode:
    """A node of a hierarchy to print (``units --tree``): label, count, children."""

    label: str
    count: int = 0
    children: list[TreeNode] = field(default_factory=list)


def write_trees(title: str, roots: Sequence[TreeNode], stream: TextIO) -> None:
    """A rich tree on a terminal; an indented outline (two spaces a level) elsewhere."""
    if not is_terminal(stream) or "NO_COLOR" in os.environ:
        stream.write(title + "\n")

        def outline(node: TreeNode, depth: int) -> None:
            stream.write(f"{'  ' * depth}{node.label}\t{node.count}\n")
            for child in node.children:
                outline(child, depth + 1)

        for root in roots:
            outline(root, 1)
        stream.flush()
        return
    from rich.console import Console
    from rich.tree import Tree

    tree = Tree(f"[bold]{title}[/bold]")

    def grow(branch: Tree, node: TreeNode) -> None:
        twig = branch.add(f"{node.label} [dim]×{node.count}[/dim]")
        for child in node.children:
            grow(twig, child)

    for root in roots:
        grow(tree, root)
    console = Console(file=stream, highlight=False)
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    console.print(tree)


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set."""
    return is_terminal(stream) and "NO_COLOR" not in os.environ


def highlight(text: str, spans: Sequence[tuple[int, int]], colour: bool) -> str:
    """``text`` with the spans in bold red when ``colour`` (ripgrep's match style)."""
    if not colour or not spans:
        return text
    out = []
    last = 0
    for start, end in sorted(spans):
        out.append(text[last:start] + "\x1b[1;31m" + text[start:end] + "\x1b[0m")
        last = end
    return "".join(out) + text[last:]


@contextlib.contextmanager
def progress_bar(stream: TextIO, *, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A callback ``advance(nbytes)`` per document; on a terminal it drives a progress
    line (documents, MB, MB/s) on ``stream``. Nothing is drawn in a pipe or with -q."""
    if not enabled or not is_terminal(stream):
        yield lambda nbytes: None
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.completed} documents"),
        TextColumn("{task.fields[mb]:.1f} MB"),
        TextColumn("{task.fields[rate]:.2f} MB/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        task = progress.add_task("documents", mb=0.0, rate=0.0)
        done = 0

        def advance(nbytes: int) -> None:
            nonlocal done
            done += nbytes
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, advance=1, mb=done / 1e6, rate=done / 1e6 / elapsed)

        yield advance
