"""The questionnaire for what no probe sees: answers dated and signed, "non" and "je ne
sais pas" told to the practice as declared findings (page and PDF), 12-month expiry."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dentsec.people import questions
from dentsec.server.console import questionnaire
from dentsec.server.console.models import Answer

from .conftest import login_client
from .test_records import pdf_text

pytestmark = pytest.mark.django_db


def answer(client: Client, practice_id: int, **given: str) -> Any:
    return client.post(f"/cabinet/{practice_id}/questionnaire/",
                       {qid.replace("_", "-"): value for qid, value in given.items()},
                       follow=True)


def test_no_and_unsure_answers_are_declared_findings_of_the_practice(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    a["lead"].user.first_name, a["lead"].user.last_name = "Claire", "Martin"
    a["lead"].user.save()
    login_client(client, a["lead"])
    form = client.get(f"/cabinet/{a['practice'].pk}/questionnaire/").content.decode()
    assert form.count('type="radio"') == 4 * len(questions())
    assert "Le prestataire informatique" in form and "pas encore répondu" in form
    done = answer(client, a["practice"].pk, Q_SESSION_LOCK="non", Q_MSSANTE="ne-sait-pas",
                  Q_PAPER_PASSWORDS="oui", P_CONTRACT="sans-objet", Q_RETENTION="peut-être")
    assert "4 réponses enregistrées." in done.content.decode()
    page = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    declared = page[page.index('id="declared-findings"'):]
    assert declared.count("déclaratif") == 2
    assert "Réponse « non » de Claire Martin le" in declared
    assert "Rappelez le geste Windows + L" in declared  # the fix
    assert "Réponse « je ne sais pas » de Claire Martin" in declared
    assert "post-it" not in declared  # "oui" is no finding
    assert "19 questions sans réponse" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    assert "Declared findings" in english and "Answer “no” by Claire Martin" in english
    assert "Everyone locks their session" in english


def test_the_practice_pdf_lists_declared_findings_apart(
        client: Client, tenants: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")
    a = tenants["a"]
    login_client(client, a["lead"])
    answer(client, a["practice"].pk, Q_GDPR_REGISTER="non")
    pages = pdf_text(client.get(f"/cabinet/{a['practice'].pk}/rapport.pdf").content,
                     tmp_path, "practice-declared")
    text = " ".join(pages)
    assert "Constats déclaratifs" in text
    assert "[déclaratif] à corriger — Le cabinet tient son registre" in text
    assert "Remplissez le modèle de registre de la CNIL" in text


def test_answers_are_signed_kept_and_asked_again_after_12_months(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["admin"])
    answer(client, a["practice"].pk, P_REMOTE_ACCESS="oui")
    again = answer(client, a["practice"].pk, P_REMOTE_ACCESS="oui")
    assert "Aucune réponse modifiée." in again.content.decode()
    answer(client, a["practice"].pk, P_REMOTE_ACCESS="non")
    kept = Answer.objects.filter(practice=a["practice"], question="P-REMOTE-ACCESS")
    assert [x.value for x in kept] == ["non", "oui"]  # the record keeps both
    assert {x.answered_by_name for x in kept} == {"admin_a"}
    kept.update(answered_at=timezone.now() - timedelta(days=400))
    found = {f.question.id: f for f in questionnaire.findings(a["practice"])}
    assert found["P-REMOTE-ACCESS"].status == "unknown"
    assert "plus vieille que 12 mois : à renouveler" in found["P-REMOTE-ACCESS"].message
    form = client.get(f"/cabinet/{a['practice'].pk}/questionnaire/").content.decode()
    assert "à renouveler" in form
    # the same answer once expired is recorded again (a new signature)
    answer(client, a["practice"].pk, P_REMOTE_ACCESS="non")
    assert kept.count() == 3
    assert "P-REMOTE-ACCESS" in {f.question.id for f in questionnaire.findings(a["practice"])}


def test_staff_and_other_tenants_cannot_answer(client: Client,
                                               tenants: dict[str, Any]) -> None:
    a, b = tenants["a"], tenants["b"]
    login_client(client, a["staff"])
    assert client.get(f"/cabinet/{a['practice'].pk}/questionnaire/").status_code == 404
    login_client(client, a["lead"])
    response = client.post(f"/cabinet/{b['practice'].pk}/questionnaire/",
                           {"Q-SESSION-LOCK": "non"})
    assert response.status_code == 404
    assert not Answer.objects.filter(practice=b["practice"]).exists()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=12), max_size=6))
def test_any_posted_form_records_only_known_questions_and_answers(
        client: Client, tenants: dict[str, Any], form: dict[str, str]) -> None:
    """The questionnaire form is outside text: unknown keys and values are ignored."""
    a = tenants["a"]
    login_client(client, a["lead"])
    before = Answer.objects.count()
    response = client.post(f"/cabinet/{a['practice'].pk}/questionnaire/", form)
    assert response.status_code == 302
    expected = sum(1 for k, v in form.items() if k in questions() and v in
                   {"oui", "non", "ne-sait-pas", "sans-objet"})
    assert Answer.objects.count() - before <= expected
    assert set(Answer.objects.values_list("question", flat=True)) <= set(questions())


def test_a_workstation_has_its_own_answers_for_the_desk_habits(
        client: Client, tenants: dict[str, Any]) -> None:
    a, b = tenants["a"], tenants["b"]
    device = a["device_staff"]
    login_client(client, a["staff"])  # the owner answers for the desk
    url = f"/poste/{device.pk}/questionnaire/"
    form = client.get(url).content.decode()
    per_device = [q for q in questions().values() if q.per_device]
    assert form.count('type="radio"') == 4 * len(per_device)
    assert "Q-MSSANTE" not in form
    client.post(url, {"Q-SESSION-LOCK": "non", "Q-MSSANTE": "non"})
    saved = Answer.objects.get(device=device)
    assert saved.question == "Q-SESSION-LOCK" and saved.answered_by_name == "staff_a"
    page = client.get(f"/poste/{device.pk}/").content.decode()
    declared = page[page.index('id="device-declared-findings"'):]
    assert "Réponse « non » de staff_a" in declared and "déclaratif" in declared
    assert questionnaire.findings(a["practice"]) == []  # the practice's own are apart
    assert client.get(f"/poste/{a['device_shared'].pk}/questionnaire/").status_code == 404
    assert client.post(f"/poste/{b['device_staff'].pk}/questionnaire/",
                       {"Q-SESSION-LOCK": "non"}).status_code == 404
    assert not Answer.objects.filter(practice=b["practice"]).exists()
