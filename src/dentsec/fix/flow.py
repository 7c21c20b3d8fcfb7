"""The one flow every Linux fix goes through: plan, preview, save, write, re-audit, restore.

Nothing is written before the previous state of every file is saved under
``DENTSEC_HOME/fixes/ID/``; a file that changed between the preview and the confirmation
stops the fix before any write; a write that fails, a command that fails or a check that
still does not pass puts every file back exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dentsec import proc
from dentsec.checks.catalog import Text
from dentsec.checks.policy import Policy
from dentsec.errors import DentsecError, os_reason
from dentsec.fileio import atomic_write_bytes
from dentsec.fix import store
from dentsec.fix.catalog import fixes_for
from dentsec.fix.model import FIXABLE, Edit, FileState, Fix, Plan, Refused, Target
from dentsec.fix.words import RUN_WORDS
from dentsec.i18n import pick, tr
from dentsec.vocab import Status


def verdict_word(status: str | None) -> str:
    """A check's verdict in the user's words (échec, réussi…); unknown tokens as they are."""
    if status in set(Status):
        return pick(Status(status).text)
    return status or "-"


def run_word(status: str) -> str:
    """A fix run's status in the user's words."""
    fr, en = RUN_WORDS.get(status, (status, status))
    return tr(fr, en)


@dataclass(frozen=True)
class Verdict:
    status: str
    message: Text
    evidence: tuple[str, ...] = ()

    def told(self) -> str:
        """The verdict as the practice reads it, with the reason of an unknown."""
        why = f" ({'; '.join(self.evidence)[:300]})" if self.evidence and \
            self.status in ("unknown", "na") else ""
        return f"{verdict_word(self.status)} : {pick(self.message)}{why}"


def verdicts(root: str, policy: Policy,
             evidence: Path | None = None) -> tuple[str, dict[str, Verdict]]:
    """(OS family, check id -> verdict) of a fresh audit of ``root`` ("/" = this machine),
    or of a recorded evidence bundle."""
    from dentsec import engine

    report = (engine.audit_evidence(evidence, policy) if evidence is not None
              else engine.audit_live(root=None if root == "/" else root, policy=policy))
    return report.os_family, {str(f.check.id): Verdict(str(f.status), f.message,
                                                        tuple(f.evidence))
                              for f in report.findings}


@dataclass
class Prepared:
    """A fix ready to show and apply: its plan and the files as they were when planned."""

    fix: Fix
    check: str
    target: Target
    plan: Plan
    before: Verdict
    states: dict[str, FileState] = field(default_factory=dict)
    request: int | None = None
    """The console's fix request this run answers (``dentsec fix --requests``)."""


def _changed(target: Target, edit: Edit) -> bool:
    now = target.state(edit.path)
    if edit.link is not None:
        return now.link != edit.link
    return now.content != edit.content or (edit.removes and now.exists)


def prepare(check: str, root: str, policy: Policy, device_wide: bool = False,
            user: str | None = None) -> Prepared:
    """Audit, pick the fix of ``check`` for this OS, plan it. Raises DentsecError to refuse."""
    check = check.upper()
    os_family, found = verdicts(root, policy)
    if check not in found:
        raise DentsecError(f"Contrôle inconnu : {check} (voir dentsec checks).",
                           f"Unknown check: {check} (see dentsec checks).")
    fixes = fixes_for(check, os_family)
    if not fixes:
        raise DentsecError(
            f"Aucun correctif automatique pour {check} sur ce système : suivez la consigne "
            f"de « dentsec explain {check} ».",
            f"No automatic fix for {check} on this system: follow 'dentsec explain {check}'.")
    before = found[check]
    refuse_verdict(check, before)
    fix = fixes[0]
    target = Target(root, policy, device_wide, user)
    if fix.per_person and not device_wide and (not target.live or not user):
        raise Refused("Ce correctif change les réglages de chaque personne : sur une "
                      "arborescence hors ligne, ajoutez --device-wide (tous les comptes).",
                      "This fix changes each person's settings: on an offline tree, add "
                      "--device-wide (every account).")
    plan = fix.plan(target)
    edits = tuple(e for e in plan.edits if _changed(target, e))
    if not edits and fix.per_person and not device_wide:
        raise Refused(f"Rien à changer dans les réglages de {user or '?'} : pour ceux de toutes "
                      "les personnes du poste, ajoutez --device-wide.",
                      f"Nothing to change in {user or '?'}'s settings: for every person of "
                      "the workstation, add --device-wide.")
    if not edits:
        raise Refused(f"Les réglages de {fix.name} sont déjà en place, mais {check} ne passe "
                      f"pas : {pick(before.message)} Voir « dentsec explain {check} ».",
                      f"The settings of {fix.name} are already in place, but {check} does not "
                      f"pass: {pick(before.message)} See 'dentsec explain {check}'.")
    plan = Plan(edits, plan.commands, plan.undo_commands, plan.notes)
    states = {e.path: target.state(e.path) for e in edits}
    return Prepared(fix, check, target, plan, before, states)


def _show(value: str | None) -> str:
    if value is None:
        return tr("(absent)", "(absent)")
    return value if value else tr("(vide)", "(empty)")


def preview(p: Prepared) -> str:
    """What will change and what it could break, in the user's language."""
    now = verdict_word(p.before.status)
    lines = [tr(f"Correctif {p.fix.name} pour {p.check} (actuellement : {now})",
                f"Fix {p.fix.name} for {p.check} (now: {now})"),
             f"  {pick(p.fix.title)}", "", pick(p.fix.changes), "",
             tr("Ce qui va changer :", "What will change:")]
    if not p.target.live:
        lines.append(tr(f"  (dans l'arborescence {p.target.root})", f"  (in the tree {p.target.root})"))
    for edit in p.plan.edits:
        was = p.states[edit.path]
        if edit.removes:
            action = tr("supprimé", "removed")
        elif not was.exists:
            action = tr("créé", "created")
        else:
            action = tr("modifié", "changed")
        lines.append(f"  {edit.path} ({action})")
        lines += [f"    {s.name} : {_show(s.before)} → {_show(s.after)}" for s in edit.settings
                  if s.before != s.after]
        if edit.link is not None:
            lines.append(f"    → {edit.link}")
    if p.plan.commands and p.target.live:
        lines.append(tr("Puis les commandes :", "Then the commands:"))
        lines += [f"  {' '.join(c)}" for c in p.plan.commands]
    lines += ["", tr("Ce que cela peut gêner :", "What it could break:"), f"  {pick(p.fix.risks)}"]
    lines += [f"  {pick(n)}" for n in p.plan.notes]
    lines += ["", tr("L'état actuel sera enregistré avant tout changement ; annulation : "
                     "dentsec fix --undo last", "The current state is saved before any change; "
                     "undo: dentsec fix --undo last")]
    return "\n".join(lines)


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _missing_dirs(target: Target, edits: tuple[Edit, ...]) -> list[str]:
    """Folders a fix has to create (outermost first), so that undo removes them again."""
    out: list[str] = []
    for edit in edits:
        if edit.removes:
            continue
        folder = os.path.dirname(edit.path)
        chain: list[str] = []
        while folder not in ("/", "") and not os.path.isdir(target.real(folder)):
            chain.append(folder)
            folder = os.path.dirname(folder)
        out += [d for d in reversed(chain) if d not in out]
    return out


def _writable(target: Target, path: str) -> bool:
    """Whether this account may replace ``path`` (atomic writes need its folder writable)."""
    real = target.real(path)
    if os.path.lexists(real):
        return os.access(os.path.dirname(real), os.W_OK | os.X_OK) and (
            os.path.islink(real) or os.access(real, os.W_OK))
    folder = os.path.dirname(real)
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    return os.access(folder, os.W_OK | os.X_OK)


def _put(target: Target, path: str, state: FileState, keep: FileState | None) -> None:
    """Make ``path`` hold ``state``; ``keep`` is the file it replaces (owner and mode kept)."""
    real = target.real(path)
    if state.link is not None:
        tmp = f"{real}.dentsec-tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(state.link, tmp)
        os.replace(tmp, real)
    elif state.content is None:
        if os.path.lexists(real):
            os.unlink(real)
    else:
        owner = None
        try:
            info = os.stat(real)
            owner = (info.st_uid, info.st_gid)
        except FileNotFoundError:
            pass
        mode = keep.mode if keep is not None and keep.mode is not None else (state.mode or 0o644)
        atomic_write_bytes(Path(real), state.content, mode)
        if owner is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
            os.chown(real, *owner)


def _restore(target: Target, folder: Path, entries: list[dict[str, Any]],
             dirs: list[str]) -> list[str]:
    """Put every saved file back; returns the paths that could not be restored."""
    failed: list[str] = []
    for entry in entries:
        path = str(entry["path"])
        try:
            saved = store.saved_state(folder, entry)
            _put(target, path, saved, saved)
        except (OSError, DentsecError):
            failed.append(path)
    for d in reversed(dirs):
        try:
            os.rmdir(target.real(d))
        except OSError:
            pass
    return failed


def _run(commands: tuple[tuple[str, ...], ...] | list[list[str]]) -> str | None:
    """Run the live commands in order; the first failure, told plainly (None = all fine)."""
    for argv in commands:
        res = proc.run(list(argv), timeout=60)
        if res.error is not None or res.exit_code != 0:
            detail = (res.stderr or res.stdout or res.error or "").strip()[:300]
            return f"{' '.join(argv)} : {detail or res.exit_code}"
    return None


@dataclass(frozen=True)
class Outcome:
    fix_id: str
    ok: bool
    message: str
    record: dict[str, Any]


def finish_record(folder: Path, record: dict[str, Any], status: str, verdict: str | None,
                  fr: str, en: str) -> Outcome:
    """Write the end of a fix run into its record; what the person is told."""
    record.update(status=status, verdict_after=verdict, finished_at=store.now_iso(),
                  message={"fr": fr, "en": en})
    store.write_record(folder, record)
    return Outcome(str(record["id"]), status in ("applied", "explained"), tr(fr, en), record)


def refuse_verdict(check: str, before: Verdict) -> None:
    """A check that passes or does not apply has nothing to fix."""
    if before.status not in FIXABLE:
        state = {"pass": ("est déjà réussi", "already passes"),
                 "na": ("est sans objet sur ce poste", "does not apply to this workstation")}
        fr, en = state.get(before.status, (before.status, before.status))
        raise Refused(f"Le contrôle {check} {fr} : rien à corriger.",
                      f"Check {check} {en}: nothing to fix.")


def new_record(fix_id: str, name: str, check: str, checks: tuple[str, ...], os_family: str,
               root: str, before: Verdict | None, request: int | None = None) -> dict[str, Any]:
    """The record of a fix run as it starts (status ``applying``); ``before`` None when the
    check's verdict could not be had; ``request``: the console's request it answers."""
    record: dict[str, Any] = {
        "schema": store.SCHEMA, "id": fix_id, "fix": name, "check": check,
        "checks": list(checks), "os": os_family, "root": root, "who": store.who(),
        "started_at": store.now_iso(), "finished_at": None, "status": "applying",
        "verdict_before": before.status if before else None, "verdict_after": None,
        "message": None, "undone_at": None, "files": [], "dirs_created": [], "commands": [],
        "undo_commands": [], "changes": []}
    if request is not None:
        record["request"] = request
    return record


def apply(p: Prepared) -> Outcome:
    """Save, write, re-audit; restore everything when the check does not pass."""
    edits = p.plan.edits
    for edit in edits:
        if p.target.state(edit.path) != p.states[edit.path]:
            raise DentsecError(
                f"{edit.path} a changé depuis l'aperçu : rien n'a été modifié. Relancez "
                "dentsec fix pour voir les changements à jour.",
                f"{edit.path} changed since the preview: nothing was changed. Run dentsec fix "
                "again to see the up-to-date changes.")
    blocked = [e.path for e in edits if not _writable(p.target, e.path)]
    if blocked:
        raise DentsecError(
            "Droits insuffisants pour modifier " + ", ".join(blocked) + " : relancez en "
            "administrateur (sudo dentsec fix …). Rien n'a été modifié.",
            "Not allowed to change " + ", ".join(blocked) + ": run as administrator "
            "(sudo dentsec fix …). Nothing was changed.")
    fix_id, folder = store.new_folder(p.fix.name)
    entries = store.save_copies(folder, p.states)
    dirs = _missing_dirs(p.target, edits)
    live_commands = [list(c) for c in p.plan.commands] if p.target.live else []
    undo_commands = [list(c) for c in p.plan.undo_commands] if p.target.live else []
    record = new_record(fix_id, p.fix.name, p.check, p.fix.checks, p.fix.os, p.target.root,
                        p.before, p.request)
    record.update(files=entries, dirs_created=dirs, commands=live_commands,
                  undo_commands=undo_commands,
                  changes=[{"path": e.path, "after_sha256": _sha(e.content), "link": e.link,
                            "settings": [[s.name, s.before, s.after] for s in e.settings]}
                           for e in edits])
    try:
        store.write_record(folder, record)
    except DentsecError as exc:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise DentsecError(exc.fr + " Rien n'a été modifié.", exc.en + " Nothing was changed.") \
            from exc

    def finish(status: str, verdict: str | None, fr: str, en: str) -> Outcome:
        return finish_record(folder, record, status, verdict, fr, en)

    def roll_back(why_fr: str, why_en: str, verdict: str | None, status: str) -> Outcome:
        lost = _restore(p.target, folder, entries, dirs)
        _run(undo_commands)
        if lost:
            return finish("failed", verdict,
                          why_fr + " ATTENTION : fichiers non rétablis : " + ", ".join(lost)
                          + f" (copies dans {folder}).",
                          why_en + " WARNING: files not restored: " + ", ".join(lost)
                          + f" (copies in {folder}).")
        return finish(status, verdict, why_fr + " L'état précédent a été rétabli.",
                      why_en + " The previous state was restored.")

    try:
        return _write_and_verify(p, fix_id, edits, live_commands, roll_back, finish)
    except KeyboardInterrupt:
        # Ctrl-C mid-way: nothing stays half changed.
        outcome = roll_back("Interrompu.", "Interrupted.", None, "failed")
        raise DentsecError(outcome.record["message"]["fr"],
                           outcome.record["message"]["en"]) from None


def _write_and_verify(p: Prepared, fix_id: str, edits: tuple[Edit, ...],
                      live_commands: list[list[str]],
                      roll_back: Callable[[str, str, str | None, str], Outcome],
                      finish: Callable[[str, str | None, str, str], Outcome]) -> Outcome:
    try:
        for edit in edits:
            os.makedirs(os.path.dirname(p.target.real(edit.path)), mode=0o755, exist_ok=True)
            _put(p.target, edit.path, FileState(edit.content, edit.link, edit.mode),
                 p.states[edit.path])
    except (OSError, DentsecError) as exc:
        why_fr, why_en = (exc.fr, exc.en) if isinstance(exc, DentsecError) else os_reason(exc)
        return roll_back(f"Échec de l'écriture : {why_fr}.", f"Write failed: {why_en}.", None,
                         "failed")
    if live_commands:
        problem = _run(live_commands)
        if problem:
            return roll_back(f"Commande en échec : {problem}.", f"Command failed: {problem}.",
                             None, "failed")
    try:
        _, after = verdicts(p.target.root, p.target.policy)
    except (OSError, DentsecError) as exc:
        why_fr, why_en = (exc.fr, exc.en) if isinstance(exc, DentsecError) else os_reason(exc)
        return roll_back(f"Vérification impossible : {why_fr}.", f"Cannot verify: {why_en}.",
                         None, "failed")
    verdict = after.get(p.check)
    status = verdict.status if verdict else "unknown"
    if status != "pass":
        said = verdict.told() if verdict else status
        return roll_back(
            f"Après correction, {p.check} n'est toujours pas réussi ({said}).",
            f"After the fix, {p.check} still does not pass ({said}).",
            status, "rolled-back")
    others = [f"{c} : {verdict_word(after[c].status)}" for c in p.fix.checks
              if c != p.check and c in after]
    extra = f" ({', '.join(others)})" if others else ""
    return finish("applied", status,
                  f"{p.check} est maintenant réussi{extra}. Annulation : dentsec fix --undo {fix_id}",
                  f"{p.check} now passes{extra}. Undo: dentsec fix --undo {fix_id}")


def _changed_since(target: Target, record: dict[str, Any]) -> list[str]:
    """Files someone changed after the fix (their later changes are lost by an undo)."""
    out = []
    for change in record["changes"]:
        now = target.state(str(change["path"]))
        if change["link"] is not None:
            if now.link != change["link"]:
                out.append(str(change["path"]))
        elif _sha(now.content) != change["after_sha256"]:
            out.append(str(change["path"]))
    return out


def undo_preview(fix_id: str, policy: Policy) -> tuple[Path, dict[str, Any], str]:
    """The record of a fix and what undoing it will put back."""
    folder, record = store.load(fix_id)
    if record["status"] not in store.IN_PLACE:
        raise DentsecError(
            f"Le correctif {record['id']} n'est pas en place ({run_word(record['status'])}) : "
            "rien à annuler.",
            f"Fix {record['id']} is not in place (status: {record['status']}): nothing to undo.")
    lines = [tr(f"Annulation du correctif {record['id']} ({record['fix']}, {record['check']})",
                f"Undoing fix {record['id']} ({record['fix']}, {record['check']})")]
    if record["status"] == "applying":
        lines.append(tr("Ce correctif a été interrompu (arrêt, coupure) : ses fichiers sont remis "
                        "comme avant, depuis les copies faites avant le premier changement.",
                        "This fix was interrupted (shutdown, power cut): its files are put back "
                        "from the copies made before the first change."))
    lines.append(tr("Fichiers remis comme avant le correctif :",
                    "Files put back as before the fix:"))
    for entry in record["files"]:
        how = tr("restauré", "restored") if entry["existed"] else tr("supprimé", "removed")
        lines.append(f"  {entry['path']} ({how})")
    interrupted = record["status"] == "applying"
    changed = [] if interrupted else _changed_since(Target(str(record["root"]), policy), record)
    if changed:
        lines.append(tr("ATTENTION : modifiés depuis le correctif ; ces changements ultérieurs "
                        "seront perdus : ", "WARNING: changed since the fix; these later "
                        "changes will be lost: ") + ", ".join(changed))
    return folder, record, "\n".join(lines)


def undo(fix_id: str, root: str | None, policy: Policy) -> Outcome:
    """Put back exactly what the fix saved, then tell the check's verdict again."""
    folder, record, _ = undo_preview(fix_id, policy)
    target_root = str(record["root"])
    if not os.path.isdir(target_root):
        raise DentsecError(f"L'arborescence {target_root} de ce correctif n'existe plus : rien "
                           "n'a été modifié.",
                           f"This fix's tree {target_root} no longer exists: nothing was changed.")
    if root is not None and os.path.abspath(root) != os.path.abspath(target_root):
        raise DentsecError(
            f"Le correctif {record['id']} a été appliqué sur {target_root}, pas sur {root}.",
            f"Fix {record['id']} was applied to {target_root}, not to {root}.")
    target = Target(target_root, policy)
    changed = [] if record["status"] == "applying" else _changed_since(target, record)
    blocked = [str(e["path"]) for e in record["files"] if not _writable(target, str(e["path"]))]
    if blocked:
        raise DentsecError(
            "Droits insuffisants pour rétablir " + ", ".join(blocked) + " : relancez en "
            "administrateur. Rien n'a été modifié.",
            "Not allowed to restore " + ", ".join(blocked) + ": run as administrator. "
            "Nothing was changed.")
    lost = _restore(target, folder, record["files"], list(record["dirs_created"]))
    _run(record["undo_commands"])
    if lost:
        raise DentsecError(f"Fichiers non rétablis : {', '.join(lost)} (copies dans {folder}).",
                           f"Files not restored: {', '.join(lost)} (copies in {folder}).")
    _, after = verdicts(target_root, policy)
    verdict = after.get(str(record["check"]))
    record.update(status="undone", undone_at=store.now_iso(), undone_by=store.who(),
                  verdict_after_undo=verdict.status if verdict else None)
    store.write_record(folder, record)
    note_fr = note_en = ""
    if changed:
        note_fr = " (modifiés depuis le correctif, remis quand même à l'état d'avant : " \
            + ", ".join(changed) + ")"
        note_en = " (changed since the fix, put back to the earlier state anyway: " \
            + ", ".join(changed) + ")"
    status = verdict_word(verdict.status if verdict else None)
    return Outcome(str(record["id"]), True,
                   tr(f"Correctif annulé : fichiers rétablis{note_fr}. {record['check']} : {status}.",
                      f"Fix undone: files restored{note_en}. {record['check']}: {status}."),
                   record)
