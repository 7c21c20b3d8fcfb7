"""The words for a fix run's status, shared by the CLI and the console (light: no imports)."""

from __future__ import annotations

RUN_WORDS: dict[str, tuple[str, str]] = {
    "applying": ("interrompu ou en cours", "interrupted or running"),
    "applied": ("appliqué", "applied"), "rolled-back": ("annulé car non réussi", "rolled back"),
    "failed": ("échec, rétabli", "failed, restored"), "undone": ("annulé", "undone"),
    "explained": ("expliqué", "explained"),
    # answers to a fix asked from the console (dentsec fix --requests)
    "refused": ("refusé au poste, rien modifié", "refused at the workstation, nothing changed"),
    "not-started": ("impossible ici, rien modifié", "not possible here, nothing changed")}
"""(French, English) for each status of a fix record."""
