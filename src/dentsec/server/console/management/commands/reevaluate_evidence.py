"""`manage.py reevaluate_evidence`: run the kept evidence bundles through the current
catalog (after an update that adds a check or corrects a verdict)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dentsec.i18n import tr
from dentsec.server.console import evidence


class Command(BaseCommand):
    help = ("Réévalue les paquets de preuves conservés avec le catalogue actuel / "
            "re-evaluate the kept evidence bundles against the current catalog.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = evidence.reevaluate()
        evidence.pool().close()
        self.stdout.write(tr(
            f"{done.bundles} paquet(s) réévalué(s), {done.changed} rapport(s) modifié(s), "
            f"{done.refused} refusé(s).",
            f"{done.bundles} bundle(s) re-evaluated, {done.changed} report(s) changed, "
            f"{done.refused} refused."))
