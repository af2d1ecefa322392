"""Read the word lists and pattern files shipped under ``policetext/data/``.

Every data file starts with ``#`` header lines saying what it is and where it
comes from; blank lines and ``#`` lines are skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

#: the package's data directory (found from this file: importlib.resources costs
#: every process 10 ms of imports, zipfile among them, for a package never zipped)
_DATA = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """Path of a shipped data file (``policetext/data/NAME``)."""
    return _DATA / name


def iter_data_lines(path: Path) -> Iterator[str]:
    """Lines of a data file without header comments and blank lines, stripped."""
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if line and not line.startswith("#"):
                yield line


@cache
def shipped_lines(name: str) -> tuple[str, ...]:
    """The content lines of a shipped data file; read once (the files never change)."""
    return tuple(iter_data_lines(data_path(name)))


def bundled_corpus_paths() -> list[Path]:
    """The sample articles bundled with the package, sorted by name."""
    return sorted(data_path("seeds").glob("*.txt"))


@cache
def common_chars() -> frozenset[str]:
    """Common Han characters, simplified and traditional (see ``make_common.py``)."""
    return frozenset("".join(shipped_lines("common_chars.txt")))


@cache
def common_words() -> frozenset[str]:
    """Common two-character words (see ``make_common.py``)."""
    return frozenset(" ".join(shipped_lines("common_words.txt")).split())
