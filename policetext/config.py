"""One frozen configuration object with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policetext.io import TableFields

#: where documents are processed
EXECUTORS = ("local", "dask")
#: OpenCC conversions from a traditional variant to simplified Chinese.
CONVERSIONS = ("t2s", "tw2s", "hk2s")
#: estimated Jaccard similarity (of 5-character shingles) at which two documents
#: are near-duplicates: measured in bench/dedup.py and tests/test_dedup.py (README)
DEDUP_THRESHOLD = 0.45
#: rows of each long table (documents, figures, years, units) and sentences the
#: report embeds by default (``report --max-rows``): a 20,000-document report stays
#: a page of a few megabytes; the rest are counted, with the command listing them
REPORT_MAX_ROWS = 1000


def _table_fields() -> TableFields:
    from policetext.io import TableFields

    return TableFields()


def default_cache_dir() -> Path:
    """The per-user cache directory (XDG), never a shared temporary directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policetext"


@dataclass(frozen=True)
class Config:
    """Settings for a :class:`~policetext.pipeline.Pipeline`.

    Every normalisation step is on by default; each can be turned off (``skip``).
    """

    #: OpenCC conversion to simplified, or ``None`` to keep the script as written.
    conversion: str | None = "t2s"
    #: normalisation steps turned off, by switch name (``policetext.normalize.STEPS``:
    #: ``repair``, ``pinyin``, ``convert``, ``width``, ``stutter``, ``furniture``);
    #: each is what the CLI's ``--no-NAME`` turns off.
    skip: frozenset[str] = frozenset()
    #: force an input encoding instead of detecting one per file.
    encoding: str | None = None
    #: file-name pattern for directory walks.
    glob: str = "*.txt"
    #: extra jieba user dictionaries (``word [freq] [pos]`` per line).
    user_dicts: tuple[Path, ...] = field(default_factory=tuple)
    #: extra stopwords for keywords (on top of the shipped list).
    stopwords: frozenset[str] = field(default_factory=frozenset)
    #: restrict keywords to these part-of-speech prefixes (needs tagging).
    keyword_pos: tuple[str, ...] = ()
    #: how to read JSON Lines and CSV inputs (text, id and meta fields)
    table: TableFields = field(default_factory=lambda: _table_fields())
    #: reuse normalised text from the cache (keyed by path, size, mtime, version).
    use_cache: bool = False
    #: map the normalised text back to the raw lines it comes from (``grep`` prints
    #: the file's line and column; costs a second normalisation, line by line)
    line_map: bool = False
    #: segmentation engine: ``auto`` (rjieba when installed), ``jieba`` or ``rjieba``;
    #: all give the same output, ``rjieba`` and the OpenCC binding (the ``fast``
    #: extra) many times faster.
    engine: str = "auto"
    #: where documents are processed: ``local`` (this machine, ``--jobs``) or ``dask``
    #: (the ``dask`` extra: a Dask cluster; same results, same order)
    executor: str = "local"
    #: the Dask scheduler's address (``tcp://host:8786``); ``None``: a local cluster
    scheduler: str | None = None
    #: seconds to wait for the Dask scheduler before saying it cannot be reached
    connect_timeout: float = 5.0
    #: where jieba's dictionary cache (and the normalised-text cache) is written.
    cache_dir: Path = field(default_factory=default_cache_dir)
    #: inputs larger than this (bytes of a file or of standard input; a record's
    #: text counted at three bytes a character) are read and analysed in parts, so
    #: that memory stays bounded by the part, not by the input
    huge_bytes: int = 16_000_000
    #: characters in one part of a huge input (cut after a line end where one is near)
    part_chars: int = 1_000_000
    #: only documents whose date (``Document.date``) falls on or after / before this
    #: ISO date (2021, 2021-06, 2021-06-30); a document without a dated year is left out
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        from policetext.errors import ConfigError

        if self.conversion is not None and self.conversion not in CONVERSIONS:
            raise ConfigError(
                f"unknown conversion {self.conversion!r}; choose one of {', '.join(CONVERSIONS)}"
            )
        # the names in ``skip`` are the normalisation registry's: checked when a
        # Normalizer (and so an Analyser or Pipeline) is made with this config
        object.__setattr__(self, "skip", frozenset(self.skip))
        from policetext.engines import resolve_segmenter

        resolve_segmenter(self.engine)  # an unknown or missing engine fails here, early
        if self.huge_bytes < 1 or self.part_chars < 2:
            raise ConfigError("huge_bytes must be at least 1 and part_chars at least 2")
        if self.executor not in EXECUTORS:
            raise ConfigError(
                f"unknown executor {self.executor!r}; choose one of {', '.join(EXECUTORS)}"
            )
