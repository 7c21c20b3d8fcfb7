"""People first in a real browser (Chromium): a staff member fails then passes a module,
the manager sees the status and downloads the attestation, the questionnaire's "non"
becomes a declared finding on the practice page and in its PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pyotp
import pytest

from dentsec.people import modules

from .test_browser import CHROMIUM, PASSWORD, page, shot, sign_in  # noqa: F401 (page: fixture)
from .test_browser_history import _fits
from .test_records import pdf_text

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]

MODULE = "M-ACCOUNTS"


def _seed() -> dict[str, Any]:
    from dentsec.server.console import accounts
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, ROLE_STAFF, Practice

    admin = accounts.create_admin("Infogérance du Rhône", "admin", PASSWORD)
    practice = Practice.objects.create(provider=admin.provider, name="Cabinet du Parc")
    lead = accounts.create_member(practice, "docteur", PASSWORD, ROLE_PRACTICE_LEAD)
    lead.totp_secret = pyotp.random_base32()
    lead.totp_confirmed = True
    lead.save()
    staff = accounts.create_member(practice, "assistante", PASSWORD, ROLE_STAFF)
    staff.user.first_name, staff.user.last_name = "Léa", "Garnier"
    staff.user.save()
    return {"practice": practice, "lead": lead, "staff": staff}


def _download(tab: Any, selector: str, tmp_path: Path, name: str) -> list[str]:
    with tab.expect_download() as info:
        tab.click(selector)
    data = Path(info.value.path()).read_bytes()
    pages = pdf_text(data, tmp_path, name)
    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1",
                    str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    assert any(tmp_path.glob(f"{name}*.png"))  # it renders
    return pages


def test_staff_passes_a_module_and_the_manager_sees_it(page: Any, live_server: Any,  # noqa: F811
                                                        tmp_path: Path) -> None:
    world = _seed()
    base = live_server.url
    quiz = modules()[MODULE].quiz
    sign_in(page, base, "assistante")
    page.set_viewport_size({"width": 390, "height": 900})
    page.click("nav >> text=Formation")
    page.click("#my-modules >> text=Chacun son compte, session verrouillée")
    assert "Windows + L" in page.inner_text("#habit")
    _fits(page, 390)
    for i in range(len(quiz)):
        page.check(f'input[name="q{i}"][value="1"]')  # every answer wrong
    page.click("#submit-quiz")
    assert page.locator("#failed").is_visible()
    explained = page.locator("#explanations li")
    assert explained.count() == len(quiz)
    assert quiz[0].explain["fr"] in page.inner_text("#explanations")
    shot(page, "h15-01-quiz-failed-390")
    for i in range(len(quiz)):
        page.check(f'input[name="q{i}"][value="0"]')
    page.click("#submit-quiz")
    assert "Module réussi : 100 %" in page.inner_text("#passed")
    shot(page, "h15-02-quiz-passed-390")
    page.click("#logout")

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "docteur", world["lead"].totp_secret)
    page.click("nav >> text=Formation")
    row = page.locator("#course-status tr", has_text="Léa Garnier")
    assert "réussi (100 %)" in row.inner_text()
    shot(page, "h15-03-manager-status")
    pages = _download(page, "#course-status tr:has-text('Léa Garnier') >> text=PDF",
                      tmp_path, "attestation")
    assert "Attestation de formation" in pages[0] and "Léa Garnier" in pages[0]
    assert "Chacun son compte, session verrouillée" in pages[0]


def test_questionnaire_no_is_a_declared_finding_on_the_page_and_pdf(
        page: Any, live_server: Any, tmp_path: Path) -> None:  # noqa: F811
    world = _seed()
    base = live_server.url
    sign_in(page, base, "docteur", world["lead"].totp_secret)
    page.click("nav >> text=Questionnaire")
    page.check('#Q-SESSION-LOCK input[value="non"]')
    page.check('#Q-MSSANTE input[value="ne-sait-pas"]')
    page.check('#Q-PAPER-PASSWORDS input[value="oui"]')
    page.click("#save-answers")
    assert "3 réponses enregistrées." in page.inner_text("main")
    page.click("nav >> text=Mon cabinet")
    declared = page.inner_text("#declared-findings")
    assert "déclaratif" in declared and "verrouille sa session" in declared
    assert "Réponse « non » de docteur" in declared
    assert "post-it" not in declared
    shot(page, "h15-04-practice-declared")
    text = " ".join(_download(page, "#practice-pdf", tmp_path, "practice"))
    assert "Constats déclaratifs" in text
    assert "[déclaratif] à corriger — Chacun verrouille sa session" in text


def test_questionnaire_and_incidents_in_english_on_a_phone(page: Any, live_server: Any  # noqa: F811
                                                          ) -> None:
    world = _seed()
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, base, "docteur", world["lead"].totp_secret)
    page.click("button[value=en]")
    page.click("nav >> text=Questionnaire")
    assert "Everyone locks their session" in page.inner_text("#Q-SESSION-LOCK legend")
    assert "The IT provider" in page.inner_text("main")
    _fits(page, 390)
    shot(page, "h15-05-questionnaire-en-390")
    page.click("nav >> text=Incidents")
    assert "Print the reflex sheet (PDF)" in page.inner_text("main")
    _fits(page, 390)
    shot(page, "h15-06-incidents-en-390")
