"""Agent settings (server, device) in DENTSEC_HOME/agent/agent.json, and the device
credential: in the OS keyring, or a 0600 file beside the settings where no keyring works."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import keyring
import keyring.errors

from dentsec.backup.secret import keyring_usable
from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes
from dentsec.paths import dentsec_home

KEYRING_SERVICE = "dentsec-agent"


def agent_dir() -> Path:
    return dentsec_home() / "agent"


def config_path() -> Path:
    return agent_dir() / "agent.json"


def credential_path() -> Path:
    return agent_dir() / "credential"


@dataclass
class AgentConfig:
    server: str
    device_id: int
    device_name: str
    practice: str
    credential_store: str  # "keyring" or "file"
    lang: str = "fr"

    def save(self) -> None:
        atomic_write_bytes(config_path(), json.dumps(asdict(self), indent=2).encode("utf-8"),
                     mode=0o600)


def load_config() -> AgentConfig:
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
        return AgentConfig(**data)
    except FileNotFoundError as exc:
        raise DentsecError(
            "Ce poste n'est pas inscrit : lancez « dentsec agent enroll --server URL "
            "--token JETON ».",
            "This machine is not enrolled: run `dentsec agent enroll --server URL "
            "--token TOKEN`.") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise DentsecError(f"Réglages de l'agent illisibles ({config_path()}) : {exc}",
                           f"Unreadable agent settings ({config_path()}): {exc}") from exc


def store_credential(server: str, credential: str, prefer_keyring: bool = True) -> str:
    if prefer_keyring and keyring_usable():
        try:
            keyring.set_password(KEYRING_SERVICE, server, credential)
            return "keyring"
        except keyring.errors.KeyringError:
            pass  # the private file below
    atomic_write_bytes(credential_path(), credential.encode("utf-8"), mode=0o600)
    return "file"


def load_credential(config: AgentConfig) -> str:
    value: str | None = None
    if config.credential_store == "keyring":
        try:
            value = keyring.get_password(KEYRING_SERVICE, config.server)
        except keyring.errors.KeyringError:
            value = None
    else:
        try:
            value = credential_path().read_text(encoding="utf-8").strip()
        except OSError:
            value = None
    if not value:
        raise DentsecError("Identifiant du poste introuvable : inscrivez de nouveau ce poste.",
                           "Device credential not found: enroll this machine again.")
    return value


def revoked_path() -> Path:
    return agent_dir() / "revoked"


def mark_revoked() -> None:
    """Remembered so that later runs neither audit nor queue until the console says
    otherwise (the revocation can be undone for 30 days)."""
    atomic_write_bytes(revoked_path(), b"revoked by the console\n", mode=0o600)


def is_revoked() -> bool:
    return revoked_path().exists()


def clear_revoked() -> None:
    revoked_path().unlink(missing_ok=True)
