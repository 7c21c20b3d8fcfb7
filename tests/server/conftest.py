"""Django test set-up for the practice console.

The database is PostgreSQL when its URL is known: env DENTSEC_TEST_POSTGRES_URL, or the
file /tmp/dentsec-ci.env written by .ci/setup.d/40-server.sh (CI); pytest-django builds
its own test database from it. Otherwise, or with DENTSEC_TEST_DATABASE=sqlite, SQLite.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CI_ENV = Path("/tmp/dentsec-ci.env")


def postgres_url() -> str | None:
    if os.environ.get("DENTSEC_TEST_DATABASE") == "sqlite":
        return None
    url = os.environ.get("DENTSEC_TEST_POSTGRES_URL")
    if url:
        return url
    if CI_ENV.exists():
        for line in CI_ENV.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "DENTSEC_TEST_POSTGRES_URL" and value.strip():
                return value.strip()
    return None


# Settings are read once, at import: point them at a private home and the test database,
# then give the environment back as it was (other toolkits' tests share this process).
_SAVED = {k: os.environ.get(k) for k in ("DENTSEC_HOME", "DENTSEC_SECURE_COOKIES",
                                         "DENTSEC_SECRET_KEY", "DENTSEC_DATABASE_URL")}
_HOME = tempfile.mkdtemp(prefix="dentsec-server-tests-")
os.environ["DENTSEC_HOME"] = _HOME
os.environ["DENTSEC_SECURE_COOKIES"] = "0"  # the live server speaks plain HTTP on 127.0.0.1
os.environ["DENTSEC_SECRET_KEY"] = "tests-only-secret-key-" + "x" * 40
if postgres_url():
    os.environ["DENTSEC_DATABASE_URL"] = postgres_url() or ""
else:
    os.environ.pop("DENTSEC_DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dentsec.server.settings")

from dentsec.server import setup_django  # noqa: E402

setup_django()
for _key, _value in _SAVED.items():
    if _value is None:
        os.environ.pop(_key, None)
    else:
        os.environ[_key] = _value

# Argon2 stays the hasher, with a small cost: tests create many accounts.
from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

Argon2PasswordHasher.memory_cost = 1024
Argon2PasswordHasher.time_cost = 1
Argon2PasswordHasher.parallelism = 1

# Several pytest sessions may share the PostgreSQL server: one test database each.
from django.db import connections  # noqa: E402

TEST_DB_PREFIX = "test_dentsec_"
connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = (
    f"{TEST_DB_PREFIX}{os.getpid()}")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)


def _drop_test_databases(only_mine: bool) -> None:
    """Drop this session's test database (a live-server thread may still hold it) or those
    of sessions that died before their own clean-up."""
    url = postgres_url()
    if not url:
        return
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1),
                             autocommit=True, connect_timeout=5) as conn:
            names = [row[0] for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (TEST_DB_PREFIX + "%",))]
            for name in names:
                pid = name.removeprefix(TEST_DB_PREFIX)
                mine = pid == str(os.getpid())
                dead = pid.isdigit() and not Path(f"/proc/{pid}").exists()
                if (mine if only_mine else (dead and not mine)):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        pass  # clean-up only: never fail a run for it


_drop_test_databases(only_mine=False)


@pytest.fixture(scope="session", autouse=True)
def _end_stray_sessions(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Torn down just before the test database is dropped: a connection a live-server
    thread left open would otherwise make that drop fail with a warning."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _drop_test_databases(only_mine=True)


def load_report(name: str = "report-windows.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def report_bytes(base: str = "report-windows.json", *, at: datetime | None = None,
                 **changes: Any) -> bytes:
    data = copy.deepcopy(load_report(base))
    if at is not None:
        data["generated_at"] = at.isoformat()
    data.update(changes)
    return json.dumps(data).encode("utf-8")


@pytest.fixture
def make_report() -> Callable[..., bytes]:
    return report_bytes


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def tenants(db: Any) -> Iterator[dict[str, Any]]:
    """Two providers, each with two practices, a lead, a staff member and devices."""
    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, ROLE_STAFF, Practice

    world: dict[str, Any] = {}
    for tag in ("a", "b"):
        admin = accounts.create_admin(f"Provider {tag}", f"admin_{tag}", "x" * 16,
                                      email=f"admin_{tag}@example.invalid")
        p1 = Practice.objects.create(provider=admin.provider, name=f"Cabinet {tag}1")
        p2 = Practice.objects.create(provider=admin.provider, name=f"Cabinet {tag}2")
        lead = accounts.create_member(p1, f"lead_{tag}", "x" * 16, ROLE_PRACTICE_LEAD,
                                      email=f"lead_{tag}@example.invalid")
        staff = accounts.create_member(p1, f"staff_{tag}", "x" * 16, ROLE_STAFF)
        _, clear = ingest.create_token(p1, by=admin.user, max_uses=5, owner=staff.user)
        own = ingest.enroll(clear, f"pc-{tag}-staff")
        _, clear2 = ingest.create_token(p1, by=admin.user)
        shared = ingest.enroll(clear2, f"pc-{tag}-shared")
        _, clear3 = ingest.create_token(p2, by=admin.user)
        other = ingest.enroll(clear3, f"pc-{tag}-other-practice")
        for enrolled in (own, shared, other):
            ingest.store_report(enrolled.device, report_bytes())
        token, _clear = ingest.create_token(p1, by=admin.user)
        world[tag] = {"admin": admin, "lead": lead, "staff": staff, "practice": p1,
                      "practice2": p2, "device_staff": own.device,
                      "device_shared": shared.device, "device_other": other.device,
                      "credential": own.credential, "token": token,
                      "report": own.device.reports.get()}
    yield world


def login_client(client: Any, profile: Any) -> Any:
    """A test client signed in as this profile, second factor passed."""
    from dentsec.server.console import security

    client.force_login(profile.user)
    session = client.session
    session[security.SESSION_OTP_KEY] = True
    session.save()
    return client


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


from .smtp import smtp  # noqa: E402,F401  (the fixture, for every test module here)
