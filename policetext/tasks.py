"""The per-document tasks of the row commands: each a :class:`Task`, a function of
(analyser, document) with the merge that makes a huge input's parts one result.

Corpus-level tasks live with the code that folds them (``stats.DOCUMENT_STATS``,
``export.EXPORT_RECORD``, ``search.GrepTask``, the report's ``REPORT_DOCUMENT``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from policetext.analyser import Analyser, Task, add_part_facts, chained, part_facts
from policetext.document import Document
from policetext.text import count_han

#: a row of output: column name → value
Row = dict[str, Any]


def _figure_rows(analyser: Analyser, document: Document) -> list[Row]:
    # the document's fields travel with each row (not columns: --group-by year reads
    # its date where a figure has no when, --group-by script or a meta field)
    fields = {**document.fields(), "date": document.date}
    return [{**fields, **f.as_row(), **document.meta} for f in analyser.figures_of(document)]


def _unit_rows(analyser: Analyser, document: Document) -> list[Row]:
    return [{**u.as_row(), **document.meta} for u in analyser.units.units(document)]


def _figure_rows_merged(parts: Iterator[list[Row]]) -> Iterator[Row]:
    """A huge input's figure rows, a fact restated in a later part marked a repeat."""
    from policetext.facts import mark_repeats

    return mark_repeats(chained(parts))


#: the figures of a document as rows, with what each counts (``figures``)
FIGURE_ROWS: Task[Any] = Task(_figure_rows, _figure_rows_merged)
#: the named units of a segmented document as rows (``units``)
UNIT_ROWS: Task[Any] = Task(_unit_rows, chained)


def _keyword_terms(analyser: Analyser, document: Document) -> tuple[str, list[str], dict[str, str]]:
    return document.doc, analyser.keywords.terms(document), document.fields()


def _joined_terms(
    parts: Iterator[tuple[str, list[str], dict[str, str]]],
) -> tuple[str, list[str], dict[str, str]]:
    doc, terms, meta = next(parts)
    for _, more, _ in parts:
        terms = terms + more
    return doc, terms, meta


#: a document's name, candidate keyword terms in text order, and its fields
#: (``Document.fields``: its own and its ``--meta`` fields)
KEYWORD_TERMS: Task[tuple[str, list[str], dict[str, str]]] = Task(_keyword_terms, _joined_terms)


def _text_piece(analyser: Analyser, document: Document) -> list[str]:
    return [document.separator + document.text]


#: the normalised text of a document, as pieces whose concatenation is the whole
#: (a huge input's parts with what joins them): ``normalize``
TEXT_PIECES: Task[Any] = Task(_text_piece, chained)


def _sentence_groups(analyser: Analyser, document: Document) -> list[tuple[Row, list[Any]]]:
    """The document's tokens by sentence: the document's row fields and the tokens
    of each sentence that holds any."""
    tokens = list(document.tokens)
    base = document.offset
    groups = []
    i = 0
    for sentence in document.sentences:
        end = sentence.end + base
        group = []
        while i < len(tokens) and tokens[i].start < end:
            group.append(tokens[i])
            i += 1
        if group:
            groups.append(({"doc": document.doc, **document.meta}, group))
    return groups


#: each sentence of a segmented document with its tokens (``segment``): a list of
#: ``(row fields, tokens)``, numbered by the caller across a huge input's parts
SENTENCE_TOKENS: Task[Any] = Task(_sentence_groups, chained)


def _named_text(analyser: Analyser, document: Document) -> tuple[str, list[str]]:
    return document.doc, [document.separator + document.text]


def _named_pieces(parts: Iterator[tuple[str, list[str]]]) -> tuple[str, Iterator[str]]:
    name, first = next(parts)
    return name, itertools.chain(first, itertools.chain.from_iterable(p for _, p in parts))


#: a document's name and its normalised text in pieces (``normalize -o DIR``)
NAMED_TEXT: Task[Any] = Task(_named_text, _named_pieces)


def _change_row(analyser: Analyser, document: Document) -> Row:
    return {
        "doc": document.doc,
        "encoding": document.encoding,
        "script": document.script,
        **document.changes,
        **document.meta,
        "han": count_han(document.text),
    }


def _added_changes(parts: Iterator[Row]) -> Row:
    whole = next(parts)
    for part in parts:
        add_part_facts(whole, part)  # han, converted characters, script
        for key, value in part.items():
            if key not in ("han", "converted_chars") and isinstance(value, int):
                whole[key] += value
    return whole


#: what each normalisation step changed in a document (``normalize --report``)
CHANGE_ROW: Task[Row] = Task(_change_row, _added_changes)


def _document_row(analyser: Analyser, document: Document) -> Row:
    return {
        **document.metadata_row(),
        "text": document.text,
        "separator": document.separator,
        **document.meta,
        **part_facts(document),
    }


def _joined_rows(parts: Iterator[Row]) -> Row:
    whole = next(parts)
    texts = [whole["text"]]
    for part in parts:
        add_part_facts(whole, part)
        texts += (part["separator"], part["text"])
    whole["text"] = "".join(texts)
    whole["chars"] = len(whole["text"])
    return whole


#: a document's metadata and normalised text as one row (``normalize --format jsonl``)
DOCUMENT_ROW: Task[Row] = Task(_document_row, _joined_rows)
