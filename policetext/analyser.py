"""Analyser(config): the stages that make one input into its document, and tasks.

An :class:`Analyser` owns the stages (the normaliser with its OpenCC converter,
the segmenter with its jieba tokenizer, the figure, unit and keyword extractors)
and reads one input into documents: one document for an ordinary input, and for
a huge one (over ``Config.huge_bytes``: a 200 MB one-line dump, a whole book in
one JSON field) bounded parts, each normalised and segmented on its own, whose
offsets (``Document.offset``) place them in the whole normalised text. Every
token, figure, unit and hit is made with offsets into that whole text.

A :class:`Task` is work on one document (``work(analyser, document)``) and how
the results of one input's parts become that input's one result (``merge``):
the parts are this module's business, and the merge is called in this one place
(``task_result``), for serial runs, worker processes and Dask alike.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from policetext.cache import NormalizedCache
from policetext.config import Config
from policetext.document import Document, Tokens
from policetext.errors import InputError
from policetext.figures import FigureExtractor
from policetext.io import (
    Source,
    decode_bytes,
    decoded_parts,
    detect_stream_encoding,
    text_parts,
)
from policetext.keywords import Keyword, KeywordExtractor
from policetext.linemap import LineMap, raw_line_map
from policetext.normalize import Normalizer, check_skip
from policetext.segment import Segmenter
from policetext.text import count_han, script_of
from policetext.units import UnitExtractor

if TYPE_CHECKING:
    from policetext.facts import FactReader

R = TypeVar("R")


@dataclass(frozen=True)
class Task(Generic[R]):
    """Work on one document, and how one input's results become one.

    ``merge`` receives the results of an input's parts, in order, as an iterator
    (one result for an ordinary input); it may return a lazy iterator, which a
    worker process turns into a list before sending it back.
    """

    work: Callable[[Analyser, Document], R]
    merge: Callable[[Iterator[R]], R]
    #: the result from an input's name and cached normalised text (UTF-8) alone, when
    #: that is all it takes (``grep -c``: the lines holding a match; any grep: nothing, for
    #: a text without a match), else ``None`` for the work on the whole document
    from_text: Callable[[str, bytes], R | None] | None = None

    def __call__(self, analyser: Analyser, document: Document) -> R:
        return self.work(analyser, document)


class ClosesDocuments:
    """For a corpus-level result whose ``documents`` may be read back from a
    temporary file (``spill.Spill``: stats, the report): :meth:`close`, or the end
    of a ``with`` block, removes it."""

    documents: Iterable[Any]

    def close(self) -> None:
        """Remove the temporary file the documents are read from, if there is one."""
        close = getattr(self.documents, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Runner(Protocol):
    """What runs a task over a corpus (a :class:`~policetext.pipeline.Pipeline`), as
    the corpus-level functions (stats, the report) use it without importing the
    pipeline: the stages, and ``run``."""

    config: Config

    @property
    def keywords(self) -> KeywordExtractor: ...

    def run(self, inputs: Iterable[Any], task: Task[R], **options: Any) -> Iterator[R]: ...


class Skipped:
    """The result of a task over an input that a date filter (``Config.since``,
    ``until``) left out: ``Pipeline.run`` yields nothing for it."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Skipped, ())


def in_period(date: str | None, since: str | None, until: str | None) -> bool:
    """Whether a document dated ``date`` (ISO at its precision) falls within
    ``since``…``until`` (either open): a date of a year or month falls within when
    it overlaps. A document without a dated year is outside any period.

    >>> in_period("2021-06", "2021-01-01", "2021-12-31"), in_period("2020", "2021", None)
    (True, False)
    >>> in_period("--03-05", "2021", None), in_period(None, None, None)
    (False, True)
    """
    if since is None and until is None:
        return True
    if not date or not date[:4].isdigit():
        return False
    first = date + "-01-01"[len(date) - 4 :] if len(date) < 10 else date[:10]
    last = date + "-12-31"[len(date) - 4 :] if len(date) < 10 else date[:10]
    if since is not None and last < since + "-01-01"[len(since) - 4 :]:
        return False
    return until is None or first <= until + "-12-31"[len(until) - 4 :]


def chained(parts: Iterator[Iterable[Any]]) -> Any:
    """The merge of tasks whose result is a sequence of rows: the parts' rows in
    order, lazily (a huge input's rows stream out part by part)."""
    return itertools.chain.from_iterable(parts)


def only_one(parts: Iterator[R]) -> R:
    """The merge of a plain function given as a task: an ordinary input's one
    result; for a huge input's parts, their lists joined (a task whose results
    are not lists needs a :class:`Task` with a merge of its own)."""
    first = next(parts)
    rest = list(parts)
    if not rest:
        return first
    if isinstance(first, list) and all(isinstance(r, list) for r in rest):
        return [item for result in (first, *rest) for item in result]  # type: ignore[return-value]
    raise TypeError("a task over a huge input (read in parts) needs a Task with a merge")


def as_task(task: Task[R] | Callable[[Analyser, Document], R]) -> Task[R]:
    """A task as it is, or a plain function of (analyser, document) made one."""
    return task if isinstance(task, Task) else Task(task, only_one)


class Analyser:
    """Owns the stages; build one and reuse it (loading jieba takes a second).

    >>> doc = Analyser().parse_text("濱州市公安局抓獲逃犯10人。", segment=True)
    >>> doc.text, [t.text for t in doc.tokens][:2]
    ('滨州市公安局抓获逃犯10人。', ['滨州市', '公安局'])
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        check_skip(self.config)  # a bad step name fails here, before any input is read

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

    @cached_property
    def facts(self) -> FactReader:
        """Subject and event of figures, from the segmenter's words and tags."""
        from policetext.facts import FactReader  # only commands that read facts need it

        return FactReader(self.segmenter.cut, self.segmenter.word_tag)

    def figures_of(self, document: Document) -> list[Any]:
        """A document's figures with what each counts (subject, event), when it
        holds, the ``iso`` of dates and repeats: what ``figures`` reports."""
        from policetext.facts import document_figures

        return document_figures(self.figures, self.facts, document)

    @cached_property
    def cache(self) -> NormalizedCache | None:
        return NormalizedCache(self.config) if self.config.use_cache else None

    # ---- one text ------------------------------------------------------------
    def parse(self, text: str, doc: str = "<text>") -> Document:
        """A text fully analysed, for notebooks: tokens, figures, units and keywords.

        >>> doc = Analyser().parse("廣州市公安局天河區分局抓獲嫌疑人12人。")
        >>> [f.text for f in doc.figures], [u.name for u in doc.units]
        (['12人'], ['广州市公安局天河区分局'])
        """
        return self.analyse(self.parse_text(text, doc, segment=True))

    def analyse(self, document: Document, top: int = 50) -> Document:
        """A segmented document with its figures, units and keyword ranking attached."""
        ranked = self.keywords.tfidf(Counter(self.keywords.terms(document)), top)
        return dataclasses.replace(
            document,
            figures=tuple(self.figures_of(document)),
            units=tuple(self.units.units(document)),
            keyword_ranking=tuple(
                Keyword(document.doc, i, t, s, c) for i, (t, s, c) in enumerate(ranked, 1)
            ),
        )

    def parse_text(
        self,
        text: str,
        doc: str = "<text>",
        *,
        path: str | None = None,
        encoding: str = "str",
        segment: bool = False,
        pos: bool = False,
        offset: int = 0,
        line_offset: int = 0,
        raw_line: int = 1,
        read_date: bool = True,
    ) -> Document:
        """Normalise (and optionally segment) one text into a :class:`Document`;
        ``offset``/``line_offset`` place it in a larger text (a part of a huge input)
        and ``raw_line`` is the line of the raw input ``text`` starts on; the page's
        date is read in its head (``read_date``: the first part of a huge input)."""
        result = self.normalizer.normalize(text)
        body = result.text
        line_map = None
        if self.config.line_map:
            line_map = raw_line_map(text, body, self._normalize_line, raw_line)
        tokens = (
            self.segmenter.tokens(body, pos=pos, offset=offset)
            if segment or pos
            else Tokens([], [], [])
        )
        return Document(
            doc=doc,
            text=body,
            path=path,
            encoding=encoding,
            script=result.script,
            title=result.byline.title,
            furniture=tuple(result.byline.furniture),
            # the page's own date: publication lines are furniture, so those first
            date=page_date(result.byline.furniture, body, text) if read_date else None,
            source=result.byline.source,
            reporters=tuple(result.byline.reporters),
            correspondents=tuple(result.byline.correspondents),
            editor=tuple(result.byline.editor),
            changes=result.counts.as_dict(),
            tokens=tokens,
            offset=offset,
            line_offset=line_offset,
            line_map=line_map,
        )

    def _normalize_line(self, line: str) -> str:
        return self.normalizer.normalize(line).text

    # ---- one input -----------------------------------------------------------
    def parts(
        self, source: Source, *, segment: bool = False, pos: bool = False
    ) -> Iterator[Document]:
        """The documents of one input: one, or for a huge input bounded parts whose
        offsets place them in the whole normalised text. Raises :class:`InputError`."""
        if source.size() <= self.config.huge_bytes:
            document = self.parse_source(source, segment=segment, pos=pos)
            if self._in_period(document):
                yield document
            return
        encoding = "utf-8"
        if source.text is not None:
            pieces = text_parts(source.text, self.config.part_chars)
        else:
            handle = source.open_binary()
            try:
                encoding = self.config.encoding or detect_stream_encoding(handle, source.name)
                pieces = decoded_parts(handle, source.name, encoding, self.config.part_chars)
                yield from self._parse_pieces(source, pieces, encoding, segment, pos)
            finally:
                if source.path is not None:
                    handle.close()
            return
        yield from self._parse_pieces(source, pieces, encoding, segment, pos)

    def _parse_pieces(
        self, source: Source, pieces: Iterable[str], encoding: str, segment: bool, pos: bool
    ) -> Iterator[Document]:
        """Each piece of a huge input normalised on its own and placed after the
        ones before: a piece cut after a line end starts a new line of the whole."""
        offset = lines = 0
        raw_line = 1
        new_line = False
        date: str | None = None  # the page's date is read in its head: the first part
        path = str(source.path) if source.path else None
        for piece in pieces:
            separator = "\n" if new_line and offset else ""
            document = self.parse_text(
                piece, source.name, path=path, encoding=encoding, segment=segment, pos=pos,
                offset=offset + len(separator), line_offset=lines + len(separator),
                raw_line=raw_line, read_date=offset == 0 and date is None,
            )  # fmt: skip
            raw_line += piece.count("\n")
            if offset == 0 and date is None:
                date = document.date
                if not self._in_period(document):
                    return  # the page's date (read in its head) is outside the period
            document = dataclasses.replace(document, date=date)
            if document.text:
                document = dataclasses.replace(document, separator=separator)
                offset += len(separator) + len(document.text)
                lines += len(separator) + document.text.count("\n")
                new_line = piece.endswith("\n")
            else:
                new_line = new_line or piece.endswith("\n")
            yield dataclasses.replace(document, meta=dict(source.meta), **_record_facts(source))

    def _in_period(self, document: Document) -> bool:
        return in_period(document.date, self.config.since, self.config.until)

    def parse_source(self, source: Source, *, segment: bool = False, pos: bool = False) -> Document:
        """Read, decode and parse one input whole; raises :class:`InputError`.

        A huge input is read in parts and its document joined from them: to keep
        memory bounded, run a :class:`Task` over it instead (``Pipeline.run``)."""
        if source.size() > self.config.huge_bytes:
            return join_documents(self.parts(source, segment=segment, pos=pos))
        if source.text is not None:  # a record of a JSON Lines or CSV input
            document = self.parse_text(
                source.text, source.name, path=str(source.path) if source.path else None,
                encoding="utf-8", segment=segment, pos=pos,
            )  # fmt: skip
            return dataclasses.replace(document, meta=dict(source.meta), **_record_facts(source))
        if self.cache is not None and source.path is not None:
            entry = self.cache.get(source.path)
            if entry is not None and (entry.get("line_map") or not self.config.line_map):
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
            furniture=tuple(entry.get("furniture", ())),
            date=entry.get("date"),
            line_map=_line_map_of(entry.get("line_map")),
        )

    def parse_path(self, path: str | Path, *, segment: bool = False, pos: bool = False) -> Document:
        """Read, decode and parse one file."""
        return self.parse_source(Source(str(path), Path(path)), segment=segment, pos=pos)

    def task_result(self, source: Source, task: Task[R], *, segment: bool, pos: bool) -> R:
        """``task`` over one input: its parts' results merged into one.

        Raises :class:`InputError` for an input that cannot be used; a lazy merge
        (``chained``) raises it while it is iterated, where its parts are read. An
        input outside the configured period gives :class:`Skipped`."""
        quick = self._from_cached_text(source, task)
        if quick is not None:
            return quick
        documents = self.parts(source, segment=segment, pos=pos)
        first = next(documents, None)
        if first is None:
            return Skipped()  # type: ignore[return-value]
        parts = (task.work(self, document) for document in itertools.chain([first], documents))
        return task.merge(parts)

    def _from_cached_text(self, source: Source, task: Task[R]) -> R | None:
        """``task.from_text`` of a file whose normalised text the cache holds (not
        when a period is to be checked: that needs the document's date)."""
        if task.from_text is None or self.cache is None or source.path is None:
            return None
        if source.text is not None or self.config.since or self.config.until:
            return None
        text = self.cache.text(source.path)
        return None if text is None else task.from_text(source.name, text)


def _record_facts(source: Source) -> dict[str, Any]:
    """What a record of a table file gives its document: the date of its date field
    (ISO, over the date read in its text) and, for grep, its line in the file."""
    facts: dict[str, Any] = {}
    if source.date:
        from policetext.dates import read_document_date

        facts["date"] = read_document_date([source.date]) or source.date
    if source.line is not None:
        facts["line_map"] = LineMap((0,), (source.line,), (1,), {})
    return facts


def page_date(furniture: Iterable[str], body: str, raw: str = "") -> str | None:
    """The page's own date: from its publication lines (taken out as furniture),
    else the head of its text, else the head of the raw text."""
    from policetext.dates import document_date_lines, read_document_date  # compiled on use

    found = read_document_date([*furniture, *document_date_lines(body)])
    if found is None and raw:
        found = read_document_date(document_date_lines(raw))
    return found


def add_part_facts(whole: dict[str, Any], part: dict[str, Any]) -> None:
    """Add the document-level facts of a later part of a huge input to those of the
    parts before it (rows holding ``script``, ``han``, ``converted_chars`` and the
    byline fields): bylines one after another, the first source named, and the
    script judged on the parts' counts together, as on the whole text."""
    for key in ("reporters", "correspondents", "editor"):
        if key in whole:
            whole[key] = [*whole[key], *part[key]]
    if not whole.get("source") and part.get("source"):
        whole["source"] = part["source"]
    whole["han"] += part["han"]
    whole["converted_chars"] += part["converted_chars"]
    if whole["script"] != "unknown":
        whole["script"] = script_of(whole["han"], whole["converted_chars"])


def part_facts(document: Document) -> dict[str, Any]:
    """What :func:`add_part_facts` reads of a document besides its metadata row."""
    return {
        "han": count_han(document.text),
        "converted_chars": document.changes.get("converted_chars", 0),
    }


def join_documents(parts: Iterable[Document]) -> Document:
    """One document of a huge input's parts: texts joined with their separators,
    tokens (already placed in the whole text) one after another, counts added."""
    documents = list(parts)
    first = documents[0]
    if len(documents) == 1:
        return first
    changes: Counter[str] = Counter()
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[str | None] | None = []
    for document in documents:
        changes.update(document.changes)
        if isinstance(document.tokens, Tokens):
            words += document.tokens.words
            starts += document.tokens.starts
            ends += document.tokens.ends
            part_tags = document.tokens.tags
        else:
            words += [t.text for t in document.tokens]
            starts += [t.start for t in document.tokens]
            ends += [t.end for t in document.tokens]
            part_tags = None
        tags = tags + part_tags if tags is not None and part_tags is not None else None
    facts = {**first.metadata_row(), **part_facts(first)}
    for document in documents[1:]:
        add_part_facts(facts, {**document.metadata_row(), **part_facts(document)})
    return dataclasses.replace(
        first,
        text="".join(d.separator + d.text for d in documents),
        script=facts["script"],
        source=facts["source"],
        reporters=tuple(facts["reporters"]),
        correspondents=tuple(facts["correspondents"]),
        editor=tuple(facts["editor"]),
        furniture=tuple(line for d in documents for line in d.furniture),
        changes={key: changes[key] for key in first.changes},
        tokens=Tokens(words, starts, ends, tags if words and tags else None),
        offset=0,
        line_offset=0,
        separator="",
    )


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
        "furniture": list(document.furniture),
        "date": document.date,
        "line_map": _line_map_entry(document.line_map),
    }


def _line_map_entry(line_map: LineMap | None) -> list[Any] | None:
    if line_map is None:
        return None
    changed = [[line, raw] for line, raw in line_map.changed.items()]
    return [list(line_map.starts), list(line_map.lines), list(line_map.columns), changed]


def _line_map_of(entry: Any) -> LineMap | None:
    """A line map kept in a cache entry (see ``_line_map_entry``), if it is one."""
    try:
        starts, lines, columns, changed = entry
        return LineMap(
            tuple(map(int, starts)), tuple(map(int, lines)), tuple(map(int, columns)),
            {int(line): str(raw) for line, raw in changed},
        )  # fmt: skip
    except (TypeError, ValueError):
        return None


# ---- worker processes (a pool of this machine, or Dask) --------------------------------
# The analysers of a worker process, one per configuration, built on first use: the
# per-process state workers need, never touched in the parent.
_WORKER_ANALYSERS: dict[Config, Analyser] = {}


def worker_analyser(config: Config) -> Analyser:
    """This worker process's Analyser for ``config`` (built once, then reused)."""
    analyser = _WORKER_ANALYSERS.get(config)
    if analyser is None:
        analyser = _WORKER_ANALYSERS[config] = Analyser(config)
    return analyser


def run_item(
    config: Config, item: Source | InputError, task: Task[R], segment: bool, pos: bool
) -> tuple[R | None, InputError | None]:
    """``task`` over one input in a worker: its one result (a lazy merge made a
    list, to be sent back), or the error that made the input unusable."""
    if isinstance(item, InputError):
        return None, item
    try:
        result = worker_analyser(config).task_result(item, task, segment=segment, pos=pos)
        if isinstance(result, Iterator):
            result = list(result)  # type: ignore[assignment]
    except InputError as error:
        return None, error
    return result, None


def run_items(
    config: Config, items: list[Source | InputError], task: Task[R], segment: bool, pos: bool
) -> list[tuple[R | None, InputError | None]]:
    """``run_item`` over a batch of inputs, in order (one round trip to a worker
    for several small files)."""
    return [run_item(config, item, task, segment, pos) for item in items]
