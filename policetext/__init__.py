"""policetext: text mining for Chinese police and public-security writing.

>>> from policetext import Pipeline
>>> Pipeline().parse_text("見習(xí)記者報道：抓獲逃犯10人").text
'见习记者报道：抓获逃犯10人'
"""

from policetext.config import Config
from policetext.document import Document, Span, Token
from policetext.errors import ConfigError, InputError, PolicetextError
from policetext.io import Source, decode_bytes, iter_sources
from policetext.normalize import Normalizer, normalize_text
from policetext.pipeline import Pipeline
from policetext.segment import Segmenter, split_sentences

__version__ = "0.1.0"

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
    "split_sentences",
]
