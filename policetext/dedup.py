"""Near-duplicates: documents that tell the same story, each counted once.

A document's normalised text (script, widths and furniture already made equal
by the pipeline) without punctuation or blanks is cut into overlapping
character shingles of :data:`SHINGLE` characters. Each shingle is hashed once
and a one-permutation MinHash keeps the smallest hash of each of :data:`BINS`
bins, empty bins filled from their neighbours (densification), so that the
share of equal bins of two signatures estimates the Jaccard similarity of their
shingle sets. LSH banding of the signatures finds candidate pairs in about
linear time; every candidate is then checked on the whole signature, and one
whose estimate is within :data:`MARGIN` of the threshold on the exact Jaccard
similarity of the two shingle sets (its documents read again). Clusters are
the connected pairs; the representative of a cluster is its earliest document
by date, else its first in input order.

Signatures are made per document by :meth:`Pipeline.run` (so in worker
processes or on a Dask cluster); banding and clustering happen in the parent on
the signatures alone: about 800 bytes and a name per document, no text.
Shingle hashes are CPython's hashes of tuples of code points: the same in every
64-bit process whatever its string-hash salt (workers and the parent agree).

>>> story = "滨州市公安局沾化分局破获一起电信网络诈骗案，抓获犯罪嫌疑人12名"
>>> a, b = signature_of(story + "。"), signature_of(story + "，涉案金额50万元。")
>>> 0.6 < similarity(densify(a[1]), densify(b[1])) < 1
True
"""

from __future__ import annotations

import dataclasses
import io
import math
import operator
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

from policetext.config import DEDUP_THRESHOLD
from policetext.errors import InputError
from policetext.io import Source

#: characters per shingle (chosen by measurement: see bench/dedup.py and the README)
SHINGLE = 5
#: MinHash bins per signature (one 32-bit value each in the parent)
BINS = 128
#: estimated Jaccard similarity at or above which two documents are the same story
DEFAULT_THRESHOLD = DEDUP_THRESHOLD
#: at most this many distinct clusters of one LSH bucket are checked against a
#: newcomer: a bucket of thousands of texts sharing a stock paragraph stays linear
#: (true copies share many bands, and meet in buckets of their own)
BUCKET_LEADERS = 8

_DROP = re.compile(r"[\W_]+")  # punctuation, blanks and the noise mark: not the story
_EMPTY = 1 << 63  # above every signed 64-bit hash: "no shingle fell in this bin"
_MASK32 = 0xFFFFFFFF
# added per step when an empty bin borrows a neighbour's minimum (densification):
# an odd 32-bit constant, so that borrowed values differ from the neighbour's own
_STEP = 0x9E3779B1
_HASH_SHIFT = 57  # the top 7 bits of a 64-bit hash choose its bin (BINS = 128)
R = TypeVar("R")


@dataclass(frozen=True)
class Signature:
    """What a worker sends back for one document: its name, date, shingle count and
    MinHash bins (raw 64-bit minima, undensified: the parts of a huge input merge)."""

    doc: str
    date: str | None
    size: int
    bins: tuple[int, ...]
    #: the --meta fields of a table-shaped input, for the output rows
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """One document's place among the near-duplicates (a row of ``dedup``)."""

    doc: str
    cluster: int
    representative: bool
    similarity: float
    index: int  # position in input order
    meta: tuple[tuple[str, str], ...] = ()

    def as_row(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "cluster": self.cluster,
            "representative": self.representative,
            "similarity": round(self.similarity, 3),
            **dict(self.meta),
        }


def shingle_hashes(text: str, size: int = SHINGLE) -> set[int]:
    """The distinct hashes of a text's character shingles (punctuation and blanks
    dropped). Hashes of tuples of code points: computed in C, and the same in every
    process (unlike ``hash`` of a string, which Python salts per process).

    >>> len(shingle_hashes("抓获逃犯10人。抓获逃犯10人。"))  # 10 shingles, 7 distinct
    7
    """
    codes = list(map(ord, _DROP.sub("", text)))
    if len(codes) <= size:
        return {hash(tuple(codes))} if codes else set()
    return set(map(hash, zip(*(codes[i:] for i in range(size)), strict=False)))


def signature_of(text: str, size: int = SHINGLE) -> tuple[int, tuple[int, ...]]:
    """(number of distinct shingles, raw bins) of a text: each bin the smallest hash
    whose top bits chose it, or an empty mark."""
    hashes = shingle_hashes(text, size)
    bins = [_EMPTY] * BINS
    if hashes:
        # descending, so that the dict keeps each bin's smallest hash (the last seen)
        ordered = sorted(hashes, reverse=True)
        smallest = dict(
            zip(map(operator.rshift, ordered, repeat(_HASH_SHIFT)), ordered, strict=True)
        )
        for key, value in smallest.items():
            bins[key % BINS] = value
    return len(hashes), tuple(bins)


def merge_bins(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """The bins of two parts of one text together (a MinHash of the union)."""
    return tuple(map(min, a, b))


def densify(bins: Sequence[int]) -> array[int]:
    """32-bit bins with every empty bin filled from the nearest filled bin after it
    (rotation densification, Shrivastava 2017): short texts still band and compare
    on all bins. All empty (no text): zeros, which the clustering never compares."""
    filled = [i for i, v in enumerate(bins) if v != _EMPTY]
    out = array("I", bytes(4 * BINS))
    if not filled:
        return out
    for i in range(BINS):
        v = bins[i]
        if v != _EMPTY:
            out[i] = v & _MASK32
            continue
        step = 1
        while bins[(i + step) % BINS] == _EMPTY:
            step += 1
        out[i] = (bins[(i + step) % BINS] + step * _STEP) & _MASK32
    return out


def similarity(a: array[int], b: array[int]) -> float:
    """Estimated Jaccard similarity: the share of equal bins."""
    return sum(map(operator.eq, a, b)) / BINS


def signature_task(analyser: Any, document: Any) -> Signature:
    """A task for :meth:`Pipeline.run`: the document's signature (made where the
    document is: this process, a worker or a Dask worker)."""
    size, bins = signature_of(document.text)
    date = getattr(document, "date", None)
    return Signature(document.doc, date, size, bins, tuple(document.meta.items()))


def rows_per_band(threshold: float, bins: int = BINS) -> int:
    """LSH rows per band for a threshold: the most rows (fewest chance candidates)
    with which a pair at the threshold still becomes a candidate with probability
    0.7 (copies are mostly well above it: at the default 0.45, 4 rows, a pair at
    0.55 is a candidate with probability 0.95, at 0.65 with 0.998). Fewer rows
    make texts that share a stock paragraph candidates by the million in a large
    corpus.

    >>> rows_per_band(0.4), rows_per_band(0.45), rows_per_band(0.8)
    (3, 4, 10)
    """
    best = 1
    for rows in range(1, 17):
        bands = bins // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.7:
            best = rows
    return best


# the low byte of each 32-bit bin, in the array's bytes
_LOW_BYTE = slice(0, None, 4) if sys.byteorder == "little" else slice(3, None, 4)


class _Kept:
    """The parent's store, a document: a name, date and size, the 512-byte signature
    and its low bytes as one 1024-bit number (the fast filter of a candidate)."""

    def __init__(self) -> None:
        self.docs: list[str] = []
        self.dates: list[str | None] = []
        self.sizes: list[int] = []
        self.signatures: list[array[int]] = []
        self.metas: list[tuple[tuple[str, str], ...]] = []
        self.fingerprints: list[int] = []

    def add(self, signature: Signature) -> None:
        self.docs.append(signature.doc)
        self.dates.append(signature.date)
        self.sizes.append(signature.size)
        dense = densify(signature.bins)
        self.signatures.append(dense)
        self.fingerprints.append(int.from_bytes(dense.tobytes()[_LOW_BYTE]))
        self.metas.append(signature.meta)


def cluster(
    signatures: Iterable[Signature], threshold: float = DEFAULT_THRESHOLD
) -> list[Assignment]:
    """Each document's cluster, whether it represents it, and its similarity to the
    representative, in input order (one signature a document)."""
    kept = _Kept()
    for signature in signatures:
        kept.add(signature)
    return assign(kept, threshold)


#: a candidate whose estimate is within this of the threshold is decided on the
#: exact Jaccard similarity of its shingle sets (its two documents read again):
#: 2.3 standard deviations of a 128-bin estimate at 0.45 (a wider margin reads
#: far more documents again in a corpus full of releases sharing stock text)
MARGIN = 0.1
#: document numbers → their sorted shingle hashes
ExactSets = Callable[[Sequence[int]], "dict[int, array[int]]"]


def assign(kept: _Kept, threshold: float, exact: ExactSets | None = None) -> list[Assignment]:
    """Clusters of the kept signatures: LSH candidates checked on whole signatures
    (and, near the threshold, on the exact shingle sets that ``exact`` gives for
    document numbers), connected; numbered from 1 in the order of their first
    documents, so that the numbers depend on the inputs only, not on --jobs or
    --engine. Without ``exact`` the estimate decides every pair."""
    n = len(kept.docs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    signatures, fingerprints = kept.signatures, kept.fingerprints
    rows = rows_per_band(threshold)
    live = [i for i in range(n) if kept.sizes[i]]
    margin = MARGIN if exact is not None else 0.0
    # equal bins at the lowest estimate that is not rejected out of hand
    need = math.ceil((threshold - margin) * BINS - 1e-9)
    doubtful: set[tuple[int, int]] = set()

    def similar(i: int, j: int) -> bool:
        # equal bins are equal in their low bytes: fewer equal low bytes than
        # needed rejects a pair exactly, in C (most candidates are rejected here)
        if (fingerprints[i] ^ fingerprints[j]).to_bytes(BINS).count(0) < need:
            return False
        estimate = similarity(signatures[i], signatures[j])
        if estimate >= threshold + margin or not margin:
            return estimate >= threshold
        if estimate >= threshold - margin:
            doubtful.add((j, i))
        return False

    for band in range(BINS // rows):
        lo, hi = band * rows, (band + 1) * rows
        first: dict[bytes, int] = {}
        shared: dict[int, list[int]] = {}
        for i in live:
            key = signatures[i][lo:hi].tobytes()
            head = first.setdefault(key, i)
            if head != i:
                shared.setdefault(head, [head]).append(i)
        for members in shared.values():
            leaders: list[int] = []
            for i in members:
                linked = False
                for leader in leaders:
                    a, b = find(i), find(leader)
                    if a == b:
                        linked = True
                        continue
                    if (leader, i) not in doubtful and similar(i, leader):
                        parent[max(a, b)] = min(a, b)
                        linked = True
                if not linked and len(leaders) < BUCKET_LEADERS:
                    leaders.append(i)
    pending = sorted(pair for pair in doubtful if find(pair[0]) != find(pair[1]))
    if pending and exact is not None:
        hashes = exact(sorted({i for pair in pending for i in pair}))
        ones: tuple[int, set[int]] = (-1, set())  # the set of the pairs' first document
        for i, j in pending:
            a, b = find(i), find(j)
            if a == b or i not in hashes or j not in hashes:
                continue
            if ones[0] != i:
                ones = (i, set(hashes[i]))
            common = len(ones[1].intersection(hashes[j]))
            if common / (len(hashes[i]) + len(hashes[j]) - common) >= threshold:
                parent[max(a, b)] = min(a, b)
    members_of: dict[int, list[int]] = {}
    for i in range(n):
        members_of.setdefault(find(i), []).append(i)
    out: list[Assignment | None] = [None] * n
    for number, members in enumerate(sorted(members_of.values(), key=lambda m: m[0]), 1):
        chosen = representative(members, kept.dates)
        for i in members:
            score = 1.0 if i == chosen else similarity(signatures[i], signatures[chosen])
            out[i] = Assignment(kept.docs[i], number, i == chosen, score, i, kept.metas[i])
    return [a for a in out if a is not None]


def representative(members: Sequence[int], dates: Sequence[str | None]) -> int:
    """The member to keep: the earliest by date among those with a date (the first in
    input order among equal dates), else the first in input order.

    >>> representative([0, 1, 2], [None, "2023-05-02", "2023-05-01"])
    2
    >>> representative([0, 1], [None, None])
    0
    """
    dated = [i for i in members if dates[i] is not None]
    if dated:
        return min(dated, key=lambda i: (str(dates[i]), i))
    return members[0]


# ---- runs over inputs: the dedup command and the --dedup pre-pass ----------
@dataclass
class Deduplication:
    """The near-duplicates of a run's inputs.

    ``items`` are the inputs as the run reads them (directories walked, tables
    split into records, standard input readable again, errors of the walk in
    their place); ``assignments`` one per document read, in input order.
    """

    items: list[Source | InputError]
    assignments: list[Assignment]
    #: per item: its assignment, or None when it could not be read
    item_assignments: list[Assignment | None]

    def kept(self) -> list[Source | InputError]:
        """The items of a ``--dedup`` run: every cluster's representative, and every
        item that could not be read, so that the run itself reports it in its place."""
        return [
            item
            for item, assigned in zip(self.items, self.item_assignments, strict=True)
            if assigned is None or assigned.representative
        ]

    @property
    def set_aside(self) -> int:
        """How many documents are copies of another."""
        return sum(not a.representative for a in self.assignments)

    @property
    def clusters(self) -> int:
        return len({a.cluster for a in self.assignments})

    def summary(self, fate: str = "set aside") -> str:
        """How many documents are copies, in words (for a message on stderr).

        >>> Deduplication([], [Assignment("a", 1, True, 1.0, 0)], [None]).summary()
        '0 of 1 document set aside as near-duplicates of another (1 story)'
        """
        total = len(self.assignments)
        stories = self.clusters
        return (
            f"{self.set_aside} of {total} document{'s' * (total != 1)} {fate} as "
            f"near-duplicates of another ({stories} stor{'ies' if stories != 1 else 'y'})"
        )

    def by_doc(self) -> dict[str, Assignment]:
        """Assignments by document name (the last of equal names, as export keeps it)."""
        return {a.doc: a for a in self.assignments}


def _replayable(item: Source | InputError) -> tuple[Source | InputError, Source | InputError]:
    """Two readable copies of a standard-input source (a pass reads one); other
    items as they are."""
    if isinstance(item, Source) and item.path is None and item.text is None:
        if isinstance(item.stream, io.BytesIO):
            data = item.stream.getvalue()  # whatever a pass has read of it
        else:
            try:
                data = item.read_bytes()
            except InputError as error:
                return error, error
        return (
            dataclasses.replace(item, stream=io.BytesIO(data)),
            dataclasses.replace(item, stream=io.BytesIO(data)),
        )
    return item, item


def find_duplicates(
    pipeline: Any,
    inputs: Iterable[str | Source],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    jobs: int | None = 1,
    on_error: Callable[[InputError], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Deduplication:
    """The near-duplicate clusters of the documents of ``inputs``.

    Signatures are made by ``pipeline.run`` (``jobs`` worker processes, or the
    pipeline's Dask cluster); inputs that cannot be read go to ``on_error`` (by
    default they are only left out) and are kept in :meth:`Deduplication.kept`.
    The documents of candidate pairs near the threshold are read a second time
    for their exact shingle sets (the same way, in workers too).
    """
    pairs = [_replayable(item) for item in pipeline.expand(inputs)]
    items = [first for first, _ in pairs]
    kept = _Kept()
    origin: list[int] = []  # the item of each kept signature
    read: list[bool] = []
    for number, results in enumerate(
        _per_item(pipeline, items, signature_task, jobs, on_error, progress)
    ):
        read.append(bool(results))
        if results:
            # densified at once: the raw bins are Python ints, ten times the size
            kept.add(_merged(results))
            origin.append(number)

    def exact(documents: Sequence[int]) -> dict[int, array[int]]:
        again = [_replayable(items[origin[d]])[0] for d in documents]
        found = _per_item(pipeline, again, shingle_task, jobs, None, None)
        return {d: _union(parts) for d, parts in zip(documents, found, strict=True) if parts}

    assignments = assign(kept, threshold, exact)
    it = iter(assignments)
    item_assignments = [next(it) if ok else None for ok in read]
    return Deduplication([second for _, second in pairs], assignments, item_assignments)


def _union(parts: list[array[int]]) -> array[int]:
    return parts[0] if len(parts) == 1 else array("q", sorted(set().union(*parts)))


def shingle_task(analyser: Any, document: Any) -> array[int]:
    """A task for :meth:`Pipeline.run`: the document's shingle hashes (the exact
    check of a candidate pair near the threshold)."""
    return array("q", sorted(shingle_hashes(document.text)))


def _per_item(
    pipeline: Any,
    items: list[Source | InputError],
    task: Callable[[Any, Any], R],
    jobs: int | None,
    on_error: Callable[[InputError], None] | None,
    progress: Callable[[int], None] | None,
) -> Iterator[list[R]]:
    """The results of ``task`` for each item in order (several for the parts of a
    huge input, none for an item that could not be read): ``Pipeline.run`` calls
    progress or on_error once an item, after its results, which delimits them."""
    current: list[R] = []
    finished: list[list[R]] = []

    def done(nbytes: int) -> None:
        finished.append(current.copy())
        current.clear()
        if progress is not None:
            progress(nbytes)

    def failed(error: InputError) -> None:
        finished.append([])
        current.clear()
        if on_error is not None:
            on_error(error)

    for result in pipeline.run(items, task, jobs=jobs, on_error=failed, progress=done):
        current.append(result)
        while finished:
            yield finished.pop(0)
    while finished:
        yield finished.pop(0)


def _merged(parts: list[Signature]) -> Signature:
    whole = parts[0]
    for part in parts[1:]:
        whole = dataclasses.replace(
            whole, size=whole.size + part.size, bins=merge_bins(whole.bins, part.bins)
        )
    return whole


def mark_clusters(
    records: Iterable[dict[str, Any]], found: Deduplication
) -> Iterator[dict[str, Any]]:
    """Records (of ``export``) with their document's ``cluster`` and ``representative``
    added (None for a document the pre-pass did not read)."""
    by_doc = found.by_doc()
    for record in records:
        assigned = by_doc.get(record["doc"])
        record["cluster"] = assigned.cluster if assigned else None
        record["representative"] = assigned.representative if assigned else None
        yield record
