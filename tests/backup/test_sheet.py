from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from dentsec.backup.sheet import render_sheet, write_sheet


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_lang = dict(attrs).get("lang") or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_sheet_is_french_first_and_carries_the_password(tmp_path: Path) -> None:
    html = render_sheet("poste-accueil", "/media/usb/<dépôt>", "abcde-fghij", "file",
                        tmp_path / "f.html")
    parser = _Collect()
    parser.feed(html)
    text = " ".join(parser.text)
    assert parser.html_lang == "fr"
    assert "abcde-fghij" in text
    assert text.index("Feuille de récupération") < text.index("Backup recovery sheet")
    assert "&lt;dépôt&gt;" in html  # escaped, not markup
    assert re.search(r"Supprimez ensuite ce fichier", html)


def test_sheet_file_is_private(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "feuille.html", "p", "/r", "pw-12345", "keyring")
    assert path.stat().st_mode & 0o777 == 0o600
    assert "trousseau du système" in path.read_text(encoding="utf-8")
