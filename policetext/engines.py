"""Which implementation segments and converts: the default pure-Python stack
(jieba, opencc-python-reimplemented) or the ``fast`` extra (rjieba, the jieba-rs
binding, and the official OpenCC binding).

Both give the same output: rjieba cuts token for token as jieba does with the
same dictionary (``ExactRjieba`` mends the two places where jieba-rs departs
from jieba: see there), and the OpenCC binding is used only for the conversions whose
dictionaries agree with opencc-python-reimplemented's (t2s, hk2s; for tw2s the
official dictionaries are newer: 什麼 → 什么 where the reimplementation gives 什幺).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any

from policetext.errors import ConfigError
from policetext.memo import Memo

#: segmentation engines: ``auto`` is rjieba when it is installed, else jieba
SEGMENTERS = ("auto", "jieba", "rjieba")
#: conversions where the official OpenCC binding gives the reimplementation's output
FAST_CONVERSIONS = frozenset({"t2s", "hk2s"})
FAST_EXTRA_HINT = "pip install 'policetext[fast]'"


def package_folders(name: str) -> list[Path]:
    """The folders of an installed package, found without importing it (its
    import may cost time: rjieba's builds a dictionary); empty when it is absent."""
    spec = importlib.util.find_spec(name)
    return [Path(folder) for folder in (spec.submodule_search_locations or [])] if spec else []


def has_rjieba() -> bool:
    return importlib.util.find_spec("rjieba") is not None


def resolve_segmenter(engine: str) -> str:
    """``jieba`` or ``rjieba`` for an engine name; ``rjieba`` must be installed."""
    if engine == "auto":
        return "rjieba" if has_rjieba() else "jieba"
    if engine == "rjieba" and not has_rjieba():
        raise ConfigError(
            f"--engine rjieba needs rjieba, which is not installed: {FAST_EXTRA_HINT}"
        )
    if engine not in SEGMENTERS:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(SEGMENTERS)}")
    return engine


def rjieba_tokenizer(entries: Iterable[tuple[str, int | None, str | None]]) -> ExactRjieba:
    """A private rjieba instance with the given dictionary entries added, cutting as jieba."""
    tokenizer = _rjieba_class()()
    unused = set()
    for word, freq, pos in entries:
        tokenizer.add_word(word, freq, pos)
        if freq == 0:
            unused.add(word)
        else:
            unused.discard(word)
    return ExactRjieba(tokenizer, frozenset(unused))


# Characters jieba-rs (0.11, ``is_han_default``) takes into its blocks as Han and
# jieba (``re_han_default``: U+4E00–U+9FD5) does not: CJK Extension A, U+9FD6–U+9FFF,
# the compatibility ideographs, Extensions B–F and the compatibility supplement.
# jieba makes each of them a token by itself; jieba-rs joins runs of them (㐀㐁).
# Found by cutting every code point in context with rjieba; tests/test_engines.py
# checks the ends of each range.
RJIEBA_ONLY_HAN_BMP = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff"
RJIEBA_ONLY_HAN_ASTRAL = "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f"
_RJIEBA_ONLY_HAN_RE = re.compile(f"([{RJIEBA_ONLY_HAN_BMP}{RJIEBA_ONLY_HAN_ASTRAL}])")

# jieba's blocks (``re_han_default``): Han, and letters, digits and these marks;
# jieba cuts each block by itself, every other character is a token alone.
_MARKS = r"+#&._%\-"
_BLOCK_ASCII = rf"a-zA-Z0-9{_MARKS}"
_BLOCK_RE = re.compile(f"[\u4e00-\u9fd5{_BLOCK_ASCII}]*+")
# A whole run of letters, digits and marks, at least two long, holding a mark: the
# only runs the two engines may cut apart (a run of letters and digits is one
# token for both). Figures (12, 6.9%, 2.18) are left out: jieba-rs cuts every
# piece of one as jieba does (tested), so they are the same for both whatever
# dictionary word takes a piece (1号店), and they are most of the runs. The pattern
# starts with a character class, so the scan skips Han text in C; the lookbehind
# keeps the match to the run's first character, the possessive quantifiers keep a
# long run linear.
_AFTER_RUN_START = (
    rf"(?<![{_BLOCK_ASCII}][{_BLOCK_ASCII}])"
    rf"(?!(?<=\d)\d*+(?:\.\d++)?+%?+(?![{_BLOCK_ASCII}]))"
    rf"(?:(?<=[{_MARKS}])[{_BLOCK_ASCII}]|[a-zA-Z0-9]*+[{_MARKS}])[{_BLOCK_ASCII}]*+"
)
_MARKED_RUN_RE = re.compile(f"[{_BLOCK_ASCII}]{_AFTER_RUN_START}")
# Both departures in one scan: a BMP character of jieba-rs's wider Han range, or a
# marked run (one class first, so the scan still skips in C; an alternation
# would not).
_DEPARTURE_RE = re.compile(
    f"[{RJIEBA_ONLY_HAN_BMP}{_BLOCK_ASCII}](?:(?<=[{RJIEBA_ONLY_HAN_BMP}])|{_AFTER_RUN_START})"
)
# jieba's cut of the non-Han stretches of a run of unknown characters (``re_skip``
# in jieba/finalseg): letters and digits with one decimal part and a percent sign
# stay together; every other stretch between them is one token.
_JIEBA_SKIP_RE = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def _jieba_skip_cut(stretch: str) -> list[str]:
    """``stretch`` (letters, digits, marks; no Han) cut as jieba's HMM stage cuts it.

    >>> _jieba_skip_cut("2020-8-1")
    ['2020', '-', '8', '-', '1']
    >>> _jieba_skip_cut("ab12.5cd--6.9%")
    ['ab12.5', 'cd', '--', '6.9%']
    """
    return [piece for piece in _JIEBA_SKIP_RE.split(stretch) if piece]


def _has_astral(text: str) -> bool:
    """Whether ``text`` holds a character beyond the BMP (one C-level encode)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


class ExactRjieba:
    """rjieba (jieba-rs) cutting token for token as jieba's precise mode does.

    jieba-rs departs from jieba in two places, both mended around its cut:

    - Its blocks take more characters as Han (``RJIEBA_ONLY_HAN_*``): the text is
      cut apart at those characters, each a token by itself, as jieba makes it.
    - In a stretch of characters its dictionary does not join (which both hand to
      the HMM), jieba keeps ``-``, ``_`` and ``.`` between letters and digits as
      tokens of their own (``2020``, ``-``, ``8``; ``xiumi``, ``.``, ``us``) and
      jieba-rs keeps them inside one token (``2020-8-1``, ``xiumi.us``). The jieba
      block around each run of letters, digits and marks holding a mark is cut by
      itself (jieba cuts every block by itself, so this changes nothing), and the
      run's tokens in it are cut again as jieba cuts them, around the dictionary
      words inside it (``C++``, a user's ``COVID-19``), which both engines keep.

    Finding both takes one regex scan in C (and an encode, for characters beyond
    the BMP); text without them is cut in one call.
    """

    def __init__(self, tokenizer: Any, unused: frozenset[str] = frozenset()) -> None:
        self.tokenizer = tokenizer
        #: words a dictionary gives the frequency 0: jieba never keeps one whole
        self.unused = unused

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in precise mode (HMM on), as ``jieba.Tokenizer.lcut``."""
        words = self._cut(text)
        if self.unused and not self.unused.isdisjoint(words):
            # jieba cuts a word of frequency 0 its HMM finds into its characters
            # (``Force_Split_Words``); jieba-rs keeps it
            return [piece for word in words for piece in self._force_split(word)]
        return words

    def _force_split(self, word: str) -> list[str]:
        return list(word) if word in self.unused else [word]

    def _cut(self, text: str) -> list[str]:
        if not _has_astral(text) or _RJIEBA_ONLY_HAN_RE.search(text) is None:
            return self._cut_apart(text)
        words: list[str] = []
        # beyond the BMP (rare): split with a group, the stretches between those
        # characters, then one of them
        for index, part in enumerate(_RJIEBA_ONLY_HAN_RE.split(text)):
            if index % 2:
                words.append(part)
            elif part:
                words += self._cut_apart(part)
        return words

    def _cut_apart(self, text: str) -> list[str]:
        """rjieba's cut of ``text`` (no astral characters of the wider Han range),
        each BMP one of them a token, each block holding a marked run cut as jieba
        cuts it."""
        found = _DEPARTURE_RE.finditer(text)
        departure = next(found, None)
        if departure is None:
            return self.tokenizer.cut(text)  # type: ignore[no-any-return]
        backwards = ""  # a block's start: where its run ends, read backwards
        size = len(text)
        words: list[str] = []
        done = 0  # text[:done] is cut
        while departure is not None:
            start, end = departure.span()
            if start < done:
                pass  # in the block just cut
            elif text[start] > "\x7f":  # a character of the wider Han range
                if start > done:
                    words += self.tokenizer.cut(text[done:start])
                words.append(text[start])
                done = end
            else:
                backwards = backwards or text[::-1]
                block_start = size - _BLOCK_RE.match(backwards, size - start).end()  # type: ignore[union-attr]
                block_end = _BLOCK_RE.match(text, end).end()  # type: ignore[union-attr]
                if block_start > done:
                    words += self.tokenizer.cut(text[done:block_start])
                words += self._cut_block(text[block_start:block_end])
                done = block_end
            departure = next(found, None)
        if done < size:
            words += self.tokenizer.cut(text[done:])
        return words

    def _cut_block(self, block: str) -> list[str]:
        """One jieba block, its marked runs cut as jieba cuts them."""
        words: list[str] = self.tokenizer.cut(block)
        starts = list(accumulate(map(len, words), initial=0))
        mended: list[str] = []
        done = 0  # words[:done] are in ``mended``
        for run in _MARKED_RUN_RE.finditer(block):
            start, end = run.span()
            # the words wholly inside the run; a dictionary word reaching into it
            # from Han (T恤, 卡拉OK) bounds a stretch for jieba as for jieba-rs
            first = bisect_left(starts, start)
            last = bisect_right(starts, end) - 1
            inside = words[first:last]
            recut: list[str] = []
            stretch = starts[first]
            for index, word in enumerate(inside, first):
                if len(word) > 1 and word not in self.unused and self.tokenizer.has_word(word):
                    recut += _jieba_skip_cut(block[stretch : starts[index]])
                    recut.append(word)
                    stretch = starts[index + 1]
            recut += _jieba_skip_cut(block[stretch : starts[last]])
            if recut != inside:
                mended += words[done:first]
                mended += recut
                done = last
        if not mended:
            return words
        mended += words[done:]
        return mended


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class.

    Importing the package builds a default instance (0.1 s of dictionary
    loading, per process) that policetext never uses, so the compiled module is
    loaded by itself when it can be found; else the package is imported.
    """
    if "rjieba" in sys.modules:
        return sys.modules["rjieba"].Jieba
    compiled = [
        path
        for folder in package_folders("rjieba")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if (path := folder / f"rjieba{suffix}").is_file()
    ]
    if compiled:
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(compiled[0]))
        spec = importlib.util.spec_from_loader("rjieba.rjieba", loader)
        if spec is not None:
            module = importlib.util.module_from_spec(spec)
            loader.exec_module(module)
            return module.Jieba
    import rjieba

    return rjieba.Jieba


def pure_converter(conversion: str) -> Callable[[str], str]:
    """opencc-python-reimplemented's converter (its module, whichever package
    owns ``opencc/__init__.py``: both distributions install into ``opencc/``)."""
    from opencc.opencc import OpenCC

    return OpenCC(conversion).convert  # type: ignore[no-any-return]


#: distinct stretches a StretchConverter remembers before its memory starts afresh
_KEPT_STRETCHES = 200_000


class StretchConverter:
    """opencc-python-reimplemented's ``convert``, each distinct stretch of text
    between its separators converted once.

    That ``convert`` splits a text at its separators (blanks and punctuation: no
    dictionary entry holds one), converts each stretch between them on its own
    and keeps the separators; it takes about a millisecond for a clause, and a
    corpus repeats its clauses (the same names and phrases, in page after page),
    so the stretches are remembered: the same text comes out, many times faster.
    """

    def __init__(self, conversion: str, unchanged: Callable[[str], bool] | None = None) -> None:
        """``unchanged`` tells a stretch the conversion cannot change (one holding
        no convertible character: see ``convertible.py``); such a stretch is kept
        as it is, not run through the reimplementation's search."""
        from opencc.opencc import OpenCC

        self._opencc = OpenCC(conversion)
        self._unchanged = unchanged
        separators: re.Pattern[str] | None = getattr(self._opencc, "split_chars_re", None)
        # a version without the separators it splits at is called as it is
        self._split = _as_class(separators).split if isinstance(separators, re.Pattern) else None
        self._stretches: Memo[str, str] = Memo(_KEPT_STRETCHES)

    def __call__(self, text: str) -> str:
        if self._split is None:
            return self._opencc.convert(text)  # type: ignore[no-any-return]
        parts = self._split(text)  # stretches at even places, separators at odd ones
        stretches = parts[0::2]
        converted = self._stretches.recall_all(stretches, self._convert)
        parts[0::2] = map(converted.__getitem__, stretches)
        return "".join(parts)

    def _convert(self, stretch: str) -> str:
        if self._unchanged is not None and self._unchanged(stretch):
            return stretch
        return self._opencc.convert(stretch)  # type: ignore[no-any-return]


def _as_class(separators: re.Pattern[str]) -> re.Pattern[str]:
    """The reimplementation's separators, ``(\\s+|-|,|\\.|…)``, as ``(\\s+|[-,.…])``:
    the same splits (blanks first, then one mark at a time), four times faster
    than trying each mark in turn. Any other pattern is kept as it is."""
    pattern = separators.pattern
    if not (pattern.startswith("(\\s+|") and pattern.endswith(")")):
        return separators
    marks = []
    for written in pattern[len("(\\s+|") : -1].split("|"):
        if len(written) == 2 and written[0] == "\\" and not written[1].isalnum():
            marks.append(written[1])  # an escaped mark: \. \? \*
        elif len(written) == 1 and written not in "\\.^$*+?{}[]|()":
            marks.append(written)
        else:
            return separators  # only marks standing for themselves go in a class
    return re.compile(f"(\\s+|[{re.escape(''.join(marks))}])", separators.flags)


def pure_opencc_root() -> Path:
    """The directory of opencc-python-reimplemented's config and dictionary files
    (found without importing it: the fast path only reads its dictionaries)."""
    for folder in package_folders("opencc"):
        if (folder / "opencc.py").is_file():
            return folder
    import opencc.opencc  # not there: the import says why

    return Path(opencc.opencc.__file__).parent


def fast_converter(conversion: str) -> Callable[[str], str] | None:
    """The official OpenCC binding's converter, when installed and equivalent."""
    if conversion not in FAST_CONVERSIONS:
        return None
    try:
        from opencc.clib import opencc_clib  # type: ignore[attr-defined]
    except ImportError:
        return None
    config = Path(opencc_clib.__file__).parent / "share" / "opencc" / f"{conversion}.json"
    if not config.is_file():
        return None
    native = opencc_clib._OpenCC(str(config), True, None)

    def convert(text: str) -> str:
        data = text.encode("utf-8")
        return native.convert(data, len(data))  # type: ignore[no-any-return]

    return convert
