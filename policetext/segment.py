"""Segmenter: a private jieba tokenizer with the police-domain dictionary.

jieba's module-level tokenizer is global and caches into the shared temporary
directory; this wraps a ``jieba.Tokenizer`` of our own whose cache lives in the
user's cache directory.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from policetext.cache import derived_bytes
from policetext.config import default_cache_dir
from policetext.datafiles import data_path, iter_data_lines
from policetext.document import Tokens
from policetext.engines import (
    ExactRjieba,
    package_folders,
    resolve_segmenter,
    rjieba_tokenizer,
)
from policetext.errors import ConfigError
from policetext.text import CLOSING_MARKS, count_sentences, split_sentences
from policetext.word_tags import WordTagIndex

__all__ = ["Segmenter", "count_sentences", "jieba_data", "read_user_dict", "split_sentences"]

if TYPE_CHECKING:
    import jieba
    import jieba.posseg

_USER_DICT_LINE = re.compile(r"^(?P<word>\S+?)(?:\s+(?P<freq>\d+))?(?:\s+(?P<pos>[a-zA-Z]+))?$")


def read_user_dict(path: Path) -> Iterator[tuple[str, int | None, str | None]]:
    """Entries ``(word, freq, pos)`` of a jieba-style dictionary; ``#`` lines are comments."""
    try:
        lines = list(iter_data_lines(path))
    except OSError as exc:
        raise ConfigError(f"cannot read dictionary: {exc.strerror or exc}", str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("dictionary is not UTF-8 text", str(path)) from None
    for number, line in enumerate(lines, 1):
        match = _USER_DICT_LINE.match(line)
        if not match:
            shown = line if len(line) <= 60 else line[:60] + "…"  # a 4 MB line: its start
            raise ConfigError(f"line {number}: expected 'word [freq] [pos]': {shown!r}", str(path))
        freq = match["freq"]
        yield match["word"], int(freq) if freq else None, match["pos"]


class Segmenter:
    """jieba precise mode plus the shipped police dictionary and any user dictionaries."""

    def __init__(
        self,
        user_dicts: Iterable[Path] = (),
        cache_dir: Path | None = None,
        engine: str = "auto",
    ) -> None:
        self.user_dicts = tuple(Path(p) for p in user_dicts)
        self.cache_dir = cache_dir or default_cache_dir()
        self.engine = resolve_segmenter(engine)
        # validate user dictionaries now, so a bad file fails before any output
        self._user_entries = [entry for path in self.user_dicts for entry in read_user_dict(path)]

    @cached_property
    def tokenizer(self) -> jieba.Tokenizer:
        import jieba

        # jieba logs "Building prefix dict…" at DEBUG on stderr; keep stderr for our messages
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = self._prefix_dict(tokenizer)
        tokenizer.initialized = True
        for word, freq, pos in read_user_dict(data_path("police_dict.txt")):
            tokenizer.add_word(word, freq, pos)
        for word, freq, pos in self._user_entries:
            tokenizer.add_word(word, freq, pos)
        return tokenizer

    def _prefix_dict(self, tokenizer: jieba.Tokenizer) -> tuple[dict[str, int], int]:
        """jieba's prefix dictionary (``FREQ``, ``total``), as ``initialize`` builds it.

        It is kept in the cache as a derived file of jieba's ``dict.txt`` (see
        ``cache.derived_bytes``: keyed by the dictionary's path, size and time,
        checksummed), in jieba's own marshal form, and read in one piece: jieba
        hands ``marshal.load`` the open file, which then makes a Python-level read
        call per object, three times slower. A cache that cannot be written leaves
        nothing behind; the dictionary is then built for the run.
        """
        built: list[tuple[dict[str, int], int]] = []

        def build() -> tuple[dict[str, int], int]:
            if not built:
                built.append(tokenizer.gen_pfdict(tokenizer.get_dict_file()))
            return built[0]

        def kept_form() -> bytes:
            with contextlib.suppress(OSError):  # jieba's cache of earlier versions
                (self.cache_dir / "jieba.cache").unlink()
            return marshal.dumps(build())

        data = derived_bytes(jieba_data("dict.txt"), self.cache_dir, "jieba-prefix", kept_form)
        if built:
            return built[0]
        try:
            freq, total = marshal.loads(data)
        except (EOFError, ValueError, TypeError):  # written by a Python it cannot read
            freq = total = None
        if isinstance(freq, dict) and isinstance(total, int):
            return freq, total
        return build()

    @cached_property
    def tagger(self) -> jieba.posseg.POSTokenizer:
        import jieba.posseg

        return jieba.posseg.POSTokenizer(self.tokenizer)

    @cached_property
    def _tag_index(self) -> WordTagIndex:
        # kept in the cache directory; built in memory when it cannot be written there
        return WordTagIndex(jieba_data("dict.txt"), self.cache_dir)

    @cached_property
    def _tag_overrides(self) -> dict[str, str]:
        """Parts of speech our dictionary and the user's give, over jieba's."""
        tags = {}
        for word, _freq, pos in (
            *read_user_dict(data_path("police_dict.txt")),
            *self._user_entries,
        ):
            if pos:
                tags[word] = pos
        return tags

    def word_tag(self, word: str) -> str | None:
        """The part of speech jieba's dictionary (and ours) gives a word, if it has one:
        the table jieba.posseg builds, without importing jieba.posseg (whose import
        alone tags jieba's whole global dictionary) or loading it whole."""
        tag = self._tag_overrides.get(word)
        return tag if tag is not None else self._tag_index.get(word)

    @cached_property
    def rjieba(self) -> ExactRjieba:
        """The fast engine: rjieba with the same dictionary entries, same cuts."""
        shipped = read_user_dict(data_path("police_dict.txt"))
        return rjieba_tokenizer((*shipped, *self._user_entries))

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in precise mode (HMM on for unknown words)."""
        if self.engine == "rjieba":
            return self.rjieba.cut(text)
        return self.tokenizer.lcut(text)

    def tokens(self, text: str, pos: bool = False, offset: int = 0) -> Tokens:
        """Tokens with offsets into ``text`` (plus ``offset``: where ``text`` stands in
        a whole document); whitespace is not a token."""
        cut: list[str] = []
        cut_tags: list[str | None] = []
        for _, piece in bounded_pieces(text):  # contiguous: offsets run on across them
            if pos:
                pairs = [(p.word, p.flag) for p in self.tagger.cut(piece)]
                cut += [word for word, _ in pairs]
                cut_tags += [tag for _, tag in pairs]
            else:
                cut += self.cut(piece)
        # offsets by running sums, without a Python-level loop: this runs once per
        # word of the corpus; the whitespace tokens are dropped when asked for
        bounds = list(accumulate(map(len, cut), initial=offset))
        return Tokens.from_cut(text, cut, bounds, cut_tags if pos else None)


def jieba_data(name: str) -> Path:
    """A file of jieba's package (its dictionaries), found without importing jieba."""
    folders = package_folders("jieba")
    if not folders:
        raise ConfigError("jieba is not installed", name)
    return folders[0] / name


#: longest piece handed to jieba at once; its DAG for one piece is held in memory
MAX_PIECE = 4096
# a sentence end and its closing quotes, written backwards (read on reversed text)
_PIECE_END_BACKWARDS_RE = re.compile(f"[{CLOSING_MARKS}]*[。！？；!?;\n]")


def bounded_pieces(text: str, limit: int = MAX_PIECE) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of at most ``limit`` characters, cut after sentence ends.

    jieba splits at every non-Han character anyway, so cutting after punctuation
    changes no token; only a run of ``limit`` characters with no punctuation at all
    is cut hard.
    """
    start = 0
    n = len(text)
    while start < n:
        if n - start <= limit:
            yield start, text[start:]
            return
        # the last sentence end of the window: the first one of the reversed window
        last = _PIECE_END_BACKWARDS_RE.search(text[start : start + limit][::-1])
        cut = limit - last.start() if last else limit
        yield start, text[start : start + cut]
        start += cut
