"""A bounded memo: what an extractor decided for each distinct word or text.

A corpus repeats its words, so the extractors decide each distinct one once; the
memo starts afresh after ``limit`` keys, so a long run's memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
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
