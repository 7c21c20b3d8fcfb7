"""The PDF report: the HTML report printed by WeasyPrint (optional extra ``dentsec[pdf]``)."""

from __future__ import annotations

from dentsec.errors import DentsecError
from dentsec.findings import Report
from dentsec.report import html


def render(report: Report) -> bytes:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise DentsecError(
            "Le rapport PDF demande WeasyPrint : pip install 'dentsec[pdf]' (sous Windows, "
            f"préférez le rapport HTML et « Imprimer en PDF » du navigateur). Détail : {exc}",
            "The PDF report needs WeasyPrint: pip install 'dentsec[pdf]' (on Windows, prefer "
            f"the HTML report and the browser's 'Print to PDF'). Detail: {exc}",
        ) from exc
    pdf: bytes = weasyprint.HTML(string=html.render(report)).write_pdf()
    return pdf
