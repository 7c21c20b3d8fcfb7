"""Hypothesis: no input makes a parser crash; what cannot be read becomes unknown."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dentsec.collect.windows import collectors
from dentsec.collect.windows.document import PartMissing, parse_document
from dentsec.collect.windows.os_info import os_info
from dentsec.collect.windows.psjson import (
    as_age,
    as_bool,
    as_braced_list,
    as_datetime,
    as_float,
    as_int,
    as_text,
    load_json,
)
from dentsec.collect.windows.secedit import parse_inf, password_policy
from dentsec.facts import Family

from .build import SAMPLES

PART_NAMES = ["os", "registry", "secpol", "local_users", "admins", "defender", "security_center",
              "firewall", "listening", "bitlocker", "smb_server", "smb_shares", "services",
              "wu_status", "wu_pending", "hotfixes", "programs", "browsers", "password_files",
              "screen_saver", "backup", "shadow_copies"]
KEYS = ["Name", "SID", "Value", "Enabled", "LocalPort", "LocalAddress", "State", "OwningProcess",
        "VolumeStatus", "ProtectionStatus", "KeyProtector", "InstalledOn", "value", "members",
        "tcp", "udp", "processes", "hive", "key", "name", "present", "inf", "Updates",
        "ResultCode", "DisplayName", "DisplayVersion", "browser", "extensions_to_open",
        "productState", "antiVirus", "AMRunningMode", "content", "dentsec_status", "file_history",
        "values", "policy", "registry", "win32_operatingsystem", "CurrentBuild", "DisplayVersion"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                    st.sampled_from(["\\/Date(1599609600000)\\/", "/Date(-99999999999999)/", "True",
                                     "4294967295", "218,2344", "{Tpm, RecoveryPassword}", "S-1-5-21-1-2-3-500",
                                     "HKLM", "22H2", "26100", "2026-11-27T08:00:00+00:00", "Off", "On"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)),
    max_leaves=25)


def _run_all(doc_text: str) -> None:
    doc = parse_document(doc_text)
    assert os_info(doc).family == "windows"
    for name, fn in collectors(doc).items():
        try:
            family = fn(None)  # type: ignore[arg-type]
        except PartMissing:
            continue  # becomes Facts.unknown[name]
        assert isinstance(family, Family), name
        family.model_dump_json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(PART_NAMES), json_values, max_size=len(PART_NAMES)),
       st.dictionaries(st.sampled_from(PART_NAMES), st.booleans()))
def test_collectors_never_crash_on_any_part_data(parts: dict[str, Any], ok: dict[str, bool]) -> None:
    body = {name: {"ok": ok.get(name, True), "data": data,
                   "error": None if ok.get(name, True) else {"category": "PermissionDenied"}}
            for name, data in parts.items()}
    _run_all(json.dumps({"schema": "dentsec.windows-collect/1", "context": {"elevated": False},
                         "parts": body}))


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_collectors_never_crash_on_any_document_shape(value: Any) -> None:
    _run_all(json.dumps(value))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_collectors_never_crash_on_any_text(text: str) -> None:
    _run_all(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.binary(max_size=400))
def test_secedit_never_crashes(data: str | bytes) -> None:
    fam = password_policy(parse_inf(data))
    for name in ("min_length", "min_classes", "max_age_days", "lockout_threshold", "history_size"):
        value = getattr(fam, name)
        assert value is not None or name in fam.unknown


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_value_readers_answer_or_say_unknown(value: Any) -> None:
    for reader in (as_age, as_bool, as_braced_list, as_datetime, as_float, as_int, as_text):
        reader(value)
    if isinstance(value, str):
        load_json(value)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


SAMPLE_DOCS = {name: json.loads((SAMPLES / name / "items" / "0001.out").read_text(encoding="utf-8"))
               for name in ("windows-unmanaged-win10", "windows-wellkept-win11", "windows-no-admin")}
SAMPLE_PATHS = {name: _paths(doc)[1:] for name, doc in SAMPLE_DOCS.items()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLE_DOCS)), st.data())
def test_collectors_survive_any_value_changed_in_real_shapes(sample: str, data: st.DataObject) -> None:
    """Real document shapes with a few values replaced: deep fields get odd values too."""
    doc = copy.deepcopy(SAMPLE_DOCS[sample])
    for path in data.draw(st.lists(st.sampled_from(SAMPLE_PATHS[sample]), min_size=1, max_size=6)):
        target = doc
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    _run_all(json.dumps(doc))
