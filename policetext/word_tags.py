"""Parts of speech from jieba's dictionary, looked up without loading it whole.

A run asks for the tags of a few hundred distinct words (``units.py`` reads the
words before a unit type), but jieba's ``dict.txt`` has 349,046 lines: parsing
them into a dict costs about 0.2 s in every process. So the ``word tag`` pairs
are sorted once into an index file in the cache directory, keyed by the
dictionary's path, size and modification time, and each word is found in it by
binary search (as BSD ``look`` does). See ``cache.derived_bytes``: a damaged
index is rebuilt, not trusted; when none can be written, it is built in memory
for the run.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from policetext.cache import derived_bytes
from policetext.errors import ConfigError


class WordTagIndex:
    """``word → tag`` of a jieba dictionary file (``word freq tag`` on every line)."""

    def __init__(self, dictionary: Path, cache_dir: Path | None) -> None:
        self.dictionary = dictionary
        self.cache_dir = cache_dir

    def get(self, word: str) -> str | None:
        """The dictionary's tag of ``word``; ``None`` when it has none."""
        try:
            key = word.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: in no dictionary
            return None
        lines = self._lines
        low, high = 0, len(lines)  # both always at the start of a line
        while low < high:
            middle = (low + high) // 2
            start = lines.rfind(b"\n", low, middle) + 1 or low
            end = lines.find(b"\n", middle)
            tab = lines.find(b"\t", start, end)
            found = lines[start:tab]
            if found == key:
                return lines[tab + 1 : end].decode("utf-8")
            if found < key:
                low = end + 1
            else:
                high = start
        return None

    @cached_property
    def _lines(self) -> bytes:
        """``word<TAB>tag`` lines sorted by the word's UTF-8 bytes (code point order)."""
        return derived_bytes(
            self.dictionary, self.cache_dir, "word-tags", lambda: _sorted_lines(self.dictionary)
        )


def _sorted_lines(dictionary: Path) -> bytes:
    """The index: one ``word<TAB>tag`` line per word, the last entry of a word
    winning (as in a dict built from the lines in order)."""
    name = str(dictionary)
    try:
        fields = dictionary.read_text("utf-8").split()
    except OSError as exc:
        raise ConfigError(f"cannot read dictionary: {exc.strerror or exc}", name) from None
    except UnicodeDecodeError:
        raise ConfigError("dictionary is not UTF-8 text", name) from None
    if len(fields) % 3:
        raise ConfigError("not a 'word freq tag' dictionary", name)
    table = dict(zip(fields[0::3], fields[2::3], strict=True))  # no Python-level loop
    pairs = sorted((word.encode("utf-8", "surrogatepass"), tag) for word, tag in table.items())
    return b"".join(b"%s\t%s\n" % (word, tag.encode("utf-8")) for word, tag in pairs)
