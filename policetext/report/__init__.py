"""The corpus report: one self-contained HTML page (``policetext report``).

Three layers, data flowing one way: ``data`` collects what the page shows (through
:meth:`Pipeline.run`, so the numbers are those of ``stats``), ``charts`` draws inline
SVG from plain numbers, ``page`` lays out the sections with the package files
``report.css`` and ``report.js`` inlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policetext.report.data import (
    MAX_ROWS,
    DocumentReport,
    ReportData,
    collect_report,
    report_document,
    report_summary,
)
from policetext.report.page import SECTIONS, render_report


def build_report(pipeline: Any, inputs: Sequence[Any], **options: Any) -> str:
    """The report's HTML for ``inputs`` (options as :func:`collect_report`)."""
    with collect_report(pipeline, inputs, **options) as data:
        return render_report(data)


__all__ = [
    "MAX_ROWS",
    "SECTIONS",
    "DocumentReport",
    "ReportData",
    "build_report",
    "collect_report",
    "render_report",
    "report_document",
    "report_summary",
]
