"""Export a corpus to one SQLite file: documents, figures, units, keywords, and an
FTS5 full-text table over the normalised text tokenised by the pipeline's own
segmentation. Re-exporting a changed corpus updates its rows in place.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
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


def export_to_sqlite(
    records: Iterable[dict[str, Any]],
    target: Path,
    extractor: Any,
    top: int = 20,
    prune: bool = False,
) -> int:
    """Write records into ``target`` (created or updated in place); return the count.

    ``prune`` deletes the documents of earlier exports that this one did not
    write (a corpus whose files were removed); otherwise they are kept, so that
    several folders can be exported into one file.
    """
    try:
        connection = sqlite3.connect(target)
    except sqlite3.Error as exc:
        raise PolicetextError(f"cannot open the database: {exc}", str(target)) from None
    terms: dict[int, Counter[str]] = {}
    count = 0
    try:
        with connection:
            connection.executescript(SCHEMA)
            _add_unit_region(connection)
        for record in records:
            with connection:
                document_id = _upsert(connection, record)
            terms[document_id] = record["terms"]
            count += 1
        with connection:
            _keywords(connection, terms, extractor, top)
            if prune:
                _prune(connection, set(terms))
    except sqlite3.Error as exc:
        raise PolicetextError(f"cannot write the database: {exc}", str(target)) from None
    finally:
        connection.close()
    return count


def _prune(connection: sqlite3.Connection, keep: set[int]) -> None:
    stale = [
        (document_id,)
        for (document_id,) in connection.execute("SELECT id FROM documents")
        if document_id not in keep
    ]
    for table in ("figures", "units", "keywords"):
        connection.executemany(f"DELETE FROM {table} WHERE document_id = ?", stale)
    connection.executemany("DELETE FROM documents_fts WHERE rowid = ?", stale)
    connection.executemany("DELETE FROM documents WHERE id = ?", stale)


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
        'INSERT INTO units (document_id, start, "end", text, name, type, level, parent, region) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (document_id, u["start"], u["end"], u["text"], u["name"], u["type"], u["level"],
             u["parent"], u["region"])
            for u in record["units"]
        ],
    )  # fmt: skip
    return int(document_id)


def _add_unit_region(connection: sqlite3.Connection) -> None:
    """A database written before units had a region gains the column (NULL in old rows)."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(units)")}
    if "region" not in columns:
        connection.execute("ALTER TABLE units ADD COLUMN region TEXT")


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
