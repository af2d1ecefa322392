"""Export a corpus to one SQLite file: documents, figures, units, keywords, and two
FTS5 full-text tables: ``documents_fts`` over the normalised text tokenised by the
pipeline's own segmentation (whole words), ``documents_ngrams`` over its Han
characters in overlapping pairs (any stretch of the text, a word inside a longer
word too; :func:`fts_query` and :func:`connect` turn a query in either script into
its MATCH expression). Re-exporting a changed corpus updates its rows in place, in
one transaction: nothing is lost to a failed, interrupted or concurrent export.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from operator import add
from pathlib import Path
from typing import Any

from policetext.analyser import Analyser, Task, add_part_facts, part_facts
from policetext.config import Config
from policetext.document import Document, token_words
from policetext.errors import PolicetextError
from policetext.facts import mark_repeats
from policetext.keywords import DocumentFrequencies, KeywordExtractor
from policetext.normalize import Normalizer
from policetext.spill import Spill
from policetext.text import HAN, HAN_RUN_RE

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL UNIQUE,
    path TEXT,
    title TEXT,
    date TEXT,
    place TEXT,
    source TEXT,
    reporters TEXT,
    metadata TEXT,
    encoding TEXT,
    script TEXT,
    text TEXT NOT NULL,
    chars INTEGER,
    tokens INTEGER,
    figures INTEGER,
    units INTEGER,
    cluster INTEGER,
    representative INTEGER
);
CREATE TABLE IF NOT EXISTS figures (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER, "end" INTEGER, text TEXT, value REAL, max REAL, unit TEXT,
    currency TEXT, kind TEXT, approx TEXT, change TEXT, base TEXT, subject TEXT, event TEXT,
    "when" TEXT, iso TEXT, repeat INTEGER, context TEXT
);
CREATE INDEX IF NOT EXISTS figures_document ON figures(document_id);
CREATE INDEX IF NOT EXISTS figures_kind_unit ON figures(kind, unit);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER, "end" INTEGER, text TEXT, name TEXT, type TEXT, level TEXT, parent TEXT,
    region TEXT
);
CREATE INDEX IF NOT EXISTS units_document ON units(document_id);
CREATE INDEX IF NOT EXISTS units_name ON units(name);
CREATE TABLE IF NOT EXISTS keywords (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    rank INTEGER, term TEXT, score REAL, count INTEGER,
    PRIMARY KEY (document_id, rank)
);
CREATE INDEX IF NOT EXISTS keywords_term ON keywords(term);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(doc UNINDEXED, tokens);
"""


def export_record(analyser: Analyser, document: Document) -> dict[str, Any]:
    """Everything the export stores for one document (the work of :data:`EXPORT_RECORD`)."""
    words = [w for w in token_words(document.tokens) if not w.isspace()]
    return {
        "doc": document.doc,
        "path": document.path,
        "title": document.title,
        "date": document.date,
        "place": analyser.units.article_place(document.word_counts),
        "source": document.source,
        "reporters": list(document.reporters),
        "metadata": json.dumps(dict(document.meta), ensure_ascii=False),
        "encoding": document.encoding,
        "script": document.script,
        "text": document.text,
        "separator": document.separator,
        "chars": len(document.text),
        "tokens": len(words),
        "segmented": " ".join(words),
        "figures": [f.as_row() for f in analyser.figures_of(document)],
        "units": [u.as_row() for u in analyser.units.units(document)],
        "terms": Counter(analyser.keywords.terms(document)),
        **part_facts(document),
    }


def merge_records(parts: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """The record of a huge input: its parts' texts joined, their rows one after
    another (their offsets index the whole text already), their counts added."""
    whole = next(parts)
    texts, segmented = [whole["text"]], [whole["segmented"]]
    for part in parts:
        add_part_facts(whole, part)  # reporters, source, script
        texts += (part["separator"], part["text"])
        segmented.append(part["segmented"])
        whole["tokens"] += part["tokens"]
        whole["figures"] += part["figures"]
        whole["units"] += part["units"]
        whole["terms"].update(part["terms"])
    whole["figures"] = list(mark_repeats(whole["figures"]))  # restated in a later part
    whole["text"] = "".join(texts)
    whole["chars"] = len(whole["text"])
    whole["segmented"] = " ".join(filter(None, segmented))
    return whole


#: ``export``'s task: everything stored of one input
EXPORT_RECORD: Task[dict[str, Any]] = Task(export_record, merge_records)


@dataclass
class ExportResult:
    """What an export did: documents written, documents pruned, ids renamed."""

    count: int = 0
    #: rows removed by ``prune`` (None: no prune was asked for, or it was skipped)
    pruned: int | None = None
    #: why a prune that was asked for was not done
    prune_skipped: str | None = None
    #: (id, the distinct id it was stored under) for ids that came twice
    renamed: list[tuple[str, str]] = field(default_factory=list)


def export_to_sqlite(
    records: Iterable[dict[str, Any]],
    target: Path,
    extractor: KeywordExtractor,
    top: int = 20,
    prune: bool = False,
    *,
    complete: Callable[[], bool] = lambda: True,
    wait: float = 60.0,
) -> ExportResult:
    """Write records into ``target`` (created or updated in place) in one transaction.

    The file is either as it was or fully written: an interrupted or failed run
    rolls back (and removes a file it created). A second export to the same file
    waits up to ``wait`` seconds for the first, then fails cleanly. A file that
    is not a policetext database is refused before anything is written in it.
    A document id that comes twice is stored under a distinct id (``id#2``).

    ``prune`` deletes the documents of earlier exports that this one did not
    write (a corpus whose files were removed); otherwise they are kept, so that
    several folders can be exported into one file. It is done only after a run
    that exported something and for which ``complete()`` is true (every input
    was read without error), as rsync skips --delete after I/O errors.
    """
    existed = target.exists()
    try:
        connection = sqlite3.connect(target, timeout=wait, isolation_level=None)
    except sqlite3.Error as exc:
        raise PolicetextError(f"cannot open the database: {exc}", str(target)) from None
    result = ExportResult()
    done = False
    try:
        _check_ours(connection, str(target))
        connection.execute("PRAGMA foreign_keys = ON")
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise PolicetextError(
                    f"another export has been writing this file for over {wait:g} s; "
                    "try again when it has finished",
                    str(target),
                ) from None
            raise
        for statement in _SCHEMA_STATEMENTS:
            connection.execute(statement)
        _add_columns(connection, ADDED_COLUMNS)
        _ngram_table(connection)
        # each record written as it comes; its term counts wait in a temporary file
        # for the keywords, whose IDF needs the document frequencies of all of them
        frequencies = DocumentFrequencies()
        written: set[int] = set()
        seen: set[str] = set()
        with Spill[tuple[int, Counter[str]]]() as terms:
            for record in records:
                doc = record["doc"]
                if doc in seen:
                    n = 2
                    while f"{doc}#{n}" in seen:
                        n += 1
                    record = {**record, "doc": f"{doc}#{n}"}
                    result.renamed.append((doc, record["doc"]))
                seen.add(record["doc"])
                document_id = _upsert(connection, record)
                written.add(document_id)
                frequencies.add(record["terms"])
                terms.append((document_id, record["terms"]))
                result.count += 1
            _keywords(connection, terms, frequencies, extractor, top)
        if prune:
            if not result.count:
                result.prune_skipped = "nothing was exported"
            elif not complete():
                result.prune_skipped = "some inputs could not be read"
            else:
                result.pruned = _prune(connection, written)
        connection.execute("COMMIT")
        done = True
    except sqlite3.Error as exc:
        raise PolicetextError(f"cannot write the database: {exc}", str(target)) from None
    finally:
        if not done and connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        connection.close()
        if not done and not existed:
            for leftover in (target, target.with_name(target.name + "-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
    return result


#: columns added to the tables after their first release, by table: a file made by
#: an earlier version gets them on its next export (CREATE TABLE IF NOT EXISTS cannot)
ADDED_COLUMNS = {
    "documents": {
        # export --dedup: the document's near-duplicate cluster, and 1 for the
        # document --dedup keeps (NULL without --dedup)
        "cluster": "INTEGER",
        "representative": "INTEGER",
        "date": "TEXT",
        "place": "TEXT",
    },
    "units": {"region": "TEXT"},
    "figures": {
        "currency": "TEXT",
        "subject": "TEXT",
        "event": "TEXT",
        '"when"': "TEXT",
        "iso": "TEXT",
        "repeat": "INTEGER",
    },
}

#: indexes on added columns, made once the columns are there
ADDED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS figures_event_subject ON figures(event, subject)",
    'CREATE INDEX IF NOT EXISTS figures_when ON figures("when")',
)


def _add_columns(connection: sqlite3.Connection, tables: dict[str, dict[str, str]]) -> None:
    for table, columns in tables.items():
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name.strip('"') not in present:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
    for statement in ADDED_INDEXES:
        connection.execute(statement)


#: the tables a policetext database has (a file with other tables is not ours)
_OUR_TABLES = {"documents", "figures", "units", "keywords", "documents_fts", "documents_ngrams"}
_SCHEMA_STATEMENTS = [s.strip() for s in SCHEMA.split(";") if s.strip() and "PRAGMA" not in s]


def _check_ours(connection: sqlite3.Connection, name: str) -> None:
    """Refuse a file that is not SQLite, or a database of something else."""
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError:
        raise PolicetextError(
            "is not an SQLite database; choose another file for the export", name
        ) from None
    user_tables = {
        t for t in tables if not t.startswith(("sqlite_", "documents_fts_", "documents_ngrams_"))
    }
    if user_tables and "documents" not in user_tables:
        listed = ", ".join(sorted(user_tables)[:5])
        raise PolicetextError(
            f"is a database of something else (tables {listed}), not a policetext export; "
            "choose another file",
            name,
        )
    if "documents" in user_tables:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(documents)")}
        if not {"doc", "text", "chars", "tokens"} <= columns:
            raise PolicetextError(
                "has a documents table that policetext did not make; choose another file", name
            )


def _prune(connection: sqlite3.Connection, keep: set[int]) -> int:
    stale = [
        (document_id,)
        for (document_id,) in connection.execute("SELECT id FROM documents")
        if document_id not in keep
    ]
    for table in ("figures", "units", "keywords"):
        connection.executemany(f"DELETE FROM {table} WHERE document_id = ?", stale)
    connection.executemany("DELETE FROM documents_fts WHERE rowid = ?", stale)
    connection.executemany("DELETE FROM documents_ngrams WHERE rowid = ?", stale)
    connection.executemany("DELETE FROM documents WHERE id = ?", stale)
    return len(stale)


def _upsert(connection: sqlite3.Connection, record: dict[str, Any]) -> int:
    columns = ("doc", "path", "title", "date", "place", "source", "reporters", "metadata",
               "encoding", "script", "text", "chars", "tokens")  # fmt: skip
    values = [record[c] for c in columns] + [len(record["figures"]), len(record["units"])]
    values[columns.index("reporters")] = json.dumps(record["reporters"], ensure_ascii=False)
    values += [record.get("cluster"), record.get("representative")]
    names = (*columns, "figures", "units", "cluster", "representative")
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "doc")
    connection.execute(
        f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(doc) DO UPDATE SET {updates}",
        values,
    )
    (document_id,) = connection.execute(
        "SELECT id FROM documents WHERE doc = ?", (record["doc"],)
    ).fetchone()
    for table in ("figures", "units", "keywords"):
        connection.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
    connection.execute("DELETE FROM documents_fts WHERE rowid = ?", (document_id,))
    connection.execute(
        "INSERT INTO documents_fts (rowid, doc, tokens) VALUES (?, ?, ?)",
        (document_id, record["doc"], record["segmented"]),
    )
    connection.execute("DELETE FROM documents_ngrams WHERE rowid = ?", (document_id,))
    connection.execute(
        "INSERT INTO documents_ngrams (rowid, doc, grams) VALUES (?, ?, ?)",
        (document_id, record["doc"], han_grams(record["text"])),
    )
    for table, fields in ROW_TABLES.items():
        names = ", ".join(f'"{name}"' for name in ("document_id", *fields))
        connection.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * (len(fields) + 1))})",
            [(document_id, *(row[name] for name in fields)) for row in record[table]],
        )
    return int(document_id)


#: the columns of a figure's and a unit's row that the export stores, by table
ROW_TABLES = {
    "figures": ("start", "end", "text", "value", "max", "unit", "currency", "kind", "approx",
                "change", "base", "subject", "event", "when", "iso", "repeat", "context"),
    "units": ("start", "end", "text", "name", "type", "level", "parent", "region"),
}  # fmt: skip


def _keywords(
    connection: sqlite3.Connection,
    terms: Iterable[tuple[int, Counter[str]]],
    frequencies: DocumentFrequencies,
    extractor: KeywordExtractor,
    top: int,
) -> None:
    """Each document's keywords, with the IDF blended over the exported documents."""
    for document_id, counts in terms:
        ranked = frequencies.rank(extractor, counts, top)
        connection.executemany(
            "INSERT INTO keywords (document_id, rank, term, score, count) VALUES (?, ?, ?, ?, ?)",
            [(document_id, i, t, s, c) for i, (t, s, c) in enumerate(ranked, 1)],
        )


# ---- full-text search of any stretch of the text, in either script ----------


def _ngram_table(connection: sqlite3.Connection) -> None:
    """Create ``documents_ngrams`` in a file that lacks it (new, or made by a version
    before it), filled from the documents already there: their stored normalised
    text is all the table needs, so documents this export does not write are found."""
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_ngrams'").fetchone():
        return
    connection.execute("CREATE VIRTUAL TABLE documents_ngrams USING fts5(doc UNINDEXED, grams)")
    connection.create_function(
        "policetext_grams", 1, lambda text: han_grams(text or ""), deterministic=True
    )
    connection.execute(
        "INSERT INTO documents_ngrams (rowid, doc, grams) "
        "SELECT id, doc, policetext_grams(text) FROM documents"
    )


def _run_grams(match: re.Match[str]) -> str:
    run = match.group(0)
    # the run's last character once more, alone: a one-character query, or one
    # ending a query term before a non-Han character, is then found at a run's end
    return f" {' '.join(map(add, run, run[1:]))} {run[-1]} "


#: what FTS5's unicode61 tokenizer skips (neither letter nor number), and the token
#: that stands in the index for each run of it: a private-use character, which
#: unicode61 keeps as a token and no query of Chinese text holds
_SEPARATOR_RUN_RE = re.compile(r"[\W_]+")
BREAK_TOKEN = "\ue000"


def han_grams(text: str) -> str:
    """``text`` as ``documents_ngrams`` indexes it: each run of Han characters as
    its overlapping pairs and its last character (``电信诈骗`` → ``电信 信诈 诈骗
    骗``), so that the phrase of a query's pairs matches exactly where the query
    stands in the text; other text (numbers, Latin words) left to FTS5's tokens,
    and each run of punctuation and blanks one :data:`BREAK_TOKEN` (so that
    ``报警110`` is not found in ``报警，110``)."""
    return HAN_RUN_RE.sub(_run_grams, _SEPARATOR_RUN_RE.sub(f" {BREAK_TOKEN} ", text))


#: FTS5's operators, kept between the terms of a free-text query
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_ENDS_IN_ONE_HAN_RE = re.compile(f"(?<![{HAN}])[{HAN}]$")
_ENDS_IN_HAN_RE = re.compile(f"[{HAN}]$")


@cache
def _query_normalizer(config: Config) -> Normalizer:
    """``config``'s normalisation for a query: its characters as the documents'
    (script, width, markup), without the steps that read a page's lines (a query
    ``主题`` is no menu heading to remove, nor a doubled piece to collapse)."""
    return Normalizer(replace(config, skip=config.skip | {"furniture", "stutter"}))


def _phrase(term: str) -> str:
    """One FTS5 phrase of ``documents_ngrams`` matching ``term`` (normalised)
    wherever it stands in a text; empty when ``term`` has nothing to search."""
    if not any(c.isalnum() for c in term):  # punctuation only: FTS5 sees no token
        return ""
    grams = han_grams(term).split()
    prefix = ""
    if _ENDS_IN_ONE_HAN_RE.search(term):
        prefix = " *"  # a last lone character: any pair that starts with it
    elif _ENDS_IN_HAN_RE.search(term):
        grams.pop()  # the run's last character alone: the text's run may go on
    body = " ".join(grams).replace('"', '""')
    return f'"{body}"{prefix}'


def fts_query(text: str, normalizer: Normalizer | None = None) -> str:
    """The ``documents_ngrams MATCH`` expression of a free-text query.

    Each whitespace-separated term is normalised as the documents were by
    ``normalizer`` (default: :class:`Config`'s, so ``詐騙`` is ``诈骗``) and must
    appear as written, also inside a longer word; ``OR``, ``AND``, ``NOT``
    between terms are FTS5's operators (the terms of a query without them must
    all appear). Latin words and numbers match whole tokens; punctuation in a
    term stands for any run of punctuation. A query with nothing to search gives
    ``""``, which matches nothing.
    """
    normalizer = _query_normalizer(normalizer.config if normalizer else Config())
    parts: list[str] = []
    for term in text.split():
        if term in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS:
                parts.append(term)
            continue
        phrase = _phrase(normalizer.normalize(term).text or term)
        if phrase:
            parts.append(phrase)
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    return " ".join(parts) or '""'


def connect(path: str | Path, normalizer: Normalizer | None = None) -> sqlite3.Connection:
    """A connection to an exported file with the SQL function ``policetext_match(query)``:
    the ``documents_ngrams MATCH`` expression of a query in either script (see
    :func:`fts_query`)::

        select doc from documents_ngrams where documents_ngrams match policetext_match('詐騙')
    """
    connection = sqlite3.connect(path)

    def match(text: object) -> str | None:
        return fts_query(text, normalizer) if isinstance(text, str) else None

    connection.create_function("policetext_match", 1, match, deterministic=True)
    return connection
