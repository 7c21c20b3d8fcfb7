"""The PDF report: HTML printed by WeasyPrint (optional extra ``dentsec[pdf]``).

One engine for `dentsec audit --format pdf` and the console's device, practice and monthly
reports: A4, page numbers in the footer of every page."""

from __future__ import annotations

from dentsec.errors import DentsecError
from dentsec.findings import Report
from dentsec.report import html

# Numbers "3 / 7" at the foot of each page; the documents' own @page rules keep their size
# and margins.
PAGE_NUMBERS = """@page { size: A4;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; color: #5f6368; } }"""


def html_to_pdf(document: str) -> bytes:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise DentsecError(
            "Le rapport PDF demande WeasyPrint : pip install 'dentsec[pdf]' (sous Windows, "
            f"préférez le rapport HTML et « Imprimer en PDF » du navigateur). Détail : {exc}",
            "The PDF report needs WeasyPrint: pip install 'dentsec[pdf]' (on Windows, prefer "
            f"the HTML report and the browser's 'Print to PDF'). Detail: {exc}",
        ) from exc
    pdf: bytes = weasyprint.HTML(string=document).write_pdf(
        stylesheets=[weasyprint.CSS(string=PAGE_NUMBERS)])
    return pdf


def render(report: Report) -> bytes:
    return html_to_pdf(html.render(report))
