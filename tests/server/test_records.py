"""PDF reports for the records (device, practice, monthly) and the monthly command/sweep."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dentsec.server.console import monthly, records, sweep
from dentsec.server.console.models import MonthlyReport, Practice

from .conftest import login_client
from .smtp import SmtpServer

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("pdftotext") is None,
                                 reason="poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")]


def pdf_text(data: bytes, tmp_path: Path, name: str) -> list[str]:
    """The text of each page; the pages rendered to PNG too when DENTSEC_SCREENSHOTS names
    a folder (for a person to look at)."""
    assert data.startswith(b"%PDF-")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    folder = os.environ.get("DENTSEC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(Path(folder) / name)],
                       check=True)
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def test_device_pdf_first_page_and_page_numbers(client: Client, tenants: dict[str, Any],
                                                tmp_path: Path) -> None:
    a = tenants["a"]
    login_client(client, a["staff"])
    response = client.get(f"/poste/{a['device_staff'].pk}/rapport.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages = pdf_text(response.content, tmp_path, "device")
    assert len(pages) >= 2
    first = pages[0]
    assert "Sécurité informatique du poste pc-a-staff" in first
    assert "48/100" in first and "Risque élevé" in first
    assert "Les cinq choses à faire" in first and "Branchez le disque" in first
    assert "Évolution du score" in first
    for number, page in enumerate(pages, 1):
        assert re.search(rf"\b{number} ?/ ?{len(pages)}$", page), page[-80:]  # numbered
    assert "Détail pour le prestataire informatique" in "".join(pages[1:])
    assert client.get(f"/poste/{a['device_shared'].pk}/rapport.pdf").status_code == 404


def test_practice_pdf(client: Client, tenants: dict[str, Any], tmp_path: Path) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    response = client.get(f"/cabinet/{a['practice'].pk}/rapport.pdf")
    pages = pdf_text(response.content, tmp_path, "practice")
    first = pages[0]
    assert "Sécurité informatique du cabinet Cabinet a1" in first
    assert "2 postes suivis" in first
    assert "Sauvegarde récente — 2 postes : pc-a-shared, pc-a-staff" in first
    rest = "".join(pages[1:])
    assert "pc-a-staff" in rest and "pc-a-shared" in rest and "pc-a-other" not in rest
    assert re.search(rf"\b1 ?/ ?{len(pages)}$", first)
    login_client(client, a["staff"])
    assert client.get(f"/cabinet/{a['practice'].pk}/rapport.pdf").status_code == 404


def test_monthly_report_by_the_sweep_mailed_when_asked(tenants: dict[str, Any],
                                                       smtp: SmtpServer,
                                                       tmp_path: Path) -> None:
    a = tenants["a"]
    Practice.objects.filter(pk=a["practice"].pk).update(monthly_report=True)
    done = sweep.run()
    month = records.previous_month()
    # Every practice with devices gets its report; only a1 asked for the e-mail.
    assert done.monthly_reports == 4
    assert MonthlyReport.objects.filter(month=month).count() == 4
    mails = [m for m in smtp.wait_for(5) if "rapport mensuel" in m.subject]
    assert [m.envelope_to for m in mails] == [["lead_a@example.invalid"]]
    assert mails[0].subject == f"[dentsec] Cabinet a1 : rapport mensuel de {month:%B %Y}" \
        or mails[0].subject.startswith("[dentsec] Cabinet a1 : rapport mensuel de ")
    attachment = next(mails[0].message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pages = pdf_text(attachment.get_content(), tmp_path, "monthly")
    assert "Rapport mensuel" in pages[0]
    assert sweep.run().monthly_reports == 0  # once a month
    assert not [m for m in smtp.wait_for(6, timeout=0.5) if "rapport mensuel" in m.subject][1:]


def test_monthly_report_command_and_download(client: Client, tenants: dict[str, Any],
                                             tmp_path: Path, smtp: SmtpServer) -> None:
    a = tenants["a"]
    out = tmp_path / "report.pdf"
    call_command("monthly_report", f"--practice={a['practice'].pk}", "--month=2026-10",
                 f"--output={out}", "--send")
    assert out.read_bytes().startswith(b"%PDF-")
    assert len(smtp.wait_for(1)) == 1
    report = MonthlyReport.objects.get(practice=a["practice"])
    assert report.month.isoformat() == "2026-10-01" and report.emailed_at is not None
    login_client(client, a["lead"])
    page = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    assert f"/cabinet/{a['practice'].pk}/rapport-mensuel/{report.pk}.pdf" in page
    got = client.get(f"/cabinet/{a['practice'].pk}/rapport-mensuel/{report.pk}.pdf")
    assert got.content == out.read_bytes()
    assert client.post(f"/cabinet/{a['practice'].pk}/rapport-mensuel/",
                       {"envoyer": "1"}).status_code == 302
    assert Practice.objects.get(pk=a["practice"].pk).monthly_report


def test_monthly_report_cli_errors_are_french(tenants: dict[str, Any]) -> None:
    from dentsec.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["server", "monthly-report", "--month", "novembre"])
    assert result.exit_code == 2
    assert "mois illisible" in result.output and "AAAA-MM" in result.output
    result = runner.invoke(main, ["server", "monthly-report", "--practice", "999999"])
    assert result.exit_code == 2 and "cabinet 999999 inconnu" in result.output


def test_old_monthly_reports_are_dropped(tenants: dict[str, Any]) -> None:
    old = MonthlyReport.objects.create(practice=tenants["a"]["practice"],
                                       month=(timezone.now() - timedelta(days=500)).date()
                                       .replace(day=1), pdf=b"%PDF-")
    monthly.run_due(limit=0)
    assert not MonthlyReport.objects.filter(pk=old.pk).exists()
