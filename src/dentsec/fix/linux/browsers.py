"""Downloads never opened by themselves: Firefox asks (handlers.json ``"ask": true``),
Chromium forgets its "always open files of this type" list (``download.extensions_to_open``).

Formats as the browsers write them: Firefox's handlers.json (mimeTypes entries with an
``action`` and ``ask``), Chromium's Preferences JSON. A running browser rewrites these files
when it quits: the person closes the browser first."""

from __future__ import annotations

import json
from typing import Any

from dentsec.collect.common.browsers import FIREFOX_OPEN_ACTIONS
from dentsec.collect.linux import browsers
from dentsec.fix.linux.common import context, people
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target


def _firefox(text: str) -> tuple[str, list[Setting]]:
    data = json.loads(text)
    changed: list[Setting] = []
    for mtype, entry in (data.get("mimeTypes") or {}).items():
        if isinstance(entry, dict) and entry.get("action") in FIREFOX_OPEN_ACTIONS \
                and entry.get("ask") is not True:
            before = entry.get("ask")
            entry["ask"] = True
            exts = ",".join(str(e) for e in entry.get("extensions") or [mtype])
            changed.append(Setting(f"{exts} : ask", None if before is None
                                   else str(before).lower(), "true"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), changed


def _chromium(text: str) -> tuple[str, list[Setting]]:
    data: dict[str, Any] = json.loads(text)
    download = data.get("download")
    if not isinstance(download, dict) or not download.get("extensions_to_open"):
        return text, []
    before = str(download["extensions_to_open"])
    download["extensions_to_open"] = ""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            [Setting("download.extensions_to_open", before, "")])


def _plan(target: Target) -> Plan:
    ctx = context(target)
    edits: list[Edit] = []
    for user in people(target):
        if not target.device_wide and user.name != target.user:
            continue
        profiles, _ = browsers.find_profiles(ctx, user)
        for profile in profiles:
            name = "handlers.json" if profile.browser == "firefox" else "Preferences"
            path = f"{profile.path}/{name}"
            text = target.text(path)
            if text is None:
                continue
            try:
                new, settings = (_firefox if profile.browser == "firefox" else _chromium)(text)
            except (ValueError, AttributeError) as exc:
                raise Refused(f"{path} illisible ({exc}) : rien n'a été modifié.",
                              f"{path} unreadable ({exc}): nothing was changed.") from exc
            if settings:
                edits.append(Edit(path, new.encode(), settings=tuple(settings)))
    return Plan(tuple(edits), notes=({
        "fr": "Fermez les navigateurs avant : ouverts, ils réécrivent ces fichiers en quittant.",
        "en": "Close the browsers first: open, they rewrite these files when they quit."},))


DOWNLOADS_FIX = Fix(
    name="linux-downloads-ask", os="linux", checks=("DL-AUTO-OPEN",),
    title={"fr": "Les navigateurs demandent avant d'ouvrir un fichier téléchargé",
           "en": "Browsers ask before opening a downloaded file"},
    changes={"fr": "Firefox demande quoi faire de chaque type de fichier ; Chromium oublie "
                   "sa liste « toujours ouvrir ce type de fichier ».",
             "en": "Firefox asks what to do with each file type; Chromium forgets its "
                   "'always open files of this type' list."},
    risks={"fr": "Un clic de plus pour ouvrir une pièce jointe ; aucun fichier n'est supprimé.",
           "en": "One more click to open an attachment; no file is deleted."},
    plan=_plan, per_person=True)
