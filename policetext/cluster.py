"""The per-document work on a Dask cluster (the ``dask`` extra).

A task is a pure function of (analyser, document); here it is mapped over a Dask
bag of inputs, one partition a few documents, and the partitions' results come
back in input order, so the corpus-level reductions (``stats.collect`` and
``finish``, keyword document frequencies, keyness counts, the export) are the
same code that folds the results of ``--jobs N`` locally. Dask reschedules the
partitions of a worker that dies; a document that cannot be used comes back as
an :class:`~policetext.errors.InputError`, reported like a local bad input.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from policetext.config import Config
from policetext.errors import ConfigError, InputError, PolicetextError
from policetext.io import Source

if TYPE_CHECKING:
    import dask.bag

    from policetext.analyser import Task
    from policetext.document import Document

R = TypeVar("R")


class ClusterError(PolicetextError):
    """The Dask cluster could not do the work (unreachable, different software,
    workers dying over and over): one line for the user, never a traceback."""


DASK_EXTRA_HINT = "pip install 'policetext[dask]'"
#: documents per partition: small enough to spread a few hundred documents over
#: the workers and to lose little when a worker dies, large enough that the
#: scheduler's cost per task (about a millisecond) stays small
PARTITION_DOCUMENTS = 16
#: how often a partition whose task raised is tried again (a worker that dies is
#: handled by the scheduler itself: its tasks are rescheduled)
RETRIES = 2
#: partitions sent ahead per worker thread: the cluster never waits for the next,
#: and what is held here stays bounded
AHEAD = 2


def _require_dask() -> None:
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(f"engine dask is not installed: {DASK_EXTRA_HINT}") from None


#: seconds to wait for a scheduler given with --scheduler (option --connect-timeout)
CONNECT_TIMEOUT = 5.0
#: the credentials of the local clusters this process started, by scheduler address:
#: only clients holding them can connect (see ``dask_client``)
_LOCAL_SECURITY: dict[str, Any] = {}


@contextlib.contextmanager
def dask_client(
    scheduler: str | None, workers: int | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of worker
    processes (one thread each: the work is pure Python) when none is given.

    A local cluster listens on loopback only, without a dashboard, and speaks TLS
    with a certificate made for this run (``Security.temporary()``, held by this
    process only): another local user can neither connect to it nor run code on
    it as the invoking user. A scheduler that cannot be reached is reported in one
    line after ``timeout`` seconds.
    """
    _require_dask()
    from distributed import Client, LocalCluster

    with one_line_dask_logs():
        if scheduler:
            try:
                client = Client(
                    scheduler, timeout=f"{timeout}s", security=_LOCAL_SECURITY.get(scheduler)
                )
            except Exception as exc:
                reason = str(exc).strip().split("\n", 1)[0][:200] or type(exc).__name__
                raise ConfigError(
                    f"cannot reach the Dask scheduler {scheduler}: {reason}"
                ) from None
            with client:
                yield client
            return
        security = _temporary_security()
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            protocol="tls://",
            security=security,
            dashboard_address=None,
        )
        address = cluster.scheduler_address
        _LOCAL_SECURITY[address] = security
        try:
            with cluster, Client(cluster, security=security) as client:
                yield client
        finally:
            _LOCAL_SECURITY.pop(address, None)


def _temporary_security() -> Any:
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:  # it needs the cryptography package
        raise ConfigError(
            f"a local Dask cluster needs the cryptography package: {DASK_EXTRA_HINT}"
        ) from None


class _OneLine(logging.Formatter):
    """A Dask log record as one short stderr line: a dying worker's message lists
    every task key it held (kilobytes); its first line says what happened."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().strip().split("\n", 1)[0]
        if len(message) > LOG_CHARS:
            message = message[: LOG_CHARS - 1] + "…"
        return f"policetext: dask: {message}"


#: characters of a Dask log message kept in its one line
LOG_CHARS = 160


@contextlib.contextmanager
def one_line_dask_logs() -> Iterator[None]:
    """While the block runs, Dask's warnings and errors (``distributed``'s loggers)
    are one line each on stderr, and nothing below a warning is shown."""
    logger = logging.getLogger("distributed")
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine())
    saved = logger.handlers[:], logger.level, logger.propagate
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers[:], level, logger.propagate = saved[0], saved[1], saved[2]
        logger.setLevel(level)


@contextlib.contextmanager
def shared_scheduler(
    scheduler: str | None, workers: int | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[str]:
    """The scheduler's address, starting a local cluster for the block when none is
    given: so that several runs (the two corpora of ``compare``) share one."""
    if scheduler:
        yield scheduler
        return
    with dask_client(None, workers, timeout) as client:
        yield client.scheduler.address


def run_on_dask(
    config: Config,
    items: Iterable[Source | InputError],
    task: Task[R],
    *,
    segment: bool,
    pos: bool,
    scheduler: str | None,
    workers: int | None = None,
) -> Iterator[tuple[Source | InputError, R | None, InputError | None]]:
    """``(item, result, error)`` for every item, in input order, computed on Dask.

    The items are read as they are sent: partitions of ``PARTITION_DOCUMENTS`` go
    to the cluster a few per worker thread ahead of the one awaited, so neither the
    inputs (a table file's records hold their texts) nor the results are ever all
    held here at once."""
    with dask_client(scheduler, workers, config.connect_timeout) as client:
        threads = sum(client.nthreads().values()) or 1
        partitions = _partitions(items, PARTITION_DOCUMENTS)

        def send(partition: list[Source | InputError]) -> tuple[list[Any], Any]:
            future = client.submit(
                _run_partition, partition, config, task, segment, pos,
                retries=RETRIES, pure=False,
            )  # fmt: skip
            return partition, future

        waiting = collections.deque(map(send, itertools.islice(partitions, AHEAD * threads)))
        try:
            while waiting:  # in order: each partition as soon as it is done
                partition, future = waiting[0]
                try:
                    outcomes = future.result()
                except Exception as exc:  # the cluster's failure, not a document's
                    reason = str(exc).strip().split("\n", 1)[0]
                    raise ClusterError(
                        f"the Dask run failed: {type(exc).__name__}: {reason}"
                    ) from None
                waiting.popleft()
                waiting.extend(map(send, itertools.islice(partitions, 1)))
                for item, (result, error) in zip(partition, outcomes, strict=True):
                    yield item, result, error
        finally:
            client.cancel([future for _, future in waiting])


def _partitions(
    items: Iterable[Source | InputError], size: int
) -> Iterator[list[Source | InputError]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they are needed."""
    it = iter(items)
    while partition := list(itertools.islice(it, size)):
        yield partition


def _run_partition(
    items: Sequence[Source | InputError],
    config: Config,
    task: Task[R],
    segment: bool,
    pos: bool,
) -> list[tuple[R | None, InputError | None]]:
    from policetext.analyser import run_item

    return [run_item(config, item, task, segment, pos) for item in items]


# ---- the API for corpora already in Dask ----------------------------------------------
def analyse_bag(
    bag: dask.bag.Bag,
    config: Config | None = None,
    *,
    text_field: str = "text",
    id_field: str | None = None,
    meta_fields: Sequence[str] = (),
) -> dask.bag.Bag:
    """A bag of texts (``str``) or records (``dict``) → a bag of analysed documents,
    each what ``Pipeline.parse`` gives locally (tokens, figures, units, keywords).

    Records take their text from ``text_field``, their name from ``id_field``
    (else ``<text>``, as ``Pipeline.parse``) and carry ``meta_fields`` as
    ``Document.meta``. A record without text gives a document with empty text
    rather than failing the bag.

    >>> import dask.bag as db                                     # doctest: +SKIP
    >>> docs = analyse_bag(db.from_sequence(["滨州市公安局抓获逃犯10人。"]))  # doctest: +SKIP
    >>> docs.map(lambda d: [f.text for f in d.figures]).compute()  # doctest: +SKIP
    [['10人']]
    """
    _require_dask()
    config = config or Config()
    return bag.map_partitions(_analyse_partition, config, text_field, id_field, tuple(meta_fields))


def _analyse_partition(
    items: Sequence[Any],
    config: Config,
    text_field: str,
    id_field: str | None,
    meta_fields: tuple[str, ...],
) -> list[Document]:
    from policetext.analyser import worker_analyser

    analyser = worker_analyser(config)
    documents = []
    for item in items:
        if isinstance(item, str):
            text, name, meta = item, "<text>", {}
        else:
            record = dict(item)
            text = record.get(text_field)
            text = text if isinstance(text, str) else ""
            identifier = record.get(id_field) if id_field else None
            name = str(identifier) if identifier not in (None, "") else "<text>"
            meta = {k: "" if record.get(k) is None else str(record.get(k)) for k in meta_fields}
        source = Source(name, text=text, meta=tuple(meta.items()))
        documents.append(analyser.analyse(analyser.parse_source(source, segment=True)))
    return documents
