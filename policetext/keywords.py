"""Keywords: TF-IDF and TextRank on the pipeline's own tokens.

IDF comes from jieba's bundled table (``jieba/analyse/idf.txt``) for a single
document; for a corpus it is blended with the corpus's own document
frequencies, so that words every article shares sink and what sets one apart
rises. Term counts are plain ``Counter`` objects: partial results from worker
processes merge by addition.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import compress, filterfalse, repeat
from operator import ge, methodcaller, mul, truediv
from pathlib import Path

from policetext.cache import derived_bytes
from policetext.datafiles import shipped_lines
from policetext.document import Document, Token, token_words
from policetext.errors import ConfigError
from policetext.memo import Memo
from policetext.text import HAN, NOISE_MARK

METHODS = ("tfidf", "textrank")
_HAS_HAN = re.compile(f"[{HAN}]")
_TERM_CHARS = re.compile(f"[{HAN}A-Za-z0-9·]+")
#: a word holds one of these; a token without any is punctuation
_WORDLIKE = re.compile(rf"[{HAN}A-Za-z0-9]")
_NUMERALS = "0-9零〇一二两三四五六七八九十百千万亿半几数多余第"


@cache
def numeral_term() -> re.Pattern[str]:
    """Numerals with or without a measure word (两次, 三个, 两辆, 十二, 一百二十):
    never keywords. The measure words are the figures' (``data/figure_units.txt``)
    and the units of time and age a count of them is written with."""
    units = {line.split("\t", 1)[0] for line in shipped_lines("figure_units.txt")}
    units |= set("年月日天号位批类种岁倍成")
    written = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    return re.compile(f"^[{_NUMERALS}]+(?:{written})?$")


@dataclass(frozen=True)
class Keyword:
    """One ranked term of a document (or of the corpus, ``doc`` = ``<corpus>``)."""

    doc: str
    rank: int
    term: str
    score: float
    count: int

    def as_row(self) -> dict[str, object]:
        return {
            "doc": self.doc,
            "rank": self.rank,
            "term": self.term,
            "score": round(self.score, 6),
            "count": self.count,
        }


def read_stopwords(path: Path) -> frozenset[str]:
    """A user's stopword file: one word per line, ``#`` comments; UTF-8."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read stopwords: {exc.strerror or exc}", str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("stopword file is not UTF-8 text", str(path)) from None
    words = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line.split()) != 1:
            raise ConfigError(f"line {number}: expected one word, got {line!r}", str(path))
        words.add(line)
    return frozenset(words)


def _corpus_factor(df: int, n_docs: int) -> float:
    """How much of jieba's IDF a term keeps when ``df`` of ``n_docs`` documents hold it."""
    return (math.log((1 + n_docs) / (1 + df)) + 1) / (math.log(1 + n_docs) + 1)


class _CorpusFactors(Memo[int, float]):
    """``_corpus_factor`` of each document frequency in a corpus of ``n_docs``,
    each worked out once: the documents of a corpus share their frequencies."""

    def __init__(self, n_docs: int) -> None:
        super().__init__(n_docs + 1)  # at most one per frequency (0 … n_docs)
        self.n_docs = n_docs

    def make(self, df: int) -> float:
        return _corpus_factor(df, self.n_docs)


class IdfTable:
    """jieba's IDF table (``word idf`` on every line): the IDF of a word, and the
    table's median for a word it lacks.

    The file is split as bytes and each value is read as a number only when
    looked up: parsing all 270,000 values costs more than the look-ups of a whole
    corpus. Only the median needs them all, so it is kept in the cache directory
    (``cache.derived_bytes``) as written in the file.
    """

    def __init__(self, path: Path, cache_dir: Path | None) -> None:
        name = str(path)
        try:
            fields = path.read_bytes().split()
        except OSError as exc:
            raise ConfigError(f"cannot read IDF table: {exc.strerror or exc}", name) from None
        if len(fields) % 2:
            raise ConfigError("not a 'word idf' table", name)
        #: IDF as written, by the word's UTF-8 bytes; the last line of a word wins
        self.written = dict(zip(fields[0::2], fields[1::2], strict=True))
        self._read: Memo[str, float] = Memo(_KEPT_IDFS)  # the words looked up, as numbers
        # deriving the median reads every value: a table whose median is kept has
        # only numbers (the key holds its size and modification time)
        self.median_written = derived_bytes(
            path, cache_dir, "idf-median", lambda: _median(self.written.values(), name)
        )

    def get(self, word: str) -> float:
        return float(self.written.get(_utf8(word), self.median_written))

    def values(self, words: Collection[str]) -> Iterator[float]:
        """The IDF of each word: each distinct word is looked up and read as a
        number once per table (a corpus repeats its terms), then mapped in C."""
        return map(self._read.recall_all(words, self.get).__getitem__, words)


def _is_wordlike(word: str) -> bool:
    return _WORDLIKE.search(word) is not None


def _median(values: Collection[bytes], name: str) -> bytes:
    """The median of numbers as written (the upper one of an even count)."""
    try:
        ordered = sorted(values, key=float)
    except ValueError:
        raise ConfigError("an IDF value is not a number", name) from None
    return ordered[len(ordered) // 2] if ordered else b"0"


#: distinct words whose IDF is kept as a number before the memory starts afresh
_KEPT_IDFS = 200_000
# a lone surrogate (from a JSON input) is in no table: kept, not refused
_utf8 = methodcaller("encode", "utf-8", "surrogatepass")


class KeywordExtractor:
    """Filters candidate terms and ranks them; owns the stopwords and jieba's IDF table."""

    def __init__(
        self,
        extra_stopwords: Iterable[str] = (),
        pos: Sequence[str] = (),
        cache_dir: Path | None = None,
    ) -> None:
        self.stopwords = frozenset(shipped_lines("stopwords.txt")) | frozenset(extra_stopwords)
        self.pos = tuple(pos)
        self.cache_dir = cache_dir  # where the IDF table's median is kept
        # is_candidate_word of each word seen: a corpus repeats its words
        self._verdicts: Memo[str, bool] = Memo(200_000)
        # whether each word seen is a word at all, not punctuation (see words_only)
        self._wordlike: Memo[str, bool] = Memo(200_000)

    @cached_property
    def idf_table(self) -> IdfTable:
        """jieba's bundled IDF table."""
        from policetext.segment import jieba_data

        return IdfTable(jieba_data("analyse/idf.txt"), self.cache_dir)

    def is_candidate(self, token: Token) -> bool:
        """Whether a token may be a keyword: no stopword, number, single character,
        punctuation or noise; with ``pos`` set, only those parts of speech."""
        ok = self.is_candidate_word(token.text)
        return ok and (not self.pos or (token.pos or "").startswith(self.pos))

    def is_candidate_word(self, word: str) -> bool:
        """``is_candidate`` without the part-of-speech filter: the word alone decides."""
        if len(word) < 2 or word in self.stopwords or NOISE_MARK in word:
            return False
        if not _TERM_CHARS.fullmatch(word) or not _HAS_HAN.search(word):
            return False
        return not numeral_term().match(word)

    def terms(self, document: Document) -> list[str]:
        """The candidate terms of a segmented document, in text order."""
        if self.pos:
            return [t.text for t in document.tokens if self.is_candidate(t)]
        # without a part-of-speech filter a word is a candidate or not wherever it
        # stands: decide each distinct word once, then filter the words in C
        words = token_words(document.tokens)
        verdict = self._verdicts_of(set(words))
        return list(compress(words, map(verdict.__getitem__, words)))

    def term_counts(self, document: Document, words: Counter[str]) -> Counter[str]:
        """``Counter(self.terms(document))``, from the document's word counts (which
        are all it takes without a part-of-speech filter)."""
        if self.pos:
            return Counter(self.terms(document))
        return self.candidate_counts(words)

    def candidate_counts(self, words: Counter[str]) -> Counter[str]:
        """The candidate words among ``words``, with their counts (no part-of-speech
        filter: a word is a candidate or not wherever it stands)."""
        verdict = self._verdicts_of(words)
        return Counter(dict(compress(words.items(), map(verdict.__getitem__, words))))

    def words_only(self, counts: Counter[str]) -> Counter[str]:
        """A copy of ``counts`` without punctuation: tokens holding no Han character,
        letter or digit. Each distinct token is tested once per extractor.

        >>> KeywordExtractor().words_only(Counter({"民警": 2, "，": 3, "110": 1}))
        Counter({'民警': 2, '110': 1})
        """
        verdict = self._wordlike.recall_all(counts, _is_wordlike)
        words = counts.copy()
        for word in list(filterfalse(verdict.__getitem__, counts)):
            del words[word]  # a few per document: cheaper than building anew
        return words

    def _verdicts_of(self, words: Collection[str]) -> Mapping[str, bool]:
        """``is_candidate_word`` of every word, each decided once per extractor."""
        return self._verdicts.recall_all(words, self.is_candidate_word)

    def idf(self, term: str, df: Counter[str] | None = None, n_docs: int = 1) -> float:
        """jieba's IDF, scaled down for terms many documents of the corpus share."""
        base = self.idf_table.get(term)
        if not df or n_docs <= 1:
            return base
        return base * _corpus_factor(df[term], n_docs)

    def tfidf(
        self,
        counts: Counter[str],
        top: int,
        df: Counter[str] | None = None,
        n_docs: int = 1,
    ) -> list[tuple[str, float, int]]:
        """``(term, score, count)`` by TF-IDF, best first; ties broken by term."""
        if df and n_docs > 1:
            in_docs = dict(zip(counts, map(df.__getitem__, counts), strict=True))
            return self._ranked(counts, top, self._corpus_weights(in_docs, n_docs).__getitem__)
        return self._ranked(counts, top)

    def _corpus_weights(self, df: Mapping[str, int], n_docs: int) -> dict[str, float]:
        """The weight of each term of ``df`` in a corpus of ``n_docs``: its IDF times
        the corpus factor of its document frequency, as ``idf`` scales it. It is the
        same in every document, so it is worked out once per corpus."""
        terms = list(df)
        factors = _CorpusFactors(n_docs)  # one per distinct document frequency
        in_docs = list(df.values())
        scaled = map(factors.recall_all(in_docs, factors.make).__getitem__, in_docs)
        return dict(zip(terms, map(mul, self.idf_table.values(terms), scaled), strict=True))

    def _ranked(
        self,
        counts: Counter[str],
        top: int,
        weight: Callable[[str], float] | None = None,
    ) -> list[tuple[str, float, int]]:
        """``tfidf``, each term weighted by ``weight`` (by default jieba's IDF)."""
        total = sum(counts.values())
        if not total:
            return []
        # the arithmetic of ``c / total * weight``, mapped in C over the terms: this
        # runs for every term of every document
        terms, frequencies = list(counts), list(counts.values())
        weights = self.idf_table.values(terms) if weight is None else map(weight, terms)
        scores = list(map(mul, map(truediv, frequencies, repeat(total)), weights))
        scored = list(zip(terms, scores, frequencies, strict=True))
        if 0 < top < len(scored):
            # only the terms scoring at least the top-th best can be among the top
            cutoff = sorted(scores, reverse=True)[top - 1]
            scored = list(compress(scored, map(ge, scores, repeat(cutoff))))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:top]

    def blended(
        self, counts: Sequence[Counter[str]], top: int
    ) -> Iterator[list[tuple[str, float, int]]]:
        """Each document's ``(term, score, count)`` by TF-IDF with jieba's IDF blended
        with the document frequencies of ``counts`` (one counter a document): the
        one ranking of keywords, stats, the report and the export (a corpus too
        big to hold its counters counts them first: :class:`DocumentFrequencies`)."""
        frequencies = DocumentFrequencies()
        for terms in counts:
            frequencies.add(terms)
        return (frequencies.rank(self, terms, top) for terms in counts)

    def textrank(
        self, terms: Sequence[str], top: int, window: int = 5, iterations: int = 30
    ) -> list[tuple[str, float, int]]:
        """``(term, score, count)`` by TextRank over co-occurrence within ``window`` terms."""
        graph = CooccurrenceGraph(window)
        graph.add(terms)
        return graph.ranked(top, iterations)


#: terms held before their pairs are counted (about 0.5 MB of references)
_PAIRED_AT_ONCE = 65_536


class CooccurrenceGraph:
    """The co-occurrence graph of a sequence of terms (each with the next ``window``
    − 1), built from its pieces one after another (a corpus, document by
    document) as from the whole sequence at once, edge for edge and in the same
    order, so TextRank scores the same to the last digit; what it holds grows
    with the distinct terms and pairs, not with the corpus.

    >>> whole, pieces = CooccurrenceGraph(3), CooccurrenceGraph(3)
    >>> whole.add(["派出所", "民警", "走访", "民警", "群众"])
    >>> pieces.add(["派出所", "民警"]); pieces.add(["走访"]); pieces.add(["民警", "群众"])
    >>> whole.ranked(2) == pieces.ranked(2)
    True
    """

    def __init__(self, window: int = 5) -> None:
        self.window = window
        self.counts: Counter[str] = Counter()
        self.edges: defaultdict[str, Counter[str]] = defaultdict(Counter)
        #: the last terms, whose pairs with the terms to come are not counted yet
        self._pending: list[str] = []

    def add(self, terms: Iterable[str]) -> None:
        """The next terms of the sequence."""
        new = list(terms)
        self.counts.update(new)
        pending = self._pending
        pending.extend(new)
        # paired in runs of many terms, not document by document: interleaved with
        # the analysis of each document, the pairing ran 45% slower (the graph's
        # counters out of the processor's caches)
        ready = len(pending) - (self.window - 1)  # the terms whose whole window is known
        if ready >= _PAIRED_AT_ONCE:
            self._pair(pending, ready)
            del pending[:ready]

    def _pair(self, terms: list[str], first: int) -> None:
        """Count the pairs of the first ``first`` of ``terms`` with those after them
        (each term in turn, as ``enumerate`` over the whole sequence would)."""
        edges, window = self.edges, self.window
        for i in range(first):
            term = terms[i]
            for other in terms[i + 1 : i + window]:
                if other != term:
                    edges[term][other] += 1
                    edges[other][term] += 1

    def ranked(self, top: int, iterations: int = 30) -> list[tuple[str, float, int]]:
        """``(term, score, count)``, the best ``top`` by TextRank (the sequence ends
        here: the last terms' pairs are counted first)."""
        if self._pending:
            self._pair(self._pending, len(self._pending))
            self._pending = []
        counts, edges = self.counts, self.edges
        if not counts:
            return []
        nodes = sorted(counts)
        rank = dict.fromkeys(nodes, 1.0)
        out_weight = {n: sum(edges[n].values()) or 1 for n in nodes}
        for _ in range(iterations):
            rank = {
                n: 0.15 + 0.85 * sum(w / out_weight[m] * rank[m] for m, w in edges[n].items())
                for n in nodes
            }
        best = max(rank.values()) or 1.0
        scored = [(n, rank[n] / best, counts[n]) for n in nodes]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:top]


class DocumentFrequencies:
    """The document frequencies of a corpus, counted one document at a time (the
    first of two passes), then each document's blended TF-IDF (the second): no
    document's counts need be held meanwhile.

    >>> frequencies = DocumentFrequencies()
    >>> for terms in (Counter({"民警": 2, "滨州": 1}), Counter({"民警": 1})):
    ...     frequencies.add(terms)
    >>> frequencies.documents, frequencies.counts["民警"]
    (2, 2)
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.documents = 0
        # each term's weight in this corpus (IDF times the corpus factor), worked out
        # once when the first document is ranked, for the documents counted then
        self._weights: dict[str, float] = {}
        self._weighed = 0

    def add(self, terms: Mapping[str, int]) -> None:
        """Count a document's terms (each once)."""
        self.counts.update(terms.keys())  # counted in C
        self.documents += 1

    def rank(
        self, extractor: KeywordExtractor, terms: Counter[str], top: int
    ) -> list[tuple[str, float, int]]:
        """A document's ``(term, score, count)`` by TF-IDF, jieba's IDF blended with
        these document frequencies."""
        if self.documents <= 1 or not self.counts:
            return extractor._ranked(terms, top)
        if self._weighed != self.documents:
            self._weights = extractor._corpus_weights(self.counts, self.documents)
            self._weighed = self.documents
        return extractor._ranked(terms, top, self._weights.__getitem__)


#: a document's name, its candidate terms in text order and its fields (``tasks.KEYWORD_TERMS``)
DocumentTerms = tuple[str, list[str], dict[str, str]]


def rank_documents(
    extractor: KeywordExtractor, per_doc: Iterable[DocumentTerms], method: str, top: int
) -> Iterator[tuple[Keyword, dict[str, str]]]:
    """Keywords of each document, each with its document's fields; TF-IDF uses the
    blended IDF when there are several.

    ``per_doc`` is read once: TextRank ranks each document as it comes; TF-IDF
    counts the document frequencies first, each document's counts spilled to a
    temporary file meanwhile rather than held (:class:`~policetext.spill.Spill`).
    """
    if method == "textrank":
        for doc, terms, fields in per_doc:
            ranked = extractor.textrank(terms, top)
            yield from ((Keyword(doc, i, t, s, c), fields) for i, (t, s, c) in enumerate(ranked, 1))
        return
    from policetext.spill import Spill

    frequencies = DocumentFrequencies()
    with Spill[tuple[str, Counter[str], dict[str, str]]]() as spill:
        for doc, terms, fields in per_doc:
            counts = Counter(terms)
            frequencies.add(counts)
            spill.append((doc, counts, fields))
        for doc, counts, fields in spill:
            ranked = frequencies.rank(extractor, counts, top)
            yield from ((Keyword(doc, i, t, s, c), fields) for i, (t, s, c) in enumerate(ranked, 1))


def rank_corpus(
    extractor: KeywordExtractor, per_doc: Iterable[DocumentTerms], method: str, top: int
) -> list[Keyword]:
    """One ranking for the whole corpus (jieba's IDF on the summed counts, read
    one document at a time; TextRank over the corpus's terms in order)."""
    if method == "textrank":
        # the documents' terms as one sequence (as before: a window may span two
        # documents), its graph built document by document, never the list whole
        graph = CooccurrenceGraph()
        for _, terms, _ in per_doc:
            graph.add(terms)
        ranked = graph.ranked(top)
    else:
        counts: Counter[str] = Counter()
        for _, terms, _ in per_doc:
            counts.update(terms)
        ranked = extractor.tfidf(counts, top)
    return [Keyword("<corpus>", i, t, s, c) for i, (t, s, c) in enumerate(ranked, 1)]


def split_term_counts(
    results: Iterable[tuple[str, list[str], dict[str, str]]],
    field: str,
    value: str,
    against: str | None = None,
) -> tuple[Counter[str], Counter[str]]:
    """Term counts of the documents whose ``field`` is ``value`` (A) and of the
    rest, or of those whose ``field`` is ``against`` (B); others are left out."""
    side_a: Counter[str] = Counter()
    side_b: Counter[str] = Counter()
    for _, terms, meta in results:
        own = meta.get(field)
        if own == value:
            side_a.update(terms)
        elif against is None or own == against:
            side_b.update(terms)
    return side_a, side_b


@dataclass(frozen=True)
class Keyness:
    """How characteristic a term is of corpus A against corpus B."""

    term: str
    freq_a: int
    freq_b: int
    g2: float  # log-likelihood G², signed: positive when the term leans to A
    p: float
    log_ratio: float  # log2 of the ratio of relative frequencies (0.5 added to zeros)

    def as_row(self) -> dict[str, object]:
        return {
            "term": self.term,
            "freq_a": self.freq_a,
            "freq_b": self.freq_b,
            "g2": round(self.g2, 4),
            "p": float(f"{self.p:.4g}"),
            "log_ratio": round(self.log_ratio, 4),
        }


def keyness(counts_a: Counter[str], counts_b: Counter[str], min_freq: int = 3) -> list[Keyness]:
    """Log-likelihood keyness (G², as quanteda's textstat_keyness and WordSmith), best first.

    >>> rows = keyness(Counter({"滨州": 30, "民警": 10}), Counter({"包头": 25, "民警": 12}))
    >>> [(r.term, r.g2 > 0) for r in rows][:2]
    [('滨州', True), ('包头', False)]
    """
    total_a = sum(counts_a.values())
    total_b = sum(counts_b.values())
    if not total_a or not total_b:
        return []
    rows = []
    for term in set(counts_a) | set(counts_b):
        a, b = counts_a[term], counts_b[term]
        if a + b < min_freq:
            continue
        expected_a = total_a * (a + b) / (total_a + total_b)
        expected_b = total_b * (a + b) / (total_a + total_b)
        g2 = 2 * (
            (a * math.log(a / expected_a) if a else 0.0)
            + (b * math.log(b / expected_b) if b else 0.0)
        )
        ratio = math.log2(((a or 0.5) / total_a) / ((b or 0.5) / total_b))
        sign = 1 if a / total_a >= b / total_b else -1
        p = math.erfc(math.sqrt(max(g2, 0.0) / 2))  # chi-square, one degree of freedom
        rows.append(Keyness(term, a, b, sign * g2, p, ratio))
    rows.sort(key=lambda r: (-abs(r.g2), r.term))
    return rows
