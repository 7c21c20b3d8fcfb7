"""The report formats: one table, one interface. A renderer module exposes
``render(report: Report) -> str`` (``bytes`` for a binary format) and reads only the
findings layer; it is imported when its format is asked for, so ``dentsec audit`` does not
pay for Jinja or WeasyPrint it does not use."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table is read by the CLI before any audit runs: no import cost
    from dentsec.findings import Report

Renderer = Callable[["Report"], str | bytes]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    module: str
    """dentsec.report.<module> holds ``render``."""
    binary: bool = False
    file_only: bool = False
    """Cannot go to the terminal (PDF)."""
    extra: str | None = None
    """The pip extra it needs (``pip install -e '.[pdf]'``)."""

    def renderer(self) -> Renderer:
        module = importlib.import_module(f"dentsec.report.{self.module}")
        render: Renderer = module.render
        return render

    def render(self, report: Report) -> str | bytes:
        return self.renderer()(report)


FORMATS: dict[str, ReportFormat] = {f.name: f for f in (
    ReportFormat("terminal", "terminal"),
    ReportFormat("json", "json_report"),
    ReportFormat("html", "html"),
    ReportFormat("pdf", "pdf", binary=True, file_only=True, extra="pdf"),
)}
