"""The monthly practice report: generated once per practice and month (by the hourly sweep
or `dentsec server monthly-report`), kept for download, e-mailed to the practice's leads
when the practice asked for it (Practice.monthly_report)."""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes
from dentsec.i18n import tr
from dentsec.server.console import names, records
from dentsec.server.console.digest import link
from dentsec.server.console.models import ROLE_PRACTICE_LEAD, MonthlyReport, Practice, Profile

log = logging.getLogger(__name__)
# A WeasyPrint run takes about a second: the sweep spreads a large provider's month-start
# over its hourly runs instead of holding one for a quarter of an hour.
PER_SWEEP = 60
KEEP = timedelta(days=400)


def generate(practice: Practice, month: date) -> MonthlyReport:
    """The practice's report for the month starting on ``month`` (made once)."""
    found = MonthlyReport.objects.filter(practice=practice, month=month).first()
    if found is not None:
        return found
    with translation.override(settings.LANGUAGE_CODE):
        pdf = records.practice_pdf(practice, practice.devices.all(), records.month_of(month))
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(practice=practice, month=month, pdf=pdf)
    except IntegrityError:  # made meanwhile by another worker
        return MonthlyReport.objects.get(practice=practice, month=month)


def leads(practice: Practice) -> list[str]:
    return sorted(set(Profile.objects.filter(
        practice=practice, role=ROLE_PRACTICE_LEAD, user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)))


def send(report: MonthlyReport) -> bool:
    """E-mail the report to each lead on their own; True when every one was sent."""
    practice = report.practice
    with translation.override(settings.LANGUAGE_CODE):
        month = date_format(report.month, "YEAR_MONTH_FORMAT")
        subject = names.header_safe(_("[dentsec] %(practice)s : rapport mensuel de %(month)s") % {
            "practice": practice.name, "month": month})
        body = _("Bonjour,\n\nVoici le rapport de sécurité informatique du cabinet "
                 "%(practice)s pour %(month)s (PDF joint), à conserver.\n\nLe détail, "
                 "à jour : %(url)s\n") % {
            "practice": names.header_safe(practice.name), "month": month,
            "url": link(f"/cabinet/{practice.pk}/")}
    addresses = leads(practice)
    ok = bool(addresses)  # nobody to send it to yet: kept pending
    for address in addresses:
        message = EmailMessage(subject, body, to=[address])
        message.attach(f"dentsec-{report.month:%Y-%m}.pdf", bytes(report.pdf),
                       "application/pdf")
        try:
            message.send()
        except (OSError, smtplib.SMTPException):
            log.warning("monthly report to %s not sent; retried next sweep", address,
                        exc_info=True)
            ok = False
    if ok:
        MonthlyReport.objects.filter(pk=report.pk).update(emailed_at=timezone.now())
    return ok


def run_due(now: datetime | None = None, limit: int = PER_SWEEP) -> list[MonthlyReport]:
    """Last month's reports not made yet (at most ``limit``), and the mails not sent."""
    now = now or timezone.now()
    month = records.previous_month(now)
    made = []
    todo = (Practice.objects.filter(devices__isnull=False).distinct()
            .exclude(monthly_reports__month=month).order_by("pk")[:limit])
    for practice in todo:
        made.append(generate(practice, month))
    unsent = MonthlyReport.objects.filter(month=month, emailed_at=None,
                                          practice__monthly_report=True)
    for report in unsent.select_related("practice"):
        send(report)
    MonthlyReport.objects.filter(month__lt=(now - KEEP).date()).delete()
    return made


def parse_month(text: str | None, now: datetime | None = None) -> date:
    if not text:
        return records.previous_month(now)
    try:
        return datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise DentsecError(f"mois illisible : {text!r} (attendu AAAA-MM, par ex. 2026-11)",
                           f"unreadable month: {text!r} (expected YYYY-MM, e.g. 2026-11)"
                           ) from None


def make(practice_id: int | None, month_text: str | None, output: str | None,
         send_it: bool) -> list[str]:
    """What `dentsec server monthly-report` and `manage.py monthly_report` do; one line per
    practice, in the current language."""
    month = parse_month(month_text)
    practices = Practice.objects.order_by("pk")
    if practice_id is not None:
        practices = practices.filter(pk=practice_id)
        if not practices.exists():
            raise DentsecError(f"cabinet {practice_id} inconnu",
                               f"unknown practice {practice_id}")
    elif output is not None:
        raise DentsecError("--output demande --practice (un fichier par cabinet)",
                           "--output needs --practice (one file per practice)")
    lines = []
    for practice in practices:
        report = generate(practice, month)
        if output is not None:
            atomic_write_bytes(Path(output), bytes(report.pdf))
        sent = send_it and send(report)
        lines.append(tr(f"{practice.name} : rapport de {month:%m/%Y} prêt"
                        + (" et envoyé" if sent else ""),
                        f"{practice.name}: report for {month:%Y-%m} ready"
                        + (" and sent" if sent else "")))
    return lines
