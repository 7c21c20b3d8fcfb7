"""Assessing a cloud backup provider: the questions the guide raises for health data
(HDS certification, storage in the EEA, availability, reversibility, exposure to non-EU
law), kept dated in status.json so the audit can show them."""

from __future__ import annotations

from dataclasses import dataclass

from dentsec.backup import clock
from dentsec.backup.status import Provider, load_status, save_status
from dentsec.errors import DentsecError


@dataclass(frozen=True)
class Question:
    key: str
    fr: str
    en: str
    choices: tuple[str, ...]
    good: str


QUESTIONS = (
    Question("hds", "L'hébergeur est-il certifié HDS (hébergement de données de santé) ?",
             "Is the host certified HDS (French health data hosting)?",
             ("oui", "non", "inconnu"), "oui"),
    Question("location", "Où les données sont-elles stockées ? (eee = Espace économique "
             "européen)", "Where is the data stored? (eee = European Economic Area)",
             ("eee", "hors-eee", "inconnu"), "eee"),
    Question("availability", "Le contrat fixe-t-il un engagement de disponibilité ?",
             "Does the contract set an availability commitment?",
             ("oui", "non", "inconnu"), "oui"),
    Question("reversibility", "Le contrat prévoit-il une clause de réversibilité (récupérer "
             "toutes vos données en fin de contrat) ?",
             "Does the contract have a reversibility clause (get all your data back when it "
             "ends)?", ("oui", "non", "inconnu"), "oui"),
    Question("non_eu_law", "Le prestataire est-il soumis à une loi non européenne "
             "(ex. Cloud Act américain) ?",
             "Is the provider subject to a non-EU law (e.g. the US Cloud Act)?",
             ("oui", "non", "inconnu"), "non"),
)


def verdict(answers: dict[str, str]) -> str:
    """``suitable``, ``unsuitable`` (a known bad answer) or ``incomplete`` (unknowns)."""
    values = {q.key: answers.get(q.key, "inconnu") for q in QUESTIONS}
    if any(values[q.key] not in ("inconnu", q.good) for q in QUESTIONS):
        return "unsuitable"
    if any(values[q.key] == "inconnu" for q in QUESTIONS):
        return "incomplete"
    return "suitable"


def record_assessment(name: str, answers: dict[str, str]) -> Provider:
    name = name.strip()
    if not name:
        raise DentsecError("Donnez le nom du prestataire.", "Give the provider's name.")
    for q in QUESTIONS:
        if answers.get(q.key) not in q.choices:
            raise DentsecError(f"Réponse manquante ou invalide pour « {q.key} ».",
                               f"Missing or invalid answer for \"{q.key}\".")
    entry = Provider(name, clock.now(), {q.key: answers[q.key] for q in QUESTIONS},
                     verdict(answers))
    status = load_status()
    status.providers = [*(p for p in status.providers if p.name != name), entry]
    save_status(status)
    return entry
