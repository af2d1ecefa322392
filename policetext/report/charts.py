"""The report's charts, inline SVG drawn by hand, and how their numbers are written.

Each function takes plain numbers and labels and returns one ``<svg>`` element:
every text escaped, sized in its own ``width``/``height`` so the page needs no
script to lay it out, labels clipped to a length and kept whole in a ``<title>``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from policetext.keywords import Keyness

BAR = "#3b6ea5"
SIDE_A = "#b5473a"
SIDE_B = "#3b6ea5"


# ---- numbers and labels ------------------------------------------------------------
def esc(value: Any) -> str:
    """Text or attribute value escaped for HTML (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def number(value: Any, decimals: int | None = None, *, compact: bool = False) -> str:
    """How the report writes a number, in every chart and table: never in exponent
    notation, thousands grouped as Chinese reports write them (3,170万).

    Integers whole; floats to ``decimals`` places (a value that is not zero but rounds
    to it reads ``<0.0001``), else to four significant digits, at least two places
    above 1, trailing zeros dropped. ``compact`` writes 万 and 亿 for chart labels
    (the table beside has the exact number).

    >>> number(31704300, compact=True), number(658000000000.0, compact=True)
    ('3,170万', '6,580亿')
    >>> number(13744300), number(31704.3), number(0.09131), number(1.365e-07)
    ('13,744,300', '31,704.3', '0.09131', '0.0000001365')
    >>> number(0.157639, 4), number(1.365e-07, 4), number(39.9e4, compact=True)
    ('0.1576', '<0.0001', '39.9万')
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if compact:
        for scale, word in _SCALES:
            if abs(value) >= scale:
                scaled = value / scale
                places = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
                return _fixed(scaled, places, strip=True) + word
    if decimals is not None:
        if value and abs(value) < 0.5 * 10.0**-decimals:  # not zero, though it rounds to it
            return ("<" if value > 0 else ">-") + _fixed(10.0**-decimals, decimals)
        return _fixed(value, decimals)
    if isinstance(value, int) or value.is_integer():
        return f"{int(value):,}"
    magnitude = math.floor(math.log10(abs(value)))
    places = max(2, 3 - magnitude) if magnitude >= 0 else 3 - magnitude
    return _fixed(value, min(places, 15), strip=True)


#: the words of large numbers, largest first
_SCALES = ((1e8, "亿"), (1e4, "万"))


def _fixed(value: float, places: int, *, strip: bool = False) -> str:
    text = f"{value:,.{places}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text_width(text: str, size: float) -> float:
    """Rough drawn width of ``text``: CJK characters are square, Latin about 0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_left(text: str, limit: int) -> str:
    """The end of a long label (a path's file name is what tells two apart)."""
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


# ---- charts: SVG drawn by hand -------------------------------------------------------
def _svg(width: float, height: float, label: str, body: str) -> str:
    return (
        f'<svg class="chart-svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>{body}</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float]],
    label: str,
    *,
    width: int = 460,
    colour: str = BAR,
    decimals: int | None = None,
) -> str:
    """Horizontal bars, largest first as given; the value is written at each bar's end
    (to ``decimals`` places, as the table beside)."""
    size, row, gap = 12, 20, 5
    labels = [clip(name, 16) for name, _ in items]
    left = min(220.0, max([text_width(t, size) for t in labels] + [30.0]) + 10)
    values = [v for _, v in items]
    written = [number(v, decimals) for v in values]
    top_value = max([abs(v) for v in values] + [0.0]) or 1.0
    # the longest value label still fits right of the longest bar
    room = width - left - max([text_width(t, size - 1) for t in written] + [40.0]) - 12
    parts = []
    for i, ((name, value), shown, text) in enumerate(zip(items, labels, written, strict=True)):
        y = i * (row + gap) + 4
        length = max(1.0, room * abs(value) / top_value) if value else 0.0
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + row * 0.7:.1f}" text-anchor="end" '
            f'font-size="{size}"><title>{esc(name)}</title>{esc(shown)}</text>'
            f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{colour}">'
            f"<title>{esc(name)}: {esc(text)}</title></rect>"
            f'<text x="{left + length + 5:.1f}" y="{y + row * 0.7:.1f}" font-size="{size - 1}" '
            f'class="value">{esc(text)}</text>'
        )
    height = max(1, len(items)) * (row + gap) + 8
    return _svg(width, height, label, "".join(parts))


#: label steps tried when year labels do not all fit (every 2nd, 5th, 10th … year)
_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


def column_chart(
    items: Sequence[tuple[str, float | None]],
    label: str,
    *,
    width: int = 300,
    height: int = 150,
    max_width: int = 560,
) -> str:
    """Vertical bars for a series of years, one slot each; ``None`` is a gap (no
    document that year: no bar, the baseline broken, the year in grey), zero a
    baseline tick.

    No two labels overlap: the chart widens (up to ``max_width``) until every value
    label fits over its column; beyond that, years are labelled every 2nd, 5th, 10th …
    slot, and value labels are placed largest value first (then the latest year),
    each only where it clears the labels already placed; the rest are left to the
    tooltip and the table beside.
    """
    size = 11
    top, bottom = 18, 22
    n = max(1, len(items))
    written = ["" if v is None else number(v, compact=True) for _, v in items]
    # text_width is a guess; an extra tenth and a margin keep neighbours apart
    value_need = [text_width(t, size - 1) * 1.1 + 4 for t in written]
    name_need = max([text_width(name, size) * 1.1 + 6 for name, _ in items] + [1.0])
    side = max(8.0, name_need / 2)  # the first and last year stay inside
    width = max(width, min(max_width, round(2 * side + n * max([*value_need, name_need]))))
    slot = (width - 2 * side) / n
    step = next((k for k in _STEPS if k * slot >= name_need), len(items))
    numeric = all(name.isdigit() for name, _ in items)
    top_value = max([v for _, v in items if v is not None] + [0.0]) or 1.0
    plot = height - top - bottom
    base = height - bottom
    centres = [side + (i + 0.5) * slot for i in range(len(items))]
    shown = _place_labels(centres, value_need, [v for _, v in items], 0, width)
    parts = []
    for i, (name, value) in enumerate(items):
        left = side + i * slot
        middle = left + slot / 2
        labelled = (int(name) if numeric else i) % step == 0
        if value is None:
            if labelled:
                parts.append(
                    f'<text x="{middle:.1f}" y="{height - 6}" text-anchor="middle" '
                    f'font-size="{size}" class="gap"><title>{esc(name)}: no document of '
                    f"this year</title>{esc(name)}</text>"
                )
            continue
        x = left + slot * 0.15
        bar_width = slot * 0.7
        length = plot * value / top_value if value > 0 else 0.0
        y = base - length
        parts.append(
            f'<line x1="{left:.1f}" y1="{base}" x2="{left + slot:.1f}" y2="{base}" '
            f'stroke="#999" stroke-width="1"/>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{max(length, 1):.1f}" '
            f'fill="{BAR}"><title>{esc(name)}: {esc(number(value))}</title></rect>'
        )
        if labelled:
            parts.append(
                f'<text x="{middle:.1f}" y="{height - 6}" text-anchor="middle" '
                f'font-size="{size}">{esc(name)}</text>'
            )
        if i in shown:
            parts.append(
                f'<text x="{shown[i]:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-size="{size - 1}" class="value">{esc(written[i])}</text>'
            )
    return _svg(width, height, label, "".join(parts))


def _place_labels(
    centres: Sequence[float],
    widths: Sequence[float],
    values: Sequence[float | None],
    low: float,
    high: float,
) -> dict[int, float]:
    """Where value labels are drawn (column → centre): the largest value first, then
    the latest, each kept inside ``low``..``high`` and drawn if it clears those placed."""
    order = sorted(
        (i for i, v in enumerate(values) if v is not None),
        key=lambda i: (-(values[i] or 0), -i),
    )
    placed: list[tuple[float, float]] = []
    chosen: dict[int, float] = {}
    for i in order:
        half = widths[i] / 2
        centre = min(max(centres[i], low + half), high - half)
        start, end = centre - half, centre + half
        if all(end <= a or start >= b for a, b in placed):
            placed.append((start, end))
            chosen[i] = centre
    return chosen


def diverging_chart(
    rows: Sequence[Keyness], label: str, label_a: str, label_b: str, *, width: int = 560
) -> str:
    """Keyness as ``compare`` draws it: A's terms to the right of the axis, B's to the left,
    bar length G²; each term is written on the other side of the axis."""
    size, row, gap, head = 12, 18, 4, 26
    middle = width / 2
    top_value = max([abs(r.g2) for r in rows] + [0.0]) or 1.0
    room = middle - 90
    parts = [
        f'<text x="{middle + 6:.1f}" y="14" font-size="{size}" fill="{SIDE_A}">'
        f"{esc(clip_left(label_a, 24))} →</text>"
        f'<text x="{middle - 6:.1f}" y="14" font-size="{size}" text-anchor="end" '
        f'fill="{SIDE_B}">← {esc(clip_left(label_b, 24))}</text>'
    ]
    for i, r in enumerate(rows):
        y = head + i * (row + gap)
        length = max(1.0, room * abs(r.g2) / top_value)
        toward_a = r.g2 > 0
        x = middle if toward_a else middle - length
        colour = SIDE_A if toward_a else SIDE_B
        term_x = middle - 6 if toward_a else middle + 6
        anchor = "end" if toward_a else "start"
        value_x = middle + length + 4 if toward_a else middle - length - 4
        value_anchor = "start" if toward_a else "end"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{colour}">'
            f"<title>{esc(r.term)}: G² {esc(number(r.g2, 2))}</title></rect>"
            f'<text x="{term_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}">{esc(clip(r.term, 10))}</text>'
            f'<text x="{value_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{value_anchor}" '
            f'font-size="{size - 1}" class="value">{esc(number(abs(r.g2), 1))}</text>'
        )
    height = head + max(1, len(rows)) * (row + gap) + 4
    parts.append(
        f'<line x1="{middle:.1f}" y1="{head - 4}" x2="{middle:.1f}" y2="{height - 2}" '
        f'stroke="#666" stroke-width="1"/>'
    )
    return _svg(width, height, label, "".join(parts))


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[int]], label: str) -> str:
    """A square matrix of counts; rows named (numbered), columns by the same numbers;
    each count is written in its cell where it fits."""
    size, cell = 11, 26
    labels = [f"{i}. {clip(name, 14)}" for i, name in enumerate(names, 1)]
    left = min(240.0, max([text_width(t, size) for t in labels] + [30.0]) + 12)
    top = 22
    top_value = max([v for row in matrix for v in row] + [0]) or 1
    parts = []
    for j in range(len(names)):
        parts.append(
            f'<text x="{left + j * cell + cell / 2:.1f}" y="{top - 7}" text-anchor="middle" '
            f'font-size="{size}">{j + 1}</text>'
        )
    for i, (name, shown) in enumerate(zip(names, labels, strict=True)):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 6:.1f}" y="{y + cell * 0.65:.1f}" text-anchor="end" '
            f'font-size="{size}"><title>{esc(name)}</title>{esc(shown)}</text>'
        )
        for j, value in enumerate(matrix[i]):
            opacity = 0.08 + 0.92 * value / top_value if value else 0.0
            parts.append(
                f'<rect x="{left + j * cell:.1f}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{BAR}" fill-opacity="{opacity:.2f}" stroke="#ddd" stroke-width="0.5">'
                f"<title>{esc(name)} × {esc(names[j])}: {number(value)}</title></rect>"
            )
            # a count wider than its cell is left to the tooltip (it would cover the next)
            if value and text_width(number(value), size - 1) * 1.1 <= cell - 4:
                colour = "#fff" if opacity > 0.55 else "#222"
                parts.append(
                    f'<text x="{left + j * cell + (cell - 2) / 2:.1f}" y="{y + cell * 0.62:.1f}" '
                    f'text-anchor="middle" font-size="{size - 1}" fill="{colour}">'
                    f"{number(value)}</text>"
                )
    width = left + len(names) * cell + 8
    height = top + len(names) * cell + 6
    return _svg(width, height, label, "".join(parts))


__all__ = [
    "bar_chart",
    "clip",
    "clip_left",
    "column_chart",
    "diverging_chart",
    "esc",
    "heatmap",
    "number",
    "text_width",
]
