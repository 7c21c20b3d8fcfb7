"""Honest device state (reports ordered by server time, clock offsets), revocation undo and
archive, one-time account links, TOTP recovery codes, lockout per address range."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Least


def _fill_observed(apps: object, schema_editor: object) -> None:
    # Reports stored before: their device clock is all we know, bounded by the arrival.
    Report = apps.get_model("console", "Report")  # type: ignore[attr-defined]
    Device = apps.get_model("console", "Device")  # type: ignore[attr-defined]
    Report.objects.update(observed_at=Least(F("generated_at"), F("received_at")))
    for device in Device.objects.exclude(last_report_at=None).iterator():
        current = (Report.objects.filter(device=device).order_by("-observed_at", "-pk")
                   .values_list("pk", "observed_at").first())
        if current is not None:
            Device.objects.filter(pk=device.pk).update(current_report_id=current[0],
                                                       last_observed_at=current[1])


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('invite', 'invite'), ('reset', 'reset')], max_length=10)),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(max_length=64)),
                ('used_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AlterModelOptions(
            name='report',
            options={'ordering': ['-observed_at']},
        ),
        migrations.RemoveIndex(
            model_name='report',
            name='console_rep_device__13b462_idx',
        ),
        migrations.AddField(
            model_name='device',
            name='archived_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='device',
            name='clock_offset',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='device',
            name='current_report',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='console.report'),
        ),
        migrations.AddField(
            model_name='device',
            name='last_observed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='failedlogin',
            name='net',
            field=models.CharField(blank=True, db_index=True, default='', max_length=50),
        ),
        migrations.AddField(
            model_name='report',
            name='clock_offset',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='report',
            name='observed_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AlterField(
            model_name='report',
            name='received_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(_fill_observed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='report',
            name='observed_at',
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['device', '-observed_at'], name='console_rep_device__23ad17_idx'),
        ),
        migrations.AddField(
            model_name='accountlink',
            name='created_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='accountlink',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='recoverycode',
            name='profile',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recovery_codes', to='console.profile'),
        ),
    ]
