"""The questionnaire for what no probe sees: the practice's current answers, and the
declared findings they become ("non" fails, "je ne sais pas" and an answer older than
12 months are unknown; never mixed up with a probed fact: every one is `declared`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dentsec.checks.catalog import RULE_NAMES
from dentsec.i18n import pick
from dentsec.people import Question, questions
from dentsec.server.console.checks import lang
from dentsec.server.console.models import (
    ANSWER_NO,
    ANSWER_UNSURE,
    Answer,
    Device,
    Practice,
    Profile,
)
from dentsec.vocab import Status

VALID_FOR = timedelta(days=365)
"""An answer is asked again after 12 months: habits and contracts change."""


@dataclass(frozen=True)
class Row:
    question: Question
    answer: Answer | None
    expired: bool

    @property
    def text(self) -> str:
        return pick(self.question.text, lang())

    @property
    def rule_name(self) -> str:
        return pick(RULE_NAMES[self.question.rule], lang())


@dataclass(frozen=True)
class DeclaredFinding:
    question: Question
    status: Status
    message: str
    """Why, in a sentence, naming who answered and when."""
    answer: Answer

    @property
    def text(self) -> str:
        return pick(self.question.text, lang())

    @property
    def fix(self) -> str:
        return pick(self.question.fix, lang())


def current(practice: Practice, device: Device | None = None) -> dict[str, Answer]:
    """The latest answer to each question, for the practice or one of its workstations
    (older ones are the record)."""
    latest: dict[str, Answer] = {}
    for answer in practice.answers.filter(device=device).order_by("-answered_at", "-pk"):
        latest.setdefault(answer.question, answer)
    return latest


def rows(practice: Practice, now: datetime | None = None,
         device: Device | None = None) -> list[Row]:
    """Every question of the practice, or the per-device ones of a workstation."""
    now = now or timezone.now()
    answers = current(practice, device)
    return [Row(q, answers.get(q.id), q.id in answers
                and answers[q.id].answered_at < now - VALID_FOR)
            for q in questions().values() if device is None or q.per_device]


def save(practice: Practice, profile: Profile, given: dict[str, str],
         device: Device | None = None) -> int:
    """Record the answers that changed (or were due again); returns how many. Any manager
    of the practice answers: its lead, or its provider (who fills in the provider part,
    the contract and what it runs)."""
    now = timezone.now()
    known = {row.question.id: row for row in rows(practice, now, device)}
    name = profile.user.get_full_name() or profile.user.get_username()
    saved = 0
    with transaction.atomic():
        for qid, value in given.items():
            row = known.get(qid)
            if row is None:
                continue
            if row.answer is not None and row.answer.value == value and not row.expired:
                continue
            Answer.objects.create(practice=practice, device=device, question=qid, value=value,
                                  answered_by=profile.user, answered_by_name=name,
                                  answered_at=now)
            saved += 1
    return saved


def findings(practice: Practice, now: datetime | None = None,
             device: Device | None = None) -> list[DeclaredFinding]:
    """What the answers tell the practice (or about one workstation), worst first."""
    out: list[DeclaredFinding] = []
    for row in rows(practice, now, device):
        answer = row.answer
        if answer is None:
            continue
        when = {"who": answer.answered_by_name,
                "date": date_format(timezone.localtime(answer.answered_at),
                                    "SHORT_DATE_FORMAT")}
        if row.expired:
            out.append(DeclaredFinding(row.question, Status.UNKNOWN, _(
                "Réponse de %(who)s du %(date)s, plus vieille que 12 mois : à renouveler.")
                % when, answer))
        elif answer.value == ANSWER_NO:
            out.append(DeclaredFinding(row.question, Status.FAIL, _(
                "Réponse « non » de %(who)s le %(date)s.") % when, answer))
        elif answer.value == ANSWER_UNSURE:
            out.append(DeclaredFinding(row.question, Status.UNKNOWN, _(
                "Réponse « je ne sais pas » de %(who)s le %(date)s : à vérifier.") % when,
                answer))
    out.sort(key=lambda f: (f.status != Status.FAIL, f.question.rule or 9, f.question.id))
    return out


def unanswered(practice: Practice, now: datetime | None = None,
               device: Device | None = None) -> int:
    return sum(1 for row in rows(practice, now, device) if row.answer is None)
