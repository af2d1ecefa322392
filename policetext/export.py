"""Export a corpus to one SQLite file: documents, figures, units, keywords, and an
FTS5 full-text table over the normalised text tokenised by the pipeline's own
segmentation. Re-exporting a changed corpus updates its rows in place, in one
transaction: nothing is lost to a failed, interrupted or concurrent export.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policetext.document import Document, token_words
from policetext.errors import PolicetextError

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL UNIQUE,
    path TEXT,
    title TEXT,
    source TEXT,
    reporters TEXT,
    metadata TEXT,
    encoding TEXT,
    script TEXT,
    text TEXT NOT NULL,
    chars INTEGER,
    tokens INTEGER,
    figures INTEGER,
    units INTEGER
);
CREATE TABLE IF NOT EXISTS figures (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER, "end" INTEGER, text TEXT, value REAL, max REAL, unit TEXT,
    kind TEXT, approx TEXT, change TEXT, base TEXT, context TEXT
);
CREATE INDEX IF NOT EXISTS figures_document ON figures(document_id);
CREATE INDEX IF NOT EXISTS figures_kind_unit ON figures(kind, unit);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER, "end" INTEGER, text TEXT, name TEXT, type TEXT, level TEXT, parent TEXT
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


def export_record(pipeline: Any, document: Document) -> dict[str, Any]:
    """Everything the export stores for one document (a task for :meth:`Pipeline.run`)."""
    words = [w for w in token_words(document.tokens) if not w.isspace()]
    return {
        "doc": document.doc,
        "path": document.path,
        "title": document.title,
        "source": document.source,
        "reporters": json.dumps(list(document.reporters), ensure_ascii=False),
        "metadata": json.dumps(dict(document.meta), ensure_ascii=False),
        "encoding": document.encoding,
        "script": document.script,
        "text": document.text,
        "chars": len(document.text),
        "tokens": len(words),
        "segmented": " ".join(words),
        "figures": [f.as_row() for f in pipeline.figures.figures(document)],
        "units": [u.as_row() for u in pipeline.units.units(document)],
        "terms": Counter(pipeline.keywords.terms(document)),
    }


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
    extractor: Any,
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
        terms: dict[int, Counter[str]] = {}
        seen: set[str] = set()
        for record in records:
            doc = record["doc"]
            if doc in seen:
                n = 2
                while f"{doc}#{n}" in seen:
                    n += 1
                record = {**record, "doc": f"{doc}#{n}"}
                result.renamed.append((doc, record["doc"]))
            seen.add(record["doc"])
            terms[_upsert(connection, record)] = record["terms"]
            result.count += 1
        _keywords(connection, terms, extractor, top)
        if prune:
            if not result.count:
                result.prune_skipped = "nothing was exported"
            elif not complete():
                result.prune_skipped = "some inputs could not be read"
            else:
                result.pruned = _prune(connection, set(terms))
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


#: the tables a policetext database has (a file with other tables is not ours)
_OUR_TABLES = {"documents", "figures", "units", "keywords", "documents_fts"}
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
    user_tables = {t for t in tables if not t.startswith(("sqlite_", "documents_fts_"))}
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
    connection.executemany("DELETE FROM documents WHERE id = ?", stale)
    return len(stale)


def _upsert(connection: sqlite3.Connection, record: dict[str, Any]) -> int:
    columns = ("doc", "path", "title", "source", "reporters", "metadata", "encoding",
               "script", "text", "chars", "tokens")  # fmt: skip
    values = [record[c] for c in columns] + [len(record["figures"]), len(record["units"])]
    names = (*columns, "figures", "units")
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
    connection.executemany(
        'INSERT INTO figures (document_id, start, "end", text, value, max, unit, kind, approx, '
        "change, base, context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (document_id, f["start"], f["end"], f["text"], f["value"], f["max"], f["unit"],
             f["kind"], f["approx"], f["change"], f["base"], f["context"])
            for f in record["figures"]
        ],
    )  # fmt: skip
    connection.executemany(
        'INSERT INTO units (document_id, start, "end", text, name, type, level, parent) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (document_id, u["start"], u["end"], u["text"], u["name"], u["type"], u["level"],
             u["parent"])
            for u in record["units"]
        ],
    )  # fmt: skip
    return int(document_id)


def _keywords(
    connection: sqlite3.Connection, terms: dict[int, Counter[str]], extractor: Any, top: int
) -> None:
    """Each document's keywords, with the IDF blended over the exported documents."""
    df: Counter[str] = Counter()
    for counts in terms.values():
        df.update(counts.keys())
    for document_id, counts in terms.items():
        ranked = extractor.tfidf(counts, top, df, len(terms))
        connection.executemany(
            "INSERT INTO keywords (document_id, rank, term, score, count) VALUES (?, ?, ?, ?, ?)",
            [(document_id, i, t, s, c) for i, (t, s, c) in enumerate(ranked, 1)],
        )
