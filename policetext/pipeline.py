"""Pipeline(config): text or path → Document, running the stages in order."""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import functools
import os
import re
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from policetext.cache import NormalizedCache
from policetext.config import Config
from policetext.document import Document, Tokens
from policetext.errors import InputError, PolicetextError
from policetext.figures import FigureExtractor
from policetext.io import Source, decode_bytes, iter_records, iter_sources
from policetext.keywords import KeywordExtractor
from policetext.normalize import Normalizer
from policetext.segment import Segmenter
from policetext.units import UnitExtractor

ErrorHandler = Callable[[InputError], None]
R = TypeVar("R")
Task = Callable[["Pipeline", Document], R]

#: below this much input, worker processes cost more than they save
PARALLEL_THRESHOLD_BYTES = 2_000_000
#: inputs larger than this are read, normalised and processed in bounded parts
HUGE_BYTES = 16_000_000
#: characters per part of a huge input (cut after a line or sentence end)
PART_CHARS = 1_000_000
_SENTENCE_END = re.compile(r"[。！？；!?;…]")
_CLAUSE_END = re.compile(r"[，、,：:]")


def _raise(error: InputError) -> None:
    raise error


class Pipeline:
    """Owns the OpenCC converter and the jieba tokenizer; build one and reuse it.

    >>> doc = Pipeline().parse_text("濱州市公安局抓獲逃犯10人。", segment=True)
    >>> doc.text, [t.text for t in doc.tokens][:2]
    ('滨州市公安局抓获逃犯10人。', ['滨州市', '公安局'])
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()

    @cached_property
    def normalizer(self) -> Normalizer:
        return Normalizer(self.config)

    @cached_property
    def segmenter(self) -> Segmenter:
        return Segmenter(self.config.user_dicts, self.config.cache_dir, self.config.engine)

    @cached_property
    def figures(self) -> FigureExtractor:
        return FigureExtractor()

    @cached_property
    def units(self) -> UnitExtractor:
        return UnitExtractor(self.segmenter.word_tag)

    @cached_property
    def keywords(self) -> KeywordExtractor:
        return KeywordExtractor(
            self.config.stopwords, self.config.keyword_pos, self.config.cache_dir
        )

    def parse(self, text: str, doc: str = "<text>") -> Document:
        """A text fully analysed, for notebooks: tokens, figures, units and keywords.

        >>> doc = Pipeline().parse("廣州市公安局天河區分局抓獲嫌疑人12人。")
        >>> [f.text for f in doc.figures], [u.name for u in doc.units]
        (['12人'], ['广州市公安局天河区分局'])
        """
        return self.analyse(self.parse_text(text, doc, segment=True))

    def analyse(self, document: Document, top: int = 50) -> Document:
        """A segmented document with its figures, units and keyword ranking attached."""
        from policetext.keywords import Keyword

        ranked = self.keywords.tfidf(Counter(self.keywords.terms(document)), top)
        return dataclasses.replace(
            document,
            figures=tuple(self.figures.figures(document)),
            units=tuple(self.units.units(document)),
            keyword_ranking=tuple(
                Keyword(document.doc, i, t, s, c) for i, (t, s, c) in enumerate(ranked, 1)
            ),
        )

    def read(
        self, paths: Iterable[str | Source], on_error: ErrorHandler = _raise
    ) -> Iterator[Document]:
        """Fully analysed documents for paths (files, directories, JSON Lines, CSV)."""
        for document in self.documents(paths, segment=True, on_error=on_error):
            yield self.analyse(document)

    def parse_text(
        self,
        text: str,
        doc: str = "<text>",
        *,
        path: str | None = None,
        encoding: str = "str",
        segment: bool = False,
        pos: bool = False,
    ) -> Document:
        """Normalise (and optionally segment) one text into a :class:`Document`."""
        result = self.normalizer.normalize(text)
        body = result.text
        tokens = self.segmenter.tokens(body, pos=pos) if segment or pos else Tokens([], [], [])
        first_line = body.split("\n", 1)[0] if body else ""
        return Document(
            doc=doc,
            text=body,
            path=path,
            encoding=encoding,
            script=result.script,
            title=first_line,
            source=result.byline.source,
            reporters=tuple(result.byline.reporters),
            correspondents=tuple(result.byline.correspondents),
            editor=tuple(result.byline.editor),
            changes=result.counts.as_dict(),
            tokens=tokens,
        )

    def parse_parts(
        self, source: Source, *, segment: bool = False, pos: bool = False
    ) -> Iterator[Document]:
        """One document for an ordinary input; bounded parts for a huge file, so that
        memory stays bounded by the part, not by the file (a 200 MB one-line dump)."""
        size = 0
        if source.path is not None and source.text is None:
            try:
                size = source.path.stat().st_size
            except OSError:
                size = 0
        if size <= HUGE_BYTES:
            yield self.parse_source(source, segment=segment, pos=pos)
            return
        yield from self._huge_parts(source, segment, pos)

    def _huge_parts(self, source: Source, segment: bool, pos: bool) -> Iterator[Document]:
        assert source.path is not None
        try:
            handle = open(source.path, "rb")
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", source.name) from None
        with handle:
            head = handle.read(1 << 20)
            encoding = self.config.encoding or _prefix_encoding(head, source.name)
            decoder = codecs.getincrementaldecoder(encoding)()
            read = len(head)
            try:
                buffer = decoder.decode(head)
            except UnicodeDecodeError:
                raise InputError(f"cannot be decoded as {encoding}", source.name) from None
            part = offset = line_offset = 0
            separator = ""
            final = False
            while not final:
                chunk = handle.read(1 << 22)
                final = not chunk
                try:
                    buffer += decoder.decode(chunk, final=final)
                except UnicodeDecodeError:
                    raise InputError(
                        f"cannot be decoded as {encoding} near byte {read}", source.name
                    ) from None
                read += len(chunk)
                while len(buffer) >= PART_CHARS or (final and buffer):
                    cut = (
                        _cut_point(buffer, PART_CHARS) if len(buffer) >= PART_CHARS else len(buffer)
                    )
                    piece, buffer = buffer[:cut], buffer[cut:]
                    document = self.parse_text(
                        piece, source.name, path=str(source.path), encoding=encoding,
                        segment=segment, pos=pos,
                    )  # fmt: skip
                    if part:
                        offset += len(separator)
                        line_offset += separator.count("\n")
                    yield dataclasses.replace(
                        document, part=part, offset=offset, line_offset=line_offset,
                        separator=separator if part else "",
                    )  # fmt: skip
                    offset += len(document.text)
                    line_offset += document.text.count("\n")
                    separator = "\n" if piece.endswith("\n") else ""
                    part += 1

    @cached_property
    def cache(self) -> NormalizedCache | None:
        return NormalizedCache(self.config) if self.config.use_cache else None

    def parse_source(self, source: Source, *, segment: bool = False, pos: bool = False) -> Document:
        """Read, decode and parse one source; raises :class:`InputError` for bad input."""
        if source.text is not None:  # a record of a JSON Lines or CSV input
            document = self.parse_text(
                source.text, source.name, path=str(source.path) if source.path else None,
                encoding="utf-8", segment=segment, pos=pos,
            )  # fmt: skip
            return dataclasses.replace(document, meta=dict(source.meta))
        if self.cache is not None and source.path is not None:
            entry = self.cache.get(source.path)
            if entry is not None:
                return self._from_cache(source, entry, segment, pos)
        data = source.read_bytes()
        text, encoding = decode_bytes(data, source.name, self.config.encoding)
        path = str(source.path) if source.path else None
        document = self.parse_text(
            text, source.name, path=path, encoding=encoding, segment=segment, pos=pos
        )
        if self.cache is not None and source.path is not None:
            self.cache.put(source.path, _cache_entry(document))
        return document

    def _from_cache(
        self, source: Source, entry: dict[str, Any], segment: bool, pos: bool
    ) -> Document:
        body = entry["text"]
        tokens = self.segmenter.tokens(body, pos=pos) if segment or pos else Tokens([], [], [])
        return Document(
            doc=source.name,
            text=body,
            path=str(source.path),
            encoding=entry["encoding"],
            script=entry["script"],
            title=entry["title"],
            source=entry["source"],
            reporters=tuple(entry["reporters"]),
            correspondents=tuple(entry["correspondents"]),
            editor=tuple(entry["editor"]),
            changes=dict(entry["changes"]),
            tokens=tokens,
        )

    def parse_path(self, path: str | Path, *, segment: bool = False, pos: bool = False) -> Document:
        """Read, decode and parse one file."""
        return self.parse_source(Source(str(path), Path(path)), segment=segment, pos=pos)

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
        and the rest are still processed. ``jobs`` as in :meth:`run`.
        """
        return self.run(
            inputs, _the_document, jobs=jobs, segment=segment, pos=pos, on_error=on_error,
            progress=progress,
        )  # fmt: skip

    def run(
        self,
        inputs: Iterable[str | Source],
        task: Task[R],
        *,
        jobs: int | None = 1,
        segment: bool = False,
        pos: bool = False,
        on_error: ErrorHandler = _raise,
        progress: Callable[[int], None] | None = None,
        executor: str | None = None,
        scheduler: str | None = None,
    ) -> Iterator[R]:
        """``task(pipeline, document)`` for every input, in input order.

        ``executor="dask"`` (default: the config's) runs it on a Dask cluster (the
        scheduler at ``scheduler``, else the config's, else a local cluster of
        ``jobs`` worker processes): same results, same order.

        ``progress(nbytes)`` is called once per input that was used.

        ``jobs`` > 1 runs the documents in that many worker processes, each with
        its own Pipeline; ``None`` picks the number of cores when the input is
        large enough to pay for them. ``task`` must be a module-level function.
        Results are identical and in the same order whatever ``jobs`` is.
        """
        # errors of the walk stay in their place among the files, so that messages
        # come in input order and --strict stops where a serial run would
        items = list(self._items(inputs))
        outcomes: Iterable[tuple[Source | InputError, list[R], InputError | None]]
        if (executor or self.config.executor) == "dask":
            from policetext.cluster import run_on_dask

            outcomes = run_on_dask(
                self.config, items, task, segment=segment, pos=pos,
                scheduler=scheduler or self.config.scheduler, workers=jobs,
            )  # fmt: skip
        elif (workers := self._workers(items, jobs)) > 1:
            outcomes = _on_a_pool(self.config, items, task, segment, pos, workers)
        else:
            # one process: tasks' results stream document by document
            outcomes = ((item, self._stream(item, task, segment, pos), None) for item in items)
        for item, results, error in outcomes:
            try:
                yield from results
            except InputError as failure:  # a streamed input that failed on the way
                error = failure
            if error is not None:
                on_error(error)
            elif progress:
                progress(_size_of(item))

    def _stream(
        self, item: Source | InputError, task: Task[R], segment: bool, pos: bool
    ) -> Iterator[R]:
        if isinstance(item, InputError):
            raise item
        for document in self.parse_parts(item, segment=segment, pos=pos):
            yield task(self, document)

    @staticmethod
    def _workers(items: list[Source | InputError], jobs: int | None) -> int:
        sources = [item for item in items if isinstance(item, Source)]
        if jobs is not None:
            return max(1, min(jobs, len(sources)))
        cores = os.cpu_count() or 1
        size = 0
        for source in sources:
            if source.path is None:
                continue
            try:
                size += source.path.stat().st_size
            except OSError:
                pass
        return min(cores, len(sources)) if size >= PARALLEL_THRESHOLD_BYTES else 1

    def _items(self, inputs: Iterable[str | Source]) -> Iterator[Source | InputError]:
        fields = self.config.table
        for item in inputs:
            found = [item] if isinstance(item, Source) else iter_sources([item], self.config.glob)
            for source in found:
                if isinstance(source, Source) and source.text is None:
                    if fields.format_of(source) != "text":
                        try:
                            yield from iter_records(source, fields)
                        except InputError as error:
                            yield error
                        continue
                yield source


def _size_of(item: Source | InputError) -> int:
    if isinstance(item, InputError):
        return 0
    if item.text is not None:
        return len(item.text.encode("utf-8"))
    try:
        return item.path.stat().st_size if item.path else 0
    except OSError:
        return 0


def _cache_entry(document: Document) -> dict[str, Any]:
    return {
        "text": document.text,
        "encoding": document.encoding,
        "script": document.script,
        "title": document.title,
        "source": document.source,
        "reporters": list(document.reporters),
        "correspondents": list(document.correspondents),
        "editor": list(document.editor),
        "changes": dict(document.changes),
    }


def _the_document(pipeline: Pipeline, document: Document) -> Document:
    return document


# The pipelines of a worker process (pool or Dask), one per configuration, built
# on first use: the per-process state workers need, never touched in the parent.
_WORKER_PIPELINES: dict[Config, Pipeline] = {}


def worker_pipeline(config: Config) -> Pipeline:
    """This worker process's Pipeline for ``config`` (built once, then reused)."""
    pipeline = _WORKER_PIPELINES.get(config)
    if pipeline is None:
        pipeline = _WORKER_PIPELINES[config] = Pipeline(config)
    return pipeline


def run_item(
    config: Config, item: Source | InputError, task: Task[R], segment: bool, pos: bool
) -> tuple[list[R], InputError | None]:
    """``task`` over the documents of one input, in a worker: its results, and the
    error that ended it (results of a huge input's earlier parts are kept)."""
    if isinstance(item, InputError):
        return [], item
    pipeline = worker_pipeline(config)
    results: list[R] = []
    try:
        for document in pipeline.parse_parts(item, segment=segment, pos=pos):
            results.append(task(pipeline, document))
    except InputError as error:
        return results, error
    return results, None


def _on_a_pool(
    config: Config,
    items: list[Source | InputError],
    task: Task[R],
    segment: bool,
    pos: bool,
    workers: int,
) -> Iterator[tuple[Source | InputError, list[R], InputError | None]]:
    import multiprocessing  # only for worker processes: 10 ms of imports

    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    work = functools.partial(run_item, config, task=task, segment=segment, pos=pos)
    # not multiprocessing.Pool: it waits for ever for the task of a worker that was
    # killed (kill -9, the OOM killer); this executor says the pool is broken
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_signals)
    try:
        outcomes = pool.map(work, items)
        for item in items:
            try:
                results, error = next(outcomes)
            except BrokenProcessPool:
                raise PolicetextError(
                    "a worker process died (killed, or out of memory?); the run is incomplete: "
                    "run it again, with fewer --jobs if memory is short"
                ) from None
            yield item, results, error
    finally:
        _stop_pool(pool)


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


def _prefix_encoding(head: bytes, name: str) -> str:
    """The encoding of a file from its first bytes (which may end inside a character)."""
    error: InputError | None = None
    for cut in range(4):
        try:
            return decode_bytes(head[: len(head) - cut] if cut else head, name)[1]
        except InputError as exc:
            error = error or exc
    assert error is not None
    raise error


def _cut_point(text: str, limit: int) -> int:
    """Where to end a part before ``limit``: after the last line end, else sentence end,
    else clause end; a run with none of them is cut hard."""
    floor = limit // 2
    newline = text.rfind("\n", floor, limit)
    if newline >= 0:
        return newline + 1
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        last = None
        for match in pattern.finditer(text, floor, limit):
            last = match
        if last:
            return last.end()
    return limit
