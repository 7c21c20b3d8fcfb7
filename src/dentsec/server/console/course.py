"""The awareness course in the console: each person's status per module (assigned,
started, passed with score and date, to redo after 12 months), the shuffled quiz and its
grading, one-off session links for people without an account."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from dentsec.i18n import pick
from dentsec.people import Module, modules
from dentsec.server.console import credentials
from dentsec.server.console.checks import lang
from dentsec.server.console.models import Practice, Profile, Training

PASS_PERCENT = 75
"""Three right answers out of four."""
VALID_FOR = timedelta(days=365)
"""A module passed is taken again after 12 months."""
LINK_VALID_FOR = timedelta(days=14)

ASSIGNED, STARTED, PASSED, REDO = "assigned", "started", "passed", "redo"


def status(training: Training, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if training.passed_at is not None:
        return REDO if training.passed_at < now - VALID_FOR else PASSED
    return STARTED if training.started_at is not None else ASSIGNED


def module_or_none(module_id: str) -> Module | None:
    return modules().get(module_id)


def name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def training_of(profile: Profile, module: Module) -> Training | None:
    """The account's own record; created (assigned to oneself) when it opens a module."""
    if profile.practice_id is None:
        return None
    training, _ = Training.objects.get_or_create(
        user=profile.user, module=module.id,
        defaults={"practice_id": profile.practice_id, "person_name": name_of(profile.user)})
    return training


def assign_all(practice: Practice) -> int:
    """Every module to every account of the practice that has none yet."""
    made = 0
    for member in Profile.objects.filter(practice=practice).select_related("user"):
        for module in modules().values():
            _, created = Training.objects.get_or_create(
                user=member.user, module=module.id,
                defaults={"practice": practice, "person_name": name_of(member.user)})
            made += created
    return made


def new_session_link(practice: Practice, module: Module, person_name: str) -> str:
    """A one-off link for someone without an account; returns the token (shown once)."""
    token = credentials.new_link_token()
    Training.objects.create(practice=practice, module=module.id, person_name=person_name,
                            token_hash=credentials.digest(token),
                            link_expires_at=timezone.now() + LINK_VALID_FOR)
    return token


def by_link(token: str) -> Training | None:
    found = Training.objects.filter(token_hash=credentials.digest(token),
                                    link_expires_at__gt=timezone.now()).first()
    return found if found is not None and found.passed_at is None else None


@dataclass(frozen=True)
class Shown:
    """A quiz question as the page shows it: choices shuffled, keyed by their index in
    the data (0 = right)."""

    index: int
    question: str
    choices: list[tuple[int, str]]


def shuffled(module: Module, rng: random.Random | None = None) -> list[Shown]:
    rng = rng or random.Random()
    language = lang()
    items = [Shown(i, pick(item.question, language),
                   [(c, pick(choice, language)) for c, choice in enumerate(item.choices)])
             for i, item in enumerate(module.quiz)]
    rng.shuffle(items)
    for item in items:
        rng.shuffle(item.choices)
    return items


@dataclass(frozen=True)
class Graded:
    score: int
    passed: bool
    wrong: list[tuple[str, str, str]]
    """(question, right answer, explanation) of each question missed."""


def grade(module: Module, given: dict[str, str]) -> Graded:
    """Answers keyed "q<index>" with the chosen choice's index in the data."""
    language = lang()
    wrong = [(pick(item.question, language), pick(item.choices[0], language),
              pick(item.explain, language))
             for i, item in enumerate(module.quiz) if given.get(f"q{i}") != "0"]
    score = round(100 * (len(module.quiz) - len(wrong)) / len(module.quiz))
    return Graded(score, score >= PASS_PERCENT, wrong)


def record(training: Training, graded: Graded) -> None:
    now = timezone.now()
    training.attempts += 1
    training.score = graded.score
    training.started_at = training.started_at or now
    if graded.passed:
        training.passed_at = now
    elif training.passed_at is not None and training.passed_at < now - VALID_FOR:
        training.passed_at = None  # due again and failed: not up to date any more
    training.save()


def started(training: Training) -> None:
    if training.started_at is None:
        training.started_at = timezone.now()
        training.save(update_fields=["started_at"])


@dataclass(frozen=True)
class PersonRow:
    name: str
    profile: Profile | None
    cells: list[tuple[Module, Training | None, str | None]]
    """Per module: its record and status (None = not assigned)."""

    @property
    def up_to_date(self) -> bool:
        return all(state == PASSED for _m, _t, state in self.cells)


def practice_rows(practice: Practice, now: datetime | None = None) -> list[PersonRow]:
    """Who is up to date: every account of the practice, then the guests' links."""
    now = now or timezone.now()
    trainings: QuerySet[Training] = practice.trainings.all()
    by_user: dict[int, dict[str, Training]] = {}
    guests: list[Training] = []
    for t in trainings:
        if t.user_id is None:
            guests.append(t)
        else:
            by_user.setdefault(t.user_id, {})[t.module] = t
    rows: list[PersonRow] = []
    for member in (Profile.objects.filter(practice=practice).select_related("user")
                   .order_by("user__username")):
        own = by_user.get(member.user_id, {})
        rows.append(PersonRow(name_of(member.user), member, [
            (m, own.get(m.id), status(own[m.id], now) if m.id in own else None)
            for m in modules().values()]))
    for guest in guests:
        rows.append(PersonRow(guest.person_name, None, [
            (m, guest if m.id == guest.module else None,
             status(guest, now) if m.id == guest.module else None)
            for m in modules().values()]))
    return rows
