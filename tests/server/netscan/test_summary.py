"""The latest network scan in the practice PDF (issue 18): rendered by the console, read
back with pdftotext (real PostgreSQL, the recorded lab scan of tests/scan/fixtures)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.server.netscan.test_store import TARGET, lab_scan
from tests.server.test_records import pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")


def _practice_pdf(client: Any, world: dict[str, Any], tmp_path: Path, name: str,
                  **headers: str) -> str:
    response = client.get(f"/cabinet/{world['practice'].pk}/rapport.pdf", **headers)
    assert response.status_code == 200
    return " ".join(pdf_text(response.content, tmp_path, name))


def test_practice_pdf_tells_the_latest_scan(tenants: dict[str, Any], client: Any,
                                            tmp_path: Path) -> None:
    from tests.server.conftest import login_client

    from dentsec.server.netscan import store

    world = tenants["a"]
    login_client(client, world["lead"])
    text = _practice_pdf(client, world, tmp_path, "no-scan")
    assert "Réseau du cabinet Aucun scan du réseau reçu." in text

    store.configure(world["practice"], world["device_staff"], [TARGET])
    day1 = datetime(2026, 11, 1, 8, tzinfo=UTC)
    first = lab_scan(day1, drop_port=("198.51.100.14", 5432), drop_host="198.51.100.15")
    store.store_scan(world["device_staff"], json.dumps(first).encode())
    text = _practice_pdf(client, world, tmp_path, "first-scan")
    assert "depuis le poste pc-a-staff : 5 appareils trouvés." in text
    assert "Premier scan : rien à comparer encore." in text

    store.store_scan(world["device_staff"],
                     json.dumps(lab_scan(day1 + timedelta(days=1))).encode())
    text = _practice_pdf(client, world, tmp_path, "second-scan")
    assert "Dernier scan le 02/11/2026" in text
    assert "depuis le poste pc-a-staff : 6 appareils trouvés." in text
    fix = text[text.index("À corriger"):text.index("À vérifier")]
    assert "Partage de fichiers en SMBv1 — 198.51.100.11" in fix
    assert "Base de données joignable sur le réseau — 198.51.100.14" in fix
    assert "Aucun service exposé" not in text  # a pass is not printed
    assert "Rien à vérifier sur le réseau." in text
    assert "nouvel appareil 198.51.100.15" in text
    assert "nouveau port tcp/5432 postgresql sur 198.51.100.14" in text

    english = _practice_pdf(client, world, tmp_path, "second-scan-en",
                            HTTP_ACCEPT_LANGUAGE="en")
    assert "Practice network" in english and "6 devices found." in english
    assert "new port tcp/5432 postgresql on 198.51.100.14" in english
