"""policetext: text mining for Chinese police and public-security writing.

>>> from policetext import Pipeline
>>> Pipeline().parse_text("見習(xí)記者報道：抓獲逃犯10人").text
'见习记者报道：抓获逃犯10人'
"""

from collections.abc import Iterable, Iterator

from policetext.config import Config
from policetext.document import Document, Span, Token
from policetext.errors import ConfigError, InputError, PolicetextError
from policetext.io import Source, decode_bytes, iter_sources
from policetext.normalize import Normalizer, normalize_text
from policetext.pipeline import Pipeline
from policetext.segment import Segmenter
from policetext.text import split_sentences
from policetext.version import __version__


def read(paths: "Iterable[str]", config: Config | None = None) -> "Iterator[Document]":
    """Fully analysed documents (tokens, figures, units, keywords) for paths.

    >>> import pandas  # doctest: +SKIP
    >>> pandas.DataFrame(f.as_row() for d in read(["seeds/"]) for f in d.figures)  # doctest: +SKIP
    """
    return Pipeline(config).read(paths)


__all__ = [
    "Config",
    "ConfigError",
    "Document",
    "InputError",
    "Normalizer",
    "Pipeline",
    "PolicetextError",
    "Segmenter",
    "Source",
    "Span",
    "Token",
    "__version__",
    "decode_bytes",
    "iter_sources",
    "normalize_text",
    "read",
    "split_sentences",
]
