"""Pipeline(config): runs tasks over inputs, serially, in worker processes or on Dask.

A :class:`Pipeline` is an :class:`~policetext.analyser.Analyser` (the stages of
one document) that also runs a task over a corpus: the inputs in order, one
result each (a huge input's parts merged by the task's own merge, in
``Analyser.task_result``), the errors of unusable inputs handed to ``on_error``.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from policetext.analyser import Analyser, Skipped, Task, as_task, join_documents, run_items
from policetext.config import Config
from policetext.document import Document
from policetext.errors import InputError, PolicetextError
from policetext.io import Source, iter_records, iter_sources, stdin_source

ErrorHandler = Callable[[InputError], None]
R = TypeVar("R")

#: below this much input, worker processes cost more than they save
PARALLEL_THRESHOLD_BYTES = 2_000_000
#: how many of the files the cache is asked about before choosing worker processes
CACHE_SAMPLE = 32
#: batches of inputs given to a pool per worker beyond the one awaited (results
#: wait in order)
INPUTS_AHEAD = 4
#: a batch: up to this many inputs or this many bytes, whichever comes first. A
#: round trip to a worker costs the parent about half a millisecond (its threads
#: send the task and take the result), as much as a small page's whole analysis
#: with the fast engine: small files go together, a big one alone
BATCH_INPUTS = 16
BATCH_BYTES = 262_144


def _raise(error: InputError) -> None:
    raise error


class Pipeline(Analyser):
    """Owns the stages (see :class:`Analyser`) and runs tasks over corpora; build
    one and reuse it.

    >>> doc = Pipeline().parse_text("濱州市公安局抓獲逃犯10人。", segment=True)
    >>> doc.text, [t.text for t in doc.tokens][:2]
    ('滨州市公安局抓获逃犯10人。', ['滨州市', '公安局'])
    """

    def read(
        self, paths: Iterable[str | Source], on_error: ErrorHandler = _raise
    ) -> Iterator[Document]:
        """Fully analysed documents for paths (files, directories, JSON Lines, CSV)."""
        for document in self.documents(paths, segment=True, on_error=on_error):
            yield self.analyse(document)

    def documents(
        self,
        inputs: Iterable[str | Source],
        *,
        segment: bool = False,
        pos: bool = False,
        jobs: int | None = 1,
        on_error: ErrorHandler = _raise,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Document]:
        """Documents for paths (files, directories, ``-``) or sources, in order.

        A file that cannot be used is passed to ``on_error`` (by default raised)
        and the rest are still processed. ``jobs`` as in :meth:`run`. A huge input
        comes whole, joined from its parts: run a :class:`Task` to keep memory bounded.
        """
        return self.run(
            inputs, WHOLE_DOCUMENT, jobs=jobs, segment=segment, pos=pos, on_error=on_error,
            progress=progress,
        )  # fmt: skip

    def run(
        self,
        inputs: Iterable[str | Source | InputError],
        task: Task[R] | Callable[[Analyser, Document], R],
        *,
        jobs: int | None = 1,
        segment: bool = False,
        pos: bool = False,
        on_error: ErrorHandler = _raise,
        progress: Callable[[int], None] | None = None,
        executor: str | None = None,
        scheduler: str | None = None,
    ) -> Iterator[R]:
        """``task(analyser, document)`` for every input, in input order: one result
        per input (a huge input's parts merged by the task's merge).

        ``task`` is a :class:`~policetext.analyser.Task` or a module-level function
        of (analyser, document). ``jobs`` > 1 runs the inputs in that many worker
        processes, each with its own Analyser; ``None`` picks the number of cores
        when the input is large enough to pay for them. ``executor="dask"``
        (default: the config's) runs them on a Dask cluster (the scheduler at
        ``scheduler``, else the config's, else a local cluster of ``jobs`` worker
        processes). Results are identical and in the same order whatever runs them.

        ``progress(nbytes)`` is called once per input that was used.
        """
        work = as_task(task)
        # errors of the walk stay in their place among the files, so that messages
        # come in input order and --strict stops where a serial run would
        outcomes: Iterable[tuple[Source | InputError, R | None, InputError | None]]
        if (executor or self.config.executor) == "dask":
            from policetext.cluster import run_on_dask

            outcomes = run_on_dask(
                self.config, self._items(inputs), work, segment=segment, pos=pos,
                scheduler=scheduler or self.config.scheduler, workers=jobs,
            )  # fmt: skip
            yield from self._results(outcomes, on_error, progress)
            return
        # the inputs are walked as they are used, never held all at once (a corpus
        # of many files, or the records of a table file, which hold their text):
        # only the few that tell how many workers to start are read ahead
        inputs = list(inputs)  # the paths as given
        walk = self._items(inputs)
        ahead, workers = self._workers(walk, jobs, any(map(_is_stdin, inputs)), segment or pos)
        items = itertools.chain(ahead, walk)
        if workers > 1:
            outcomes = _on_a_pool(self.config, items, work, segment, pos, workers)
        else:
            # one process: each input's result as soon as it is there, a lazy
            # merge (rows of a huge input) streaming part by part
            outcomes = (self._serial(item, work, segment, pos) for item in items)
        try:
            yield from self._results(outcomes, on_error, progress)
        finally:
            if self.cache is not None:
                self.cache.flush()  # the times of use of the entries read

    def _results(
        self,
        outcomes: Iterable[tuple[Source | InputError, R | None, InputError | None]],
        on_error: ErrorHandler,
        progress: Callable[[int], None] | None,
    ) -> Iterator[R]:
        for item, result, error in outcomes:
            if error is not None:
                on_error(error)
                continue
            if isinstance(result, Skipped):  # outside the --since/--until period
                if progress:
                    progress(_size_of(item))
                continue
            if isinstance(result, Iterator):
                result = _reporting(result, on_error)  # type: ignore[assignment]
            yield result  # type: ignore[misc]
            if progress:
                progress(_size_of(item))

    def _serial(
        self, item: Source | InputError, task: Task[R], segment: bool, pos: bool
    ) -> tuple[Source | InputError, R | None, InputError | None]:
        if isinstance(item, InputError):
            return item, None, item
        try:
            return item, self.task_result(item, task, segment=segment, pos=pos), None
        except InputError as error:
            return item, None, error

    def _workers(
        self, walk: Iterator[Source | InputError], jobs: int | None, stdin: bool, segment: bool
    ) -> tuple[list[Source | InputError], int]:
        """How many worker processes to run the inputs in, and the inputs read ahead
        to tell (a few: as many as the workers, or 2 MB of them)."""
        if jobs == 1 or stdin:
            return [], 1  # standard input, read in this process, is not sent to workers
        cores = os.cpu_count() or 1
        ahead: list[Source | InputError] = []
        sources = size = 0
        for item in walk:
            ahead.append(item)
            if not isinstance(item, Source):
                continue
            sources += 1
            if jobs is not None:
                if sources >= jobs:
                    return ahead, jobs
                continue
            if item.path is not None:
                try:
                    size += item.path.stat().st_size
                except OSError:
                    pass
            if sources >= cores and size >= PARALLEL_THRESHOLD_BYTES:
                break
        else:
            if jobs is not None:
                return ahead, max(1, min(jobs, sources))
            if size < PARALLEL_THRESHOLD_BYTES:
                return ahead, 1
        if not segment and self._cached([item for item in ahead if isinstance(item, Source)]):
            return ahead, 1  # texts read back from the cache: less work than sending them
        return ahead, min(cores, sources)

    def _cached(self, sources: list[Source]) -> bool:
        """Whether the cache holds these files' texts, judged on a sample of them."""
        paths = [source.path for source in sources if source.path and source.text is None]
        if self.cache is None or not paths:
            return False
        step = max(1, len(paths) // CACHE_SAMPLE)
        return self.cache.holds(paths[::step])

    def expand(self, inputs: Iterable[str | Source | InputError]) -> Iterator[Source | InputError]:
        """The sources of ``inputs`` in order (directories walked, JSON Lines and CSV
        split into records), with the errors of the walk in their place; :meth:`run`
        takes them as inputs again (a pre-pass such as ``--dedup`` reads them first)."""
        return self._items(inputs)

    def _items(self, inputs: Iterable[str | Source | InputError]) -> Iterator[Source | InputError]:
        fields = self.config.table
        for item in inputs:
            if isinstance(item, InputError):  # from expand: reported in its place
                yield item
                continue
            found = [item] if isinstance(item, Source) else iter_sources([item], self.config.glob)
            for source in found:
                if isinstance(source, Source) and source.is_bare_stdin() and sys.stdin:
                    # ``-``: read once, held in memory or spilled to a temporary file (a
                    # closed standard input stays as it is: reading it says so)
                    spooled = stdin_source(sys.stdin.buffer, self.config.huge_bytes)
                    source = spooled or Source(source.name, stream=io.BytesIO())
                if isinstance(source, Source) and source.text is None:
                    if fields.format_of(source) != "text":
                        try:
                            yield from iter_records(source, fields)
                        except InputError as error:
                            yield error
                        continue
                yield source


def _is_stdin(given: str | Source | InputError) -> bool:
    """Whether an input as given is standard input (``-``, or its source)."""
    if isinstance(given, Source):
        return given.stream is not None or given.is_bare_stdin()
    return given == "-"


def _size_of(item: Source | InputError) -> int:
    if isinstance(item, InputError):
        return 0
    if item.text is not None:
        return len(item.text.encode("utf-8"))
    try:
        return item.path.stat().st_size if item.path else 0
    except OSError:
        return 0


def _reporting(results: Iterator[R], on_error: ErrorHandler) -> Iterator[R]:
    """A lazy result (the rows of a huge input, read as they are iterated) whose
    input fails on the way: the rows so far stand, the error is reported."""
    try:
        yield from results
    except InputError as error:
        on_error(error)


def _the_document(analyser: Analyser, document: Document) -> Document:
    return document


#: the task of :meth:`Pipeline.documents`: each input's document, whole
WHOLE_DOCUMENT: Task[Document] = Task(_the_document, join_documents)


def _on_a_pool(
    config: Config,
    items: Iterable[Source | InputError],
    task: Task[R],
    segment: bool,
    pos: bool,
    workers: int,
) -> Iterator[tuple[Source | InputError, R | None, InputError | None]]:
    import multiprocessing  # only for worker processes: 10 ms of imports

    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    work = functools.partial(run_items, config, task=task, segment=segment, pos=pos)
    # not multiprocessing.Pool: it waits for ever for the task of a worker that was
    # killed (kill -9, the OOM killer); this executor says the pool is broken
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_signals)
    try:
        # a few batches ahead of the one awaited, not all: the results of a fast pool
        # and a slow consumer (the export's writes) wait in the workers' queue, and
        # memory does not grow with the corpus
        upcoming = _batches(items)
        waiting: collections.deque[tuple[list[Source | InputError], Any]] = collections.deque(
            (batch, pool.submit(work, batch))
            for batch in itertools.islice(upcoming, workers * INPUTS_AHEAD)
        )
        while waiting:
            batch, future = waiting.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                raise PolicetextError(
                    "a worker process died (killed, or out of memory?); the run is incomplete: "
                    "run it again, with fewer --jobs if memory is short"
                ) from None
            for more in itertools.islice(upcoming, 1):
                waiting.append((more, pool.submit(work, more)))
            for item, (result, error) in zip(batch, outcomes, strict=True):
                yield item, result, error
    finally:
        _stop_pool(pool)


def _batches(items: Iterable[Source | InputError]) -> Iterator[list[Source | InputError]]:
    """``items`` in batches of up to ``BATCH_INPUTS`` inputs or ``BATCH_BYTES``."""
    batch: list[Source | InputError] = []
    size = 0
    for item in items:
        batch.append(item)
        size += _input_bytes(item)
        if len(batch) >= BATCH_INPUTS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _input_bytes(item: Source | InputError) -> int:
    return 0 if isinstance(item, InputError) else item.size()  # unreadable: the worker says why


def _stop_pool(pool: Any) -> None:
    """End a pool at once (Ctrl-C, SIGTERM, a closed pipe, a dead worker), as
    ``multiprocessing.Pool.terminate`` did: queued tasks are cancelled and the
    workers are stopped rather than waited for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


def _worker_signals() -> None:
    """A worker dies of SIGTERM at once and leaves Ctrl-C to the parent.

    The parent's SIGTERM handler, inherited at fork, runs Python code, and Python
    can lose such a signal: arriving just before a worker blocks on the task
    queue's lock, it sets a flag nobody looks at again, and the pool's exit (which
    terminates the workers) waits for that worker for ever.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
