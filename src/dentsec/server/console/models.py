"""Tenancy (provider → practices → devices), reports, alerts and the audit log.

The server holds posture metadata only: what the report schema allows, never a file
content, never a password. Secrets (enrollment tokens, device credentials) are stored
as SHA-256 digests: they are 256-bit random values, so a slow hash adds nothing.
"""

from __future__ import annotations

import json
import zlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROLE_PROVIDER_ADMIN = "provider-admin"
ROLE_PRACTICE_LEAD = "practice-lead"
ROLE_STAFF = "staff"
ROLE_CHOICES = [
    (ROLE_PROVIDER_ADMIN, "provider-admin"),
    (ROLE_PRACTICE_LEAD, "practice-lead"),
    (ROLE_STAFF, "staff"),
]
# Roles that must pass a TOTP second factor before seeing anything.
ROLES_WITH_TOTP = frozenset({ROLE_PROVIDER_ADMIN, ROLE_PRACTICE_LEAD})


class Provider(models.Model):
    """An IT provider organisation (or a practice managing itself)."""

    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Practice(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="practices")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    monthly_report = models.BooleanField(default=False)
    """E-mail the monthly report (PDF) to the practice's leads (issue 13b)."""

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="members")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    totp_secret = models.CharField(max_length=64, blank=True, default="")
    totp_confirmed = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)
    """Last accepted TOTP time step: a code is never accepted twice."""

    @property
    def needs_totp(self) -> bool:
        """Asked at every sign-in: the roles that require it, and anyone who turned it on
        (a second factor that is set up but never asked would be a false promise)."""
        return self.role in ROLES_WITH_TOTP or self.totp_confirmed


class RecoveryCode(models.Model):
    """One of the ten single-use codes given at TOTP set-up, stored as a SHA-256 digest
    (80 random bits each: a slow hash adds nothing)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class AccountLink(models.Model):
    """A one-time link to choose a password: an invitation or a reset by a manager.

    Shown once to whoever made it (never e-mailed with a password), stored as a digest,
    expiring, and spent by its first use; a newer link for the same person voids it.
    """

    PURPOSE_INVITE = "invite"
    PURPOSE_RESET = "reset"
    PURPOSE_CHOICES = [(PURPOSE_INVITE, PURPOSE_INVITE), (PURPOSE_RESET, PURPOSE_RESET)]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    purpose = models.CharField(max_length=10, choices=PURPOSE_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class EnrollmentToken(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    """The first characters of the token, to tell tokens apart on screen."""
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    """Staff member whose device(s) this token enrolls, if any."""
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(default=1)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]


def revoke(obj: EnrollmentToken | Device) -> bool:
    """Revoke a token or a device now; False when it already was (nothing to record)."""
    if obj.revoked_at is not None:
        return False
    obj.revoked_at = timezone.now()
    obj.save(update_fields=["revoked_at"])
    return True


UNDO_REVOKE_WITHIN = timedelta(days=30)
CLOCK_FLAG_SECONDS = 86400
"""A device clock off by more than a day is flagged on its page."""


class Device(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="devices")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="devices")
    name = models.CharField(max_length=255)
    credential_hash = models.CharField(max_length=64, unique=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    """Its credential is refused and it leaves every count, fix list and alert; undone
    within UNDO_REVOKE_WITHIN, its history stays readable."""
    archived_at = models.DateTimeField(null=True, blank=True)
    """A revoked device put away: out of the device lists too (still readable)."""
    # Summary of the current report, kept here so lists and overviews need no joins.
    last_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    """Server time of the last upload (of any report, current or history)."""
    last_report_at = models.DateTimeField(null=True, blank=True)
    """``generated_at`` of the current report, as the device's clock wrote it."""
    last_observed_at = models.DateTimeField(null=True, blank=True)
    """``observed_at`` of the current report: a later one replaces it, an earlier one is
    history."""
    current_report = models.ForeignKey("Report", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    """The report the device's state is read from: the latest by ``observed_at``."""
    clock_offset = models.IntegerField(null=True, blank=True)
    """Seconds the device's clock was ahead of the server's at its last upload (None:
    unknown)."""
    os_family = models.CharField(max_length=10, blank=True, default="")
    os_name = models.CharField(max_length=255, blank=True, default="")
    os_version = models.CharField(max_length=100, blank=True, default="")
    os_eol = models.DateField(null=True, blank=True)
    score = models.IntegerField(null=True, blank=True)
    by_rule = models.JSONField(default=dict)
    critical_count = models.IntegerField(default=0)
    fail_count = models.IntegerField(default=0)
    failing = models.JSONField(default=list)
    """Ids of the checks failing in the latest report (to spot new problems)."""
    # -- history (issue 13b) --
    previous_failing = models.JSONField(null=True, blank=True, default=None)
    """Ids failing in the report before the latest one; None before a second report. The
    device page shows "new since the last report" from it without reading two bodies."""
    # -- agents and server-side evaluation (issue 19) --
    hostname = models.CharField(max_length=255, blank=True, default="")
    """The host name its reports and bundles name: a bundle of another host is refused."""
    agent_kind = models.CharField(max_length=12, blank=True, default="")
    """Who reports it: python (dentsec agent), powershell, shell; "" before a report."""
    agent_version = models.CharField(max_length=40, blank=True, default="")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    """When the server last evaluated one of its evidence bundles (None: never)."""
    evaluation_ms = models.IntegerField(null=True, blank=True)
    """How long that evaluation took, in milliseconds."""

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["practice", "score"])]

    def __str__(self) -> str:
        return self.name

    @property
    def clock_flagged(self) -> bool:
        return self.clock_offset is not None and abs(self.clock_offset) > CLOCK_FLAG_SECONDS

    @property
    def can_undo_revoke(self) -> bool:
        return (self.revoked_at is not None and self.archived_at is None
                and timezone.now() - self.revoked_at <= UNDO_REVOKE_WITHIN)


class Report(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="reports")
    digest = models.CharField(max_length=64)
    """SHA-256 of the canonical JSON: the same report uploaded twice is stored once."""
    generated_at = models.DateTimeField()
    """As written by the device's clock: shown, never trusted for ordering."""
    received_at = models.DateTimeField(default=timezone.now)
    observed_at = models.DateTimeField()
    """When the audit ran, in server time: ``generated_at`` corrected by the device's clock
    offset, never later than ``received_at``. Reports are ordered by it (see ingest)."""
    clock_offset = models.IntegerField(null=True, blank=True)
    """Seconds the device's clock was ahead of the server's when this report arrived;
    None when the upload did not say (no ``Date`` header): unknown, never "on time"."""
    lang = models.CharField(max_length=2)
    score = models.IntegerField(null=True)
    by_rule = models.JSONField(default=dict)
    critical_count = models.IntegerField(default=0)
    body = models.BinaryField(default=b"")
    """The report's JSON as uploaded, compressed: gzip as the agent sent it, or zlib when it
    came uncompressed (empty once trimmed, see retention). Nothing queries inside it, and it
    is a sixth of the size of the JSON."""

    class Meta:
        ordering = ["-observed_at"]
        constraints = [models.UniqueConstraint(fields=["device", "digest"],
                                               name="report_once_per_device")]
        indexes = [models.Index(fields=["device", "-observed_at"])]

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_data", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def data(self) -> dict[str, Any]:
        cached: dict[str, Any] | None = self.__dict__.get("_data")
        if cached is None:
            raw = bytes(self.body)
            # 32 + MAX_WBITS: a zlib or a gzip header, whichever was stored
            cached = json.loads(zlib.decompress(raw, wbits=32 + zlib.MAX_WBITS)) if raw else {}
            self.__dict__["_data"] = cached
        return cached

    @property
    def findings(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.data.get("findings", [])
        return found


class EvidenceBundle(models.Model):
    """An uploaded evidence bundle, kept for a while so that a corrected catalog can
    re-evaluate it (``manage.py reevaluate_evidence``); deleted after ``expires_at``."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="bundles")
    report = models.ForeignKey(Report, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    digest = models.CharField(max_length=64)
    """SHA-256 of the zip as received."""
    collector = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    body = models.BinaryField()

    class Meta:
        ordering = ["-received_at"]


class Alert(models.Model):
    KIND_SILENT = "silent"
    KIND_BACKUP = "backup-overdue"
    KIND_OS_EOL = "os-eol"
    KIND_CRITICAL = "critical-new"
    # -- procedures (issue 14) --
    KIND_DEPARTURE = "departure-active"
    KIND_FW_CHANGE = "fw-unplanned"
    KIND_FW_PLAN = "fw-plan-off"
    KIND_RISK_EXPIRED = "risk-expired"
    KIND_RENEWAL = "renewal-due"
    PROCEDURE_KINDS = (KIND_DEPARTURE, KIND_FW_CHANGE, KIND_FW_PLAN, KIND_RISK_EXPIRED,
                       KIND_RENEWAL)
    # -- end procedures --
    KIND_CHOICES = [(KIND_SILENT, KIND_SILENT), (KIND_BACKUP, KIND_BACKUP),
                    (KIND_OS_EOL, KIND_OS_EOL), (KIND_CRITICAL, KIND_CRITICAL),
                    *((k, k) for k in PROCEDURE_KINDS)]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="alerts")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    key = models.CharField(max_length=100, default="")
    """What makes this alert distinct (a check id, a date): never sent twice."""
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    """Set when a report shows the problem gone, or when a person closes the alert."""
    # -- handling by people (issue 13b) --
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    """Who last acknowledged, snoozed or closed it (None: the reports did)."""

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["device", "kind", "key"],
                                               name="alert_once")]


class AuditEvent(models.Model):
    """Who did what and when: logins, tokens, enrollments, people, devices."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, default="")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    action = models.CharField(max_length=50)
    target = models.CharField(max_length=255, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]


class FailedLogin(models.Model):
    """Recent failed sign-ins (password or second factor), for throttling."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    """Lower-cased: the account's lockout ignores letter case."""
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    net = models.CharField(max_length=50, blank=True, default="", db_index=True)
    """The client's address range (the address, or its /64 for IPv6): an account is
    locked only for the range its failures came from (see security.throttled)."""


# --- history and reports for the records (issue 13b) ---------------------------------------

class DailyScore(models.Model):
    """One row per device and day: the scores of the last report observed that day.

    Written at ingest by one upsert (history.record_day), so charts and trends read a few
    hundred narrow rows through the (practice, day) or (device, day) index instead of
    report bodies; it survives the trimming of old report bodies (retention)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="daily_scores")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    """The report's observed_at (server time, see ingest.observed_time), in the console's
    time zone."""
    observed_at = models.DateTimeField()
    score = models.SmallIntegerField(null=True)
    rule_1 = models.SmallIntegerField(null=True)
    rule_2 = models.SmallIntegerField(null=True)
    rule_3 = models.SmallIntegerField(null=True)
    rule_4 = models.SmallIntegerField(null=True)
    rule_5 = models.SmallIntegerField(null=True)
    rule_6 = models.SmallIntegerField(null=True)
    critical_count = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "day"],
                                               name="daily_score_once")]
        indexes = [models.Index(fields=["practice", "day"])]


class MonthlyReport(models.Model):
    """A practice's report of one month (PDF), generated once by the sweep or the command."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE,
                                 related_name="monthly_reports")
    month = models.DateField()
    """The first day of the month reported on."""
    created_at = models.DateTimeField(auto_now_add=True)
    pdf = models.BinaryField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["practice", "month"],
                                               name="monthly_report_once")]


# --- people first: questionnaire, incident reflexes (issue 15) ---

ANSWER_YES, ANSWER_NO, ANSWER_UNSURE, ANSWER_NA = "oui", "non", "ne-sait-pas", "sans-objet"
ANSWER_CHOICES = [(ANSWER_YES, _("oui")), (ANSWER_NO, _("non")),
                  (ANSWER_UNSURE, _("je ne sais pas")), (ANSWER_NA, _("sans objet"))]


class Answer(models.Model):
    """One answer to a question of dentsec/people/questions.toml, dated and signed; the
    latest per question counts, older ones stay as the practice's record."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="answers")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="answers")
    """Set for an answer about one workstation (questions marked per_device)."""
    question = models.CharField(max_length=40)
    value = models.CharField(max_length=12, choices=ANSWER_CHOICES)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_by_name = models.CharField(max_length=150)
    """Kept when the account is deleted: the signature of the record."""
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["practice", "question"])]


class ReflexContacts(models.Model):
    """The practice's own numbers printed on its incident reflex sheet."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE,
                                    related_name="reflex_contacts")
    decider = models.CharField(max_length=200, blank=True, default="")
    it_provider = models.CharField(max_length=200, blank=True, default="")
    insurer = models.CharField(max_length=200, blank=True, default="")
    software_vendor = models.CharField(max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)


class Incident(models.Model):
    """The incident log kept as proof: what happened, who was told, CNIL or not and why."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="incidents")
    happened_at = models.DateTimeField()
    what = models.TextField()
    who_told = models.TextField(blank=True, default="")
    cnil_notified = models.BooleanField()
    cnil_why = models.TextField()
    """Why it was notified, or why not (no personal data at risk…): the GDPR asks for it."""
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-pk"]


class Training(models.Model):
    """One person's course module: a console account's, or a guest's reached by a one-off
    session link (its token stored as a digest, like every secret here)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="trainings")
    module = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="trainings")
    person_name = models.CharField(max_length=150)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    score = models.SmallIntegerField(null=True, blank=True)
    """Percent of the last attempt."""
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["person_name", "module"]
        constraints = [models.UniqueConstraint(fields=["user", "module"],
                                               name="training_once_per_account")]
# --- procedures (issue 14): defined in their own module, registered by this import ---------
# and the fixes asked from the console (issue 16), in fix_request_models
from dentsec.server.console import fix_request_models, procedure_models  # noqa: E402,F401
