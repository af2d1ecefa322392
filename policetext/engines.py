"""Which implementation segments and converts: the default pure-Python stack
(jieba, opencc-python-reimplemented) or the ``fast`` extra (rjieba, the jieba-rs
binding, and the official OpenCC binding).

Both give the same output: rjieba cuts token for token as jieba does with the
same dictionary, and the OpenCC binding is used only for the conversions whose
dictionaries agree with opencc-python-reimplemented's (t2s, hk2s; for tw2s the
official dictionaries are newer: 什麼 → 什么 where the reimplementation gives 什幺).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from policetext.errors import ConfigError

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


def rjieba_tokenizer(entries: Iterable[tuple[str, int | None, str | None]]) -> Any:
    """A private rjieba instance with the given dictionary entries added."""
    tokenizer = _rjieba_class()()
    for word, freq, pos in entries:
        tokenizer.add_word(word, freq, pos)
    return tokenizer


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
