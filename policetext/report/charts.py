"""The report's charts, inline SVG drawn by hand, and how their numbers are written.

Each function takes plain numbers and labels and returns one ``<svg>`` element:
every text escaped, sized in its own ``width``/``height`` so the page needs no
script to lay it out, labels clipped to a length and kept whole in a ``<title>``.
"""

from __future__ import annotations

import html
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


def number(value: Any) -> str:
    """A number as written in tables: integers plain, floats to 4 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
    return str(value)


def grouped(value: int | float) -> str:
    """A number with thousands separators, for the corpus card."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4g}"


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
    items: Sequence[tuple[str, float]], label: str, *, width: int = 460, colour: str = BAR
) -> str:
    """Horizontal bars, largest first as given; the value is written at each bar's end."""
    size, row, gap = 12, 20, 5
    labels = [clip(name, 16) for name, _ in items]
    left = min(220.0, max([text_width(t, size) for t in labels] + [30.0]) + 10)
    values = [v for _, v in items]
    top_value = max([abs(v) for v in values] + [0.0]) or 1.0
    room = width - left - 70
    parts = []
    for i, ((name, value), shown) in enumerate(zip(items, labels, strict=True)):
        y = i * (row + gap) + 4
        length = max(1.0, room * abs(value) / top_value) if value else 0.0
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + row * 0.7:.1f}" text-anchor="end" '
            f'font-size="{size}"><title>{esc(name)}</title>{esc(shown)}</text>'
            f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="{row}" fill="{colour}">'
            f"<title>{esc(name)}: {esc(number(value))}</title></rect>"
            f'<text x="{left + length + 5:.1f}" y="{y + row * 0.7:.1f}" font-size="{size - 1}" '
            f'class="value">{esc(number(value))}</text>'
        )
    height = max(1, len(items)) * (row + gap) + 8
    return _svg(width, height, label, "".join(parts))


def column_chart(
    items: Sequence[tuple[str, float]], label: str, *, width: int = 300, height: int = 150
) -> str:
    """Vertical bars for a short series (years); zero bars are drawn as a baseline tick."""
    size = 11
    top, bottom, side = 18, 22, 8
    n = max(1, len(items))
    slot = (width - 2 * side) / n
    top_value = max([v for _, v in items] + [0.0]) or 1.0
    plot = height - top - bottom
    parts = [
        f'<line x1="{side}" y1="{height - bottom}" x2="{width - side}" y2="{height - bottom}" '
        f'stroke="#999" stroke-width="1"/>'
    ]
    for i, (name, value) in enumerate(items):
        x = side + i * slot + slot * 0.15
        bar_width = slot * 0.7
        length = plot * value / top_value if value > 0 else 0.0
        y = height - bottom - length
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{max(length, 1):.1f}" '
            f'fill="{BAR}"><title>{esc(name)}: {esc(number(value))}</title></rect>'
            f'<text x="{x + bar_width / 2:.1f}" y="{height - 6}" text-anchor="middle" '
            f'font-size="{size}">{esc(name)}</text>'
            f'<text x="{x + bar_width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="{size - 1}" class="value">{esc(_short_number(value))}</text>'
        )
    return _svg(width, height, label, "".join(parts))


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
            f"<title>{esc(r.term)}: G² {r.g2:.2f}</title></rect>"
            f'<text x="{term_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}">{esc(clip(r.term, 10))}</text>'
            f'<text x="{value_x:.1f}" y="{y + row * 0.75:.1f}" text-anchor="{value_anchor}" '
            f'font-size="{size - 1}" class="value">{abs(r.g2):.1f}</text>'
        )
    height = head + max(1, len(rows)) * (row + gap) + 4
    parts.append(
        f'<line x1="{middle:.1f}" y1="{head - 4}" x2="{middle:.1f}" y2="{height - 2}" '
        f'stroke="#666" stroke-width="1"/>'
    )
    return _svg(width, height, label, "".join(parts))


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[int]], label: str) -> str:
    """A square matrix of counts; rows named (numbered), columns by the same numbers."""
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
                f"<title>{esc(name)} × {esc(names[j])}: {value}</title></rect>"
            )
            if value:
                colour = "#fff" if opacity > 0.55 else "#222"
                parts.append(
                    f'<text x="{left + j * cell + (cell - 2) / 2:.1f}" y="{y + cell * 0.62:.1f}" '
                    f'text-anchor="middle" font-size="{size - 1}" fill="{colour}">{value}</text>'
                )
    width = left + len(names) * cell + 8
    height = top + len(names) * cell + 6
    return _svg(width, height, label, "".join(parts))


def _short_number(value: float) -> str:
    """Compact labels above columns: 1.2万, 3.4亿 (the table has the exact numbers)."""
    if abs(value) >= 1e8:
        return f"{value / 1e8:.3g}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.3g}万"
    return number(value)


__all__ = [
    "bar_chart",
    "clip",
    "clip_left",
    "column_chart",
    "diverging_chart",
    "esc",
    "grouped",
    "heatmap",
    "number",
    "text_width",
]
