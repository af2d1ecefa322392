"""Facts about Chinese text that every stage shares: what is a Han character,
the noise mark, where sentences and clauses end, how text splits into sentences.

Each fact has this one home; the stages import it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policetext.patterns import count_runs

#: Han characters: CJK Unified Ideographs, Extension A, and the compatibility block
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: one Han character, and a run of them
HAN_CHAR_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")
#: the mark put where a garbled stretch could not be repaired (the geta mark)
NOISE_MARK = "〓"
#: marks that end a sentence, and those that end a clause inside one
SENTENCE_END_MARKS = "。！？；!?;…"
CLAUSE_END_MARKS = "，、,：:"
#: closing quotes and brackets that stay with the sentence they close
CLOSING_MARKS = "”’」』）)"


@dataclass(frozen=True)
class Span:
    """A stretch ``text[start:end]`` of a document's normalised text."""

    start: int
    end: int
    text: str


# A sentence ends at 。！？；… (with any closing quotes after it) or at a line end.
_SENTENCE_RE = re.compile(
    rf"[^\n{SENTENCE_END_MARKS}]*(?:[。！？；!?;]+|…+)?[{CLOSING_MARKS}]*|[^\n]+"
)


def is_han(char: str) -> bool:
    """Whether one character is Han (``HAN``); comparisons beat a regex call here."""
    return (
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"
    )


def count_han(text: str) -> int:
    """The number of Han characters in ``text``.

    >>> count_han("滨州市公安局110指挥中心")
    10
    """
    return count_runs(HAN_RUN_RE, text)


def script_of(han: int, converted_chars: int) -> str:
    """Name the script from the share of Han characters that conversion changed:
    ``simplified``, ``mixed`` or ``traditional``.

    >>> script_of(1000, 0), script_of(1000, 10), script_of(1000, 100)
    ('simplified', 'mixed', 'traditional')
    """
    if not converted_chars:
        return "simplified"
    share = converted_chars / han if han else 0.0
    return "traditional" if share > 0.05 else "mixed" if share > 0.002 else "simplified"


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` as spans; closing quotes stay with their sentence.

    >>> [s.text for s in split_sentences("抓获10人。”他说：好！\\n下一段")]
    ['抓获10人。”', '他说：好！', '下一段']
    """
    spans = []
    for match in _SENTENCE_RE.finditer(text):
        piece = match.group()
        if piece.strip():
            start = match.start() + (len(piece) - len(piece.lstrip()))
            end = match.end() - (len(piece) - len(piece.rstrip()))
            spans.append(Span(start, end, text[start:end]))
    return spans


def count_sentences(text: str) -> int:
    """``len(split_sentences(text))``, without making the spans."""
    return len(list(filter(None, map(str.strip, _SENTENCE_RE.findall(text)))))
