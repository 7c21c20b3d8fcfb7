"""Where people keep passwords: files named like password lists, browser password stores."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from dentsec.collect.linux import browsers
from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import BrowserPasswords, PasswordFile, Passwords
from dentsec.host.base import under_root

NAME_PATTERN = re.compile(
    r"mots?[-_ .]?de[-_ .]?passe|passwords?|passwd|identifiants?|credentials?"
    r"|(?:^|[^a-z])(?:mdp|pwd|codes?|logins?)(?:[^a-z]|$)"
)
DOCUMENT_EXTENSIONS = frozenset({
    "", ".txt", ".text", ".md", ".rtf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods",
    ".csv", ".pdf", ".note", ".pages", ".numbers",
})
SKIPPED_DIRS = frozenset({"node_modules", "snap", "__pycache__", "venv", ".venv"})
MAX_DEPTH = 6
MAX_ENTRIES = 50_000
MAX_FILES = 100


def looks_like_password_file(filename: str) -> bool:
    """Judged on the name only: a document whose name says it lists passwords."""
    stem, ext = os.path.splitext(filename.lower())
    if ext not in DOCUMENT_EXTENSIONS:
        stem = filename.lower()
        if "." in stem.lstrip("."):
            return False
    return bool(NAME_PATTERN.search(stem))


def _scan(home: str) -> Callable[[str], Any]:
    def walk(root: str) -> dict[str, Any]:
        base = under_root(root, home)
        found: list[dict[str, Any]] = []
        seen = unreadable = 0
        stack = [(base, 0)]
        while stack and seen < MAX_ENTRIES and len(found) < MAX_FILES:
            folder, depth = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            except OSError:
                if depth == 0:
                    raise  # an unreadable home is unknown, not "no file"
                unreadable += 1
                continue
            for entry in entries:
                seen += 1
                name = entry.name
                if name.startswith("."):
                    continue  # configuration folders, not documents a person saved
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_DEPTH and name not in SKIPPED_DIRS:
                        stack.append((entry.path, depth + 1))
                elif entry.is_file(follow_symlinks=False) and looks_like_password_file(name):
                    shown = entry.path[len(root):] if root else entry.path
                    found.append({"path": shown, "size": entry.stat(follow_symlinks=False).st_size})
        return {"files": sorted(found, key=lambda f: str(f["path"]))[:MAX_FILES],
                "complete": not stack, "unreadable_folders": unreadable}
    return walk


def collect_passwords(ctx: LinuxContext) -> Passwords:
    users, why = ctx.human_users()
    if users is None:
        raise RuntimeError(why)
    fam = Passwords(source="file names in home folders + browser password stores (count only)")
    file_problems: list[str] = []
    browser_problems: list[str] = []
    for user in users:
        res = ctx.host.probe(f"password-named-files:{user.home}", _scan(user.home))
        if res.ok and isinstance(res.value, dict):
            for item in res.value.get("files", []):
                fam.files.append(PasswordFile(path=str(item["path"]), size=item.get("size"),
                                              owner=user.name))
            if not res.value.get("complete", True):
                file_problems.append(f"{user.home}: too many files, scan stopped early")
            if res.value.get("unreadable_folders"):
                file_problems.append(
                    f"{user.home}: {res.value['unreadable_folders']} folder(s) unreadable")
        else:
            file_problems.append(f"{user.home}: {res.error}")
        profiles, problems = browsers.find_profiles(ctx, user)
        browser_problems.extend(problems)
        for profile in profiles:
            count = browsers.saved_password_count(ctx, profile)
            saved = count.value if count.ok and isinstance(count.value, int) else None
            fam.browsers.append(BrowserPasswords(browser=profile.browser, user=user.name,
                                                 profile=profile.name, saved_count=saved))
            if saved is None:
                browser_problems.append(f"{profile.path}: {count.error}")
    if file_problems:
        fam.unknown["files"] = "; ".join(file_problems)[:500]
    if browser_problems:
        fam.unknown["browsers"] = "; ".join(browser_problems)[:500]
    return fam
