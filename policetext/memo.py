"""A bounded memo: what an extractor decided for each distinct word or text.

A corpus repeats its words, so the extractors decide each distinct one once; the
memo starts afresh after ``limit`` keys, so a long run's memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from itertools import filterfalse
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

_MISSING = object()


class Memo(dict[K, V]):
    """A dict of decisions; ``recall`` makes a missing one and keeps it."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def recall(self, key: K, make: Callable[[K], V]) -> V:
        """The kept value for ``key``, else ``make(key)``, kept.

        >>> memo: Memo[str, int] = Memo(limit=2)
        >>> memo.recall("派出所", len), memo.recall("分局", len), memo.recall("支队", len)
        (3, 2, 2)
        >>> list(memo)  # the third key started the memo afresh
        ['支队']
        """
        found = self.get(key, _MISSING)
        if found is _MISSING:
            if len(self) >= self.limit:
                self.clear()
            found = self[key] = make(key)
        return found  # type: ignore[return-value]

    def recall_all(self, keys: Collection[K], make: Callable[[K], V]) -> Mapping[K, V]:
        """A mapping with a value for each of ``keys``: the kept ones, and ``make(key)``
        for the others, kept. The kept keys are told apart in C, so only the new
        ones cost a Python call.

        >>> memo: Memo[str, int] = Memo(limit=3)
        >>> values = memo.recall_all(["派出所", "分局"], len)
        >>> values["派出所"], values["分局"]
        (3, 2)
        >>> values = memo.recall_all(["分局", "支队", "大队"], len)  # 4 keys: afresh
        >>> sorted(memo)
        ['分局', '大队', '支队']
        """
        new = list(dict.fromkeys(filterfalse(self.__contains__, keys)))
        if len(self) + len(new) > self.limit:
            self.clear()  # afresh, with all of ``keys`` (even if they alone are more)
            new = list(dict.fromkeys(keys))
        self.update(zip(new, map(make, new), strict=True))
        return self
