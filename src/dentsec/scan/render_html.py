"""The self-contained HTML scan report (inline CSS, no network resource), and its PDF."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from dentsec import __version__
from dentsec.errors import DentsecError
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
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise DentsecError(
            "Le rapport PDF demande WeasyPrint : pip install 'dentsec[pdf]' (sous Windows, "
            f"préférez le rapport HTML et « Imprimer en PDF » du navigateur). Détail : {exc}",
            "The PDF report needs WeasyPrint: pip install 'dentsec[pdf]' (on Windows, prefer "
            f"the HTML report and the browser's 'Print to PDF'). Detail: {exc}",
        ) from exc
    pdf: bytes = weasyprint.HTML(string=render(report, changes)).write_pdf()
    return pdf
