"""Scan plans, stored scans and their alerts. Like reports, a scan holds what the network
exposes (addresses, ports, services), never a file or a password."""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.db import models

from dentsec.server.console.models import Device, Practice


class ScanPlan(models.Model):
    """What the practice scans, and the one workstation whose agent runs it."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE,
                                    related_name="scan_plan")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    targets = models.JSONField(default=list)
    """As typed: addresses, networks (≤ /22), names (resolved and judged by the agent)."""
    ports = models.CharField(max_length=200, default="top")
    allow_public = models.BooleanField(default=False)
    """The manager stated the public addresses among the targets are the practice's own."""
    updated_at = models.DateTimeField(auto_now=True)


class NetworkScan(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="scans")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    hosts = models.IntegerField(default=0)
    fail_count = models.IntegerField(default=0)
    open_ports = models.JSONField(default=dict)
    """address -> {"tcp/445": "microsoft-ds"}: what the next scan is compared with."""
    changes = models.JSONField(default=dict)
    """new_hosts, new_ports, gone_hosts, closed_ports against the previous scan."""
    devices = models.JSONField(default=dict)
    """address -> id of the enrolled device it is (the scanning workstation, or a device
    whose name the practice typed as a target)."""
    body = models.BinaryField(default=b"")
    """The scan's JSON as uploaded, zlib-compressed."""

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["practice", "digest"],
                                               name="scan_once_per_practice")]

    @property
    def data(self) -> dict[str, Any]:
        raw = bytes(self.body)
        loaded: dict[str, Any] = json.loads(zlib.decompress(raw)) if raw else {}
        return loaded


class ScanAlert(models.Model):
    KIND_NEW_HOST = "new-host"
    KIND_NEW_PORT = "new-port"
    KIND_CHOICES = [(KIND_NEW_HOST, KIND_NEW_HOST), (KIND_NEW_PORT, KIND_NEW_PORT)]

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    scan = models.ForeignKey(NetworkScan, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    key = models.CharField(max_length=120)
    """The address, or "address proto/port service"."""
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["scan", "kind", "key"],
                                               name="scan_alert_once")]
