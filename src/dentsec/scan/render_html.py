"""The self-contained HTML scan report (inline CSS, no network resource), and its PDF."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from dentsec import __version__
from dentsec.i18n import language, pick, tr
from dentsec.scan.labels import host_title, ports_phrase, severity_label, status_label, summary
from dentsec.scan.model import STATUS_ORDER, ScanReport

_env = Environment(
    loader=PackageLoader("dentsec.scan", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(report: ScanReport, changes: list[str] | None = None) -> str:
    """``changes``: what is new since a previous scan (``--compare``), when compared."""
    return _env.get_template("scan.html.j2").render(
        r=report, lang=language(), version=__version__, changes=changes,
        hosts=sorted(report.hosts, key=lambda h: STATUS_ORDER[h.worst]),
        ports=ports_phrase(report), summary=summary(report), tr=tr, pick=pick,
        status_label=status_label, severity_label=severity_label, host_title=host_title)


def render_pdf(report: ScanReport, changes: list[str] | None = None) -> bytes:
    # the audit's one PDF engine (A4, page numbers, the same message without WeasyPrint)
    from dentsec.report.pdf import html_to_pdf

    return html_to_pdf(render(report, changes))
