"""The fix history as the agent uploads it with the next report (``fix_history`` in the
report JSON, schema dentsec.report/1): the latest runs, in the report's language, with
nothing but what the console shows (no file contents, no saved copies)."""

from __future__ import annotations

import json
from typing import Any

from dentsec.fix import store
from dentsec.i18n import pick

KEPT = 50
FIELDS = ("id", "fix", "check", "status", "verdict_before", "verdict_after", "started_at",
          "finished_at", "undone_at", "who")


def history_for_report(lang: str | None) -> list[dict[str, Any]]:
    out = []
    for record in store.history()[-KEPT:]:
        item = {key: record.get(key) for key in FIELDS}
        item["who"] = str(item.get("who") or "")[:120]
        if isinstance(record.get("request"), int):
            item["request"] = record["request"]  # answers a fix asked from the console
        message = record.get("message")
        if isinstance(message, dict):
            item["message"] = pick(message, lang)[:1000]
        out.append(item)
    return out


def attach(report_json: str, lang: str | None) -> str:
    """The report with this workstation's fix history added (unchanged when there is none)."""
    history = history_for_report(lang)
    if not history:
        return report_json
    data = json.loads(report_json)
    data["fix_history"] = history
    return json.dumps(data, ensure_ascii=False, indent=2)
