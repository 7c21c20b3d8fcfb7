"""Procedures that keep the rules applied (issue 14): the practice's people and their
accounts, arrivals, departures, renewal reminders, planned firewall changes, accepted
risks. Imported by models.py, so Django sees them as the console's models.

People here are the practice's staff (a dentist, an assistant), not console users: most
of them never sign in to the console.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dentsec.server.console.models import Device, EnrollmentToken, Practice

PERSON_ROLES = ["practitioner", "manager", "assistant", "other"]
RENEWAL_SCOPES = ["all", "admins"]
DEFAULT_RENEWAL_DAYS = 180
"""The guide's "tous les 6 mois"."""


class ProcedurePolicy(models.Model):
    """A practice's settings for its procedures (defaults when it has none)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE,
                                    related_name="procedure_policy")
    renewal_days = models.PositiveIntegerField(default=DEFAULT_RENEWAL_DAYS)
    renewal_scope = models.CharField(max_length=10, default="all",
                                     choices=[(s, s) for s in RENEWAL_SCOPES])
    """"admins": only administrators' passwords (the CNIL's 2022 advice)."""


class Person(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=[(r, r) for r in PERSON_ROLES])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    """Their console account, when they have one (chosen by a manager): their departure
    then lists the enrollment tokens they made or own."""

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonAccount(models.Model):
    """A device account confirmed by a manager as this person's."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accounts")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    account = models.CharField(max_length=255)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "account"],
                                               name="device_account_once")]


class Application(models.Model):
    """An application account a person uses (practice software, imaging, webmail…)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(max_length=200)
    password_set_on = models.DateField(null=True, blank=True)
    """Entered by the manager: the agents cannot see application passwords."""
    revoked_at = models.DateTimeField(null=True, blank=True)


class ArrivalItem(models.Model):
    """An arrival checklist item ticked by hand (those the reports show are not stored)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="arrival_items")
    item = models.CharField(max_length=40)
    done_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "item"],
                                               name="arrival_item_once")]


class Departure(models.Model):
    """A person's leaving, kept as proof: what had to be revoked and how it was verified."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="departure")
    leaving_date = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class RevocationItem(models.Model):
    KIND_DEVICE = "device-account"
    KIND_APPLICATION = "application"
    KIND_SHARED = "shared-password"
    KIND_TOKEN = "enrollment-token"
    KINDS = [KIND_DEVICE, KIND_APPLICATION, KIND_SHARED, KIND_TOKEN]

    departure = models.ForeignKey(Departure, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=[(k, k) for k in KINDS])
    label = models.CharField(max_length=255)
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    account = models.CharField(max_length=255, blank=True, default="")
    token = models.ForeignKey(EnrollmentToken, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    """For an enrollment token: done once it is revoked or expired."""
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    """None with done_at set: verified from a report."""
    how = models.CharField(max_length=255, blank=True, default="")
    """How it was verified: "removed" / "disabled" in the report of a date, or by hand."""

    class Meta:
        ordering = ["kind", "label"]


class AcceptedRisk(models.Model):
    """An exception: a check accepted as failing on a device (or the whole practice) until
    a date, for a reason, approved by someone other than who asked."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE,
                                 related_name="accepted_risks")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    """None: every device of the practice."""
    check_id = models.CharField(max_length=60)
    reason = models.TextField(max_length=2000)
    owner = models.CharField(max_length=200)
    """Who carries the risk (a person's name)."""
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    """When it stopped applying (expired, or withdrawn)."""

    class Meta:
        ordering = ["expires_on"]


class PlannedChange(models.Model):
    """A firewall change asked for and approved: a port opened (or closed) on a device for
    a while. It justifies the port on that device while it runs."""

    ACTION_OPEN = "open"
    ACTION_CLOSE = "close"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE,
                                 related_name="planned_changes")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    proto = models.CharField(max_length=3, choices=[("tcp", "tcp"), ("udp", "udp")])
    port = models.PositiveIntegerField()
    action = models.CharField(max_length=5, choices=[(ACTION_OPEN, ACTION_OPEN),
                                                     (ACTION_CLOSE, ACTION_CLOSE)])
    requested_by = models.CharField(max_length=200)
    reason = models.TextField(max_length=2000)
    starts_on = models.DateField()
    ends_on = models.DateField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    """First report showing the change done."""

    class Meta:
        ordering = ["-starts_on"]


class FirewallBaseline(models.Model):
    """What the device's last report showed: exposed listening ports and firewall state."""

    device = models.OneToOneField(Device, on_delete=models.CASCADE, related_name="+")
    ports = models.JSONField(default=list)
    """["tcp/22", …]: exposed (not loopback) listeners."""
    firewall = models.JSONField(default=dict)
    """{"installed": bool|None, "profiles": {name: enabled}}."""
    updated_at = models.DateTimeField(auto_now=True)
