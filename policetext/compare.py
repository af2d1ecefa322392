"""Keyness of two corpora: corpus A against corpus B (two paths, or one corpus
split by a metadata field), as ``compare`` and the Python API run it."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from policetext.analyser import Runner
from policetext.errors import PolicetextError
from policetext.keywords import Keyness, keyness, split_term_counts
from policetext.tasks import KEYWORD_TERMS


def compare_corpora(
    runner: Runner, corpus_a: Any, corpus_b: Any, *, min_freq: int = 3, **options: Any
) -> list[Keyness]:
    """Keyness of corpus A against corpus B (paths or lists of sources), best first;
    ``options`` go to ``runner.run`` (``jobs``, ``on_error``, ``progress``). On Dask
    both corpora run on one cluster."""
    counts = []
    with _one_cluster(runner, options.get("jobs")) as scheduler:
        for corpus in (corpus_a, corpus_b):
            inputs = corpus if isinstance(corpus, list | tuple) else [corpus]
            results = runner.run(
                inputs, KEYWORD_TERMS, segment=True, scheduler=scheduler, **options
            )
            counts.append(_term_counts(results))
    return keyness(counts[0], counts[1], min_freq)


def compare_split(
    runner: Runner,
    inputs: Sequence[Any],
    field: str,
    value: str,
    against: str | None = None,
    *,
    min_freq: int = 3,
    **options: Any,
) -> list[Keyness]:
    """Keyness of the documents whose ``field`` is ``value`` against the rest (or
    those whose ``field`` is ``against``); raises when either side has no terms.
    ``field`` must be among the inputs' meta fields (``Config.table.meta``)."""
    results = runner.run(inputs, KEYWORD_TERMS, segment=True, **options)
    counts = split_term_counts(results, field, value, against)
    labels = split_labels(field, value, against)
    for label, total in zip(labels, counts, strict=True):
        if not total:
            raise PolicetextError(f"no document with terms has {label}")
    return keyness(counts[0], counts[1], min_freq)


def split_labels(field: str, value: str, against: str | None) -> tuple[str, str]:
    """How the two sides of a split are named: ``field=value`` and the rest."""
    other = f"{field}={against}" if against is not None else f"{field}≠{value}"
    return f"{field}={value}", other


def sides(rows: Sequence[Keyness], top: int) -> tuple[list[Keyness], list[Keyness]]:
    """A's ``top`` terms (positive G²) and B's, each strongest first."""
    return [r for r in rows if r.g2 > 0][:top], [r for r in rows if r.g2 < 0][:top]


@contextlib.contextmanager
def _one_cluster(runner: Runner, jobs: int | None) -> Iterator[str | None]:
    """The Dask scheduler both corpora run on (a local cluster for the block when
    the config names none); ``None`` when the run is local."""
    if runner.config.executor != "dask":
        yield None
        return
    from policetext.cluster import shared_scheduler

    config = runner.config
    with shared_scheduler(config.scheduler, jobs, config.connect_timeout) as address:
        yield address


def _term_counts(results: Iterable[tuple[str, list[str], dict[str, str]]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for _, terms, _ in results:
        total.update(terms)
    return total
