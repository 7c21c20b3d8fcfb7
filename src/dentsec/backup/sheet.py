"""The printable recovery sheet: the ONLY place the repository password is ever shown.

Choice: the terminal never prints the password (it would stay in scroll-back, screen
recordings and IT provider tickets). ``init`` writes this 0600 HTML file and tells the user
to print it, lock the paper away and delete the file; ``dentsec backup sheet`` writes it
again from the stored password when a new copy is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from dentsec.fileio import atomic_write_bytes


def render_sheet(host: str, repository: str, password: str, store: str, sheet_path: Path) -> str:
    env = Environment(loader=PackageLoader("dentsec.backup", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("recovery_sheet.html.j2")
    in_keyring = store == "keyring"
    return template.render(
        host=host, repository=repository, password=password, sheet_path=str(sheet_path),
        created=datetime.now(UTC).astimezone().strftime("%d/%m/%Y %H:%M"),
        store_fr="trousseau du système" if in_keyring else "fichier protégé réservé à l'administrateur",
        store_en="system keyring" if in_keyring else "protected administrator-only file",
    )


def write_sheet(path: Path, host: str, repository: str, password: str, store: str) -> Path:
    atomic_write_bytes(path, render_sheet(host, repository, password, store, path).encode("utf-8"),
                 mode=0o600)
    return path
