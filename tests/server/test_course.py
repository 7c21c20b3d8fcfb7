"""The awareness course in the console: staff take a module, a failed quiz explains, the
manager sees who is up to date, attestations and the practice summary print, a one-off
link works without an account, and a module passed is due again after 12 months."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.people import modules
from dentsec.server.console import course
from dentsec.server.console.models import Training

from .conftest import login_client
from .test_records import pdf_text

pytestmark = pytest.mark.django_db

MODULE = "M-PASSWORDS"


def right(module_id: str = MODULE) -> dict[str, str]:
    return {f"q{i}": "0" for i in range(len(modules()[module_id].quiz))}


def test_staff_passes_a_module_and_the_manager_sees_it(client: Client,
                                                        tenants: dict[str, Any],
                                                        tmp_path: Path) -> None:
    a = tenants["a"]
    login_client(client, a["staff"])
    home = client.get("/formation/").content.decode()
    assert "Des mots de passe que personne ne devine" in home and "pas encore ouvert" in home
    page = client.get(f"/formation/{MODULE}/").content.decode()
    assert "Cabinet2024!" in page and 'name="q3"' in page
    assert Training.objects.get(user=a["staff"].user, module=MODULE).started_at
    done = client.post(f"/formation/{MODULE}/", right()).content.decode()
    assert "Module réussi : 100 % de bonnes réponses." in done
    assert 'id="explanations"' not in done
    assert client.get(f"/cabinet/{a['practice'].pk}/formation/").status_code == 404
    login_client(client, a["lead"])
    status = client.get(f"/cabinet/{a['practice'].pk}/formation/").content.decode()
    row = status[status.index("staff_a"):]
    assert "réussi (100 %) le" in row[:2000]
    if shutil.which("pdftotext") is None:
        return
    pdf = client.get(f"/cabinet/{a['practice'].pk}/formation/{a['staff'].pk}/attestation.pdf")
    text = " ".join(pdf_text(pdf.content, tmp_path, "attestation"))
    assert "Attestation de formation" in text and "staff_a" in text
    assert "Des mots de passe que personne ne devine" in text and "100 %" in text
    assert "1 module réussi sur 8." in text
    summary = client.get(f"/cabinet/{a['practice'].pk}/formation/synthese.pdf")
    table = " ".join(pdf_text(summary.content, tmp_path, "course-summary"))
    assert "Formation du cabinet Cabinet a1" in table
    assert "techniques" in table  # the last module's column fits the (landscape) page


def test_a_failed_quiz_explains_what_was_missed(client: Client,
                                                tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["staff"])
    given = right() | {"q0": "1", "q2": "2"}
    page = client.post(f"/formation/{MODULE}/", given).content.decode()
    assert "50 % de bonnes réponses : il en faut 75 %." in page
    explained = page[page.index('id="explanations"'):]
    quiz = modules()[MODULE].quiz
    assert quiz[0].explain["fr"].split(":")[0] in explained
    assert quiz[1].explain["fr"].split(":")[0] not in explained
    assert 'id="quiz"' in page  # try again
    training = Training.objects.get(user=a["staff"].user, module=MODULE)
    assert training.passed_at is None and training.score == 50 and training.attempts == 1
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.post(f"/formation/{MODULE}/", given).content.decode()
    assert "What the answer was" in english and quiz[0].explain["en"][:30] in english


def test_the_quiz_is_shuffled_and_graded_whatever_the_order() -> None:
    module = modules()[MODULE]
    orders = {tuple((s.index, tuple(c for c, _t in s.choices))
                    for s in course.shuffled(module, random.Random(seed)))
              for seed in range(6)}
    assert len(orders) > 1
    assert course.grade(module, right()).passed
    assert course.grade(module, right() | {"q1": "1"}).score == 75
    assert not course.grade(module, {}).passed


def test_a_one_off_link_needs_no_account_and_closes_once_passed(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    made = client.post(f"/cabinet/{a['practice'].pk}/formation/lien/",
                       {"name": "Julie Remplaçante", "module": "M-PHISHING"}).content.decode()
    url = made.split('id="session-url" value="')[1].split('"')[0]
    path = url.split("testserver", 1)[1]
    guest = Client()
    page = guest.get(path).content.decode()
    assert "support Microsoft" in page
    assert "Module réussi" in guest.post(path, right("M-PHISHING")).content.decode()
    assert guest.get(path).status_code == 404
    status = client.get(f"/cabinet/{a['practice'].pk}/formation/").content.decode()
    assert "Julie Remplaçante" in status and "session sans compte" in status
    assert client.post(f"/cabinet/{a['practice'].pk}/formation/lien/",
                       {"name": "", "module": "M-PHISHING"}, follow=True
                       ).content.decode().count("donnez le nom") == 1
    expired = course.new_session_link(a["practice"], modules()["M-THEFT"], "Paul")
    Training.objects.filter(person_name="Paul").update(
        link_expires_at=timezone.now() - timedelta(minutes=1))
    assert guest.get(f"/formation/session/{expired}/").status_code == 404


def test_assigned_then_due_again_after_12_months(client: Client,
                                                 tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    client.post(f"/cabinet/{a['practice'].pk}/formation/attribuer/")
    assert Training.objects.filter(practice=a["practice"]).count() == 2 * len(modules())
    login_client(client, a["staff"])
    assert "à suivre" in client.get("/formation/").content.decode()
    client.post(f"/formation/{MODULE}/", right())
    Training.objects.filter(user=a["staff"].user, module=MODULE).update(
        passed_at=timezone.now() - timedelta(days=400))
    assert "à refaire (plus de 12 mois)" in client.get("/formation/").content.decode()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), st.text(max_size=4), max_size=8),
       st.sampled_from(sorted(modules())))
def test_any_posted_quiz_is_graded_without_error(given_answers: dict[str, str],
                                                 module_id: str) -> None:
    """The quiz form is outside text: any keys and values grade, never raise."""
    module = modules()[module_id]
    graded = course.grade(module, given_answers)
    assert 0 <= graded.score <= 100
    right_ones = sum(given_answers.get(f"q{i}") == "0" for i in range(len(module.quiz)))
    assert len(graded.wrong) == len(module.quiz) - right_ones
    assert graded.passed == (graded.score >= course.PASS_PERCENT)
