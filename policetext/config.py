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

    Every normalisation step is on by default; each can be turned off.
    """

    #: OpenCC conversion to simplified, or ``None`` to keep the script as written.
    conversion: str | None = "t2s"
    #: remove inline pinyin annotations such as ``習(xí)``.
    strip_pinyin: bool = True
    #: repair GBK stretches decoded one byte out of step; mark the rest as noise.
    repair_garbled: bool = True
    #: full-width digits/letters to ASCII; ASCII punctuation between Chinese to Chinese forms.
    fix_width: bool = True
    #: undo scraping stutter (doubled pieces) and rejoin words broken across lines.
    fix_stutter: bool = True
    #: remove page furniture and move bylines/editor into document metadata.
    strip_furniture: bool = True
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

    def __post_init__(self) -> None:
        from policetext.errors import ConfigError

        if self.conversion is not None and self.conversion not in CONVERSIONS:
            raise ConfigError(
                f"unknown conversion {self.conversion!r}; choose one of {', '.join(CONVERSIONS)}"
            )
        from policetext.engines import resolve_segmenter

        resolve_segmenter(self.engine)  # an unknown or missing engine fails here, early
        if self.executor not in EXECUTORS:
            raise ConfigError(
                f"unknown executor {self.executor!r}; choose one of {', '.join(EXECUTORS)}"
            )
