"""Spill: per-document results kept on disk, not in memory, until the corpus is read.

Some results need the whole corpus before any document's can be finished: blended
TF-IDF ranks a document's terms with the document frequencies of all of them.
Holding every document's counts until then makes memory grow with the corpus;
a :class:`Spill` writes each result to a private temporary file as it comes and
reads them back, in order, once the corpus totals are known (as often as
needed). The file lives in a directory of its own, removed on :meth:`Spill.close`
(or when the spill is collected, or at exit).
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")


class Spill(Generic[T]):
    """Objects appended one after another to a temporary file and read back in
    order, as many times as needed.

    >>> with Spill[dict[str, int]]() as spill:
    ...     spill.append({"派出所": 2})
    ...     spill.append({"分局": 1})
    ...     list(spill), len(spill)
    ([{'派出所': 2}, {'分局': 1}], 2)
    """

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="policetext-spill-"))
        self.path = self.directory / "results.pickle"
        self._file: BinaryIO | None = open(self.path, "wb")  # closed by close()
        self._count = 0
        self._finalizer = weakref.finalize(self, _remove, self._file, self.directory)

    def append(self, item: T) -> None:
        """Write ``item`` after the ones before it."""
        if self._file is None:
            raise ValueError("the spill is closed")
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        if self._file is None:
            raise ValueError("the spill is closed")
        self._file.flush()
        count = self._count
        with open(self.path, "rb") as handle:
            for _ in range(count):
                yield pickle.load(handle)

    def close(self) -> None:
        """Remove the file and its directory."""
        self._finalizer()
        self._file = None

    def __enter__(self) -> Spill[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remove(handle: BinaryIO | None, directory: Path) -> None:
    if handle is not None:
        handle.close()
    shutil.rmtree(directory, ignore_errors=True)
