"""Figures summed by what they count: ``figures --group-by event,subject,unit``.

One row per group with ``figures`` (how many), ``sum``, ``min`` and ``max`` of
their values and ``docs`` (distinct documents). A fact restated in the same
document (``repeat``: a headline restating the body) is counted once unless
asked otherwise. Values of different units are never added up: a grouping that
mixes them must include ``unit`` (and ``currency``, where rows carry one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policetext.dates import year_of
from policetext.errors import ConfigError

#: the fields of a figure row a grouping may use (and any meta field of the input)
GROUP_FIELDS = ("doc", "event", "subject", "unit", "kind", "year")
GROUP_COLUMNS = ("figures", "sum", "min", "max", "docs")


def parse_group_fields(spec: str, meta_fields: Sequence[str] = ()) -> tuple[str, ...]:
    """``"event, subject,unit"`` → ``("event", "subject", "unit")``; an unknown
    field is a :class:`ConfigError` naming the ones there are."""
    fields = tuple(dict.fromkeys(f.strip() for f in spec.split(",") if f.strip()))
    known = (*GROUP_FIELDS, *meta_fields)
    unknown = [f for f in fields if f not in known]
    if not fields or unknown:
        raise ConfigError(
            f"cannot group by {', '.join(unknown) or 'nothing'}: use some of "
            f"{', '.join(known)} (meta fields with --meta)",
            "--group-by",
        )
    return fields


def row_year(row: Mapping[str, Any]) -> int | None:
    """The year a figure holds for: of its ``when`` (a date's own ``iso``), else of
    its document's date."""
    for name in ("when", "iso", "date"):
        year = year_of(row.get(name))
        if year is not None:
            return year
    return None


def group_figures(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], *, with_repeats: bool = False
) -> list[dict[str, Any]]:
    """Figure rows grouped by ``fields``: one row per group, the largest first.

    >>> rows = [{"doc": "a", "event": "抓获", "unit": "人", "value": 10},
    ...         {"doc": "b", "event": "抓获", "unit": "人", "value": 5}]
    >>> group_figures(rows, ["event", "unit"])
    [{'event': '抓获', 'unit': '人', 'figures': 2, 'sum': 15, 'min': 5, 'max': 10, 'docs': 2}]
    """
    keys = list(fields)
    groups: dict[tuple[Any, ...], _Group] = {}
    for row in rows:
        if row.get("repeat") and not with_repeats:
            continue
        if "currency" in row and "currency" not in keys:
            keys.append("currency")  # money of different currencies is never added up
        key = tuple(_field(row, f) for f in keys)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group()
        group.add(row)
    out = []
    for key, group in groups.items():
        if "unit" not in keys and len(group.units) > 1:
            units = "、".join(sorted(group.units))
            raise ConfigError(
                f"a group holds figures of several units ({units}): add unit to the fields",
                "--group-by",
            )
        out.append({**dict(zip(keys, key, strict=True)), **group.row()})
    out.sort(key=lambda r: (-r["figures"], -abs(r["sum"] or 0)))
    return out


def _field(row: Mapping[str, Any], name: str) -> Any:
    if name == "year":
        return row_year(row)
    value = row.get(name)
    return "" if value is None else value


class _Group:
    """Running counts of one group."""

    __slots__ = ("count", "docs", "high", "low", "total", "units")

    def __init__(self) -> None:
        self.count = 0
        self.total: int | float = 0
        self.low: int | float | None = None
        self.high: int | float | None = None
        self.docs: set[str] = set()
        self.units: set[str] = set()

    def add(self, row: Mapping[str, Any]) -> None:
        value = row["value"]
        self.count += 1
        self.total += value
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        self.docs.add(row.get("doc", ""))
        self.units.add(row.get("unit", ""))

    def row(self) -> dict[str, Any]:
        total = round(self.total, 6) if isinstance(self.total, float) else self.total
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        return {
            "figures": self.count,
            "sum": total,
            "min": self.low,
            "max": self.high,
            "docs": len(self.docs),
        }
