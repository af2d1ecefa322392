"""Pipeline(config): text or path → Document, running the stages in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path

from policetext.config import Config
from policetext.document import Document
from policetext.errors import InputError
from policetext.io import Source, decode_bytes, iter_sources
from policetext.normalize import Normalizer
from policetext.segment import Segmenter, split_sentences

ErrorHandler = Callable[[InputError], None]


def _raise(error: InputError) -> None:
    raise error


class Pipeline:
    """Owns the OpenCC converter and the jieba tokenizer; build one and reuse it.

    >>> doc = Pipeline().parse_text("濱州市公安局抓獲逃犯10人。", segment=True)
    >>> doc.text, [t.text for t in doc.tokens][:2]
    ('滨州市公安局抓获逃犯10人。', ['滨州市公安局', '抓获'])
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()

    @cached_property
    def normalizer(self) -> Normalizer:
        return Normalizer(self.config)

    @cached_property
    def segmenter(self) -> Segmenter:
        return Segmenter(self.config.user_dicts, self.config.cache_dir)

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
        tokens = tuple(self.segmenter.tokens(body, pos=pos)) if segment or pos else ()
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
            sentences=tuple(split_sentences(body)),
        )

    def parse_source(self, source: Source, *, segment: bool = False, pos: bool = False) -> Document:
        """Read, decode and parse one source; raises :class:`InputError` for bad input."""
        data = source.read_bytes()
        text, encoding = decode_bytes(data, source.name, self.config.encoding)
        path = str(source.path) if source.path else None
        return self.parse_text(
            text, source.name, path=path, encoding=encoding, segment=segment, pos=pos
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
        on_error: ErrorHandler = _raise,
    ) -> Iterator[Document]:
        """Documents for paths (files, directories, ``-``) or sources, one at a time.

        A file that cannot be used is passed to ``on_error`` (by default raised)
        and the rest are still processed.
        """
        for item in self._sources(inputs, on_error):
            try:
                yield self.parse_source(item, segment=segment, pos=pos)
            except InputError as error:
                on_error(error)

    def _sources(self, inputs: Iterable[str | Source], on_error: ErrorHandler) -> Iterator[Source]:
        for item in inputs:
            found = [item] if isinstance(item, Source) else iter_sources([item], self.config.glob)
            for source in found:
                if isinstance(source, InputError):
                    on_error(source)
                else:
                    yield source
