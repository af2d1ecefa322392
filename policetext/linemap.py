"""Where the normalised text comes from in the raw file: its lines and columns.

Normalisation drops blank lines and page furniture, rejoins lines broken inside
a word and strips each line, so a line of the normalised text is not the line of
the file. ``grep`` prints the file's line (as ripgrep does: ``path:line:col``
opens in an editor), so the raw text's lines are normalised one by one and laid
over the normalised text in order: each stretch of it is placed on the raw line
it came from. Normalisation works within lines (a rejoined line is two raw lines
end to end), so the pieces line up; where one does not (a step that read across
lines), the stretch keeps the raw line of the piece before it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

#: how many raw lines ahead a normalised line's source is looked for (furniture
#: lines removed between two kept ones are skipped within it)
_LOOK_AHEAD = 64
_BLANKS = " \t\u3000\u00a0\ufeff"


@dataclass(frozen=True)
class LineMap:
    """Stretches of the normalised text and the raw lines they come from:
    ``starts[i]`` (an offset of the normalised text) begins a stretch on raw line
    ``lines[i]`` (from 1), whose first character is at column ``columns[i]``."""

    starts: tuple[int, ...]
    lines: tuple[int, ...]
    columns: tuple[int, ...]
    #: the raw lines whose normalisation changed their length, by line number
    changed: dict[int, str]

    def locate(self, offset: int, match: str = "") -> tuple[int, int]:
        """The raw line and column (from 1, in characters) of a normalised offset.

        The column counts the normalised characters from where the stretch starts
        in the raw line: exact where normalisation kept the line's length (OpenCC,
        width); in a line it shortened (a pinyin annotation removed), where
        ``match`` stands in the raw line if it is written there as matched.
        """
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return 1, offset + 1
        line = self.lines[i]
        column = self.columns[i] + offset - self.starts[i]
        raw = self.changed.get(line)
        if raw is not None and match:
            found = raw.find(match)
            if found >= 0:
                column = found + 1
        return line, column


def raw_line_map(
    raw: str, normalized: str, normalize_line: Callable[[str], str], first_line: int = 1
) -> LineMap:
    """Lay the raw text's lines (numbered from ``first_line``), each normalised by
    ``normalize_line``, over ``normalized`` (the whole raw text normalised)."""
    pieces: list[tuple[str, int, int]] = []  # normalised piece, raw line, its column
    changed: dict[int, str] = {}
    for number, line in enumerate(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        stripped = line.strip(_BLANKS)
        if not stripped:
            continue
        column = len(line) - len(line.lstrip(_BLANKS)) + 1
        normalized_line = normalize_line(line)
        if len(normalized_line) != len(stripped):
            changed[number + first_line] = line
        for piece in normalized_line.split("\n"):
            if piece:
                pieces.append((piece, number + first_line, column))
    starts: list[int] = []
    lines: list[int] = []
    columns: list[int] = []
    k = 0  # the next piece expected
    offset = 0
    for text in normalized.split("\n"):
        at = 0
        while at < len(text):
            found = next(
                (i for i in range(k, min(k + _LOOK_AHEAD, len(pieces)))
                 if text.startswith(pieces[i][0], at)),
                None,
            )  # fmt: skip
            if found is None:
                # normalised otherwise in context: the rest of the line is taken to
                # come from the piece expected next
                if k < len(pieces):
                    starts.append(offset + at)
                    lines.append(pieces[k][1])
                    columns.append(pieces[k][2])
                    k += 1
                break
            piece, line, column = pieces[found]
            starts.append(offset + at)
            lines.append(line)
            columns.append(column)
            at += len(piece)
            k = found + 1
        offset += len(text) + 1
    return LineMap(tuple(starts), tuple(lines), tuple(columns), changed)
