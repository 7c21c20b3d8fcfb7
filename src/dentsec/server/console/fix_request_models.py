"""Fixes asked from the console, applied at the workstation after its person confirms
(issue 16): the request, its delivery to the agent and the answer that comes back with a
report. Imported by models.py, so Django sees it as one of the console's models."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dentsec.server.console.models import Device

REQUEST_LIFETIME = timedelta(days=14)
"""How long the workstation has to answer; after that the request is expired."""
PENDING, DELIVERED = "pending", "delivered"
APPLIED, REFUSED, FAILED = "applied", "refused", "failed"
EXPIRED, CANCELLED = "expired", "cancelled"
OPEN = (PENDING, DELIVERED)
"""Still waiting for the person at the workstation."""
STATUSES = (PENDING, DELIVERED, APPLIED, REFUSED, FAILED, EXPIRED, CANCELLED)
DETAIL_MAX = 1000
STATUS_WORDS = {
    PENDING: _("demandée, pas encore reçue par le poste"),
    DELIVERED: _("reçue par le poste, en attente de confirmation"),
    APPLIED: _("appliquée"), REFUSED: _("refusée au poste"), FAILED: _("échouée"),
    EXPIRED: _("expirée"), CANCELLED: _("annulée"),
}


class FixRequest(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="fix_requests")
    check_id = models.CharField(max_length=40)
    fix_name = models.CharField(max_length=60)
    """The catalog's fix (``linux-pwquality``…) chosen when the request was made."""
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_by_name = models.CharField(max_length=150)
    """Kept apart from the account: the workstation is told who asked even if the account
    is deleted later."""
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=12, default=PENDING,
                              choices=[(s, s) for s in STATUSES])
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    """When it was answered, cancelled or expired."""
    detail = models.CharField(max_length=DETAIL_MAX, blank=True, default="")
    """What the workstation said (the fix run's message), in the report's language."""
    verdict = models.CharField(max_length=8, blank=True, default="")
    """The check's verdict after the run, as the workstation's audit said."""
    history_id = models.CharField(max_length=80, blank=True, default="")
    """The id of the fix run (``dentsec fix --history``) that answered it."""

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["device", "status"])]

    @property
    def status_word(self) -> str:
        return str(STATUS_WORDS.get(self.status, self.status))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN
