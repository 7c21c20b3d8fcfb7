"""PowerShell 5.1 JSON quirks, one by one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dentsec.collect.windows.psjson import (
    as_age,
    as_bool,
    as_braced_list,
    as_datetime,
    as_float,
    as_int,
    as_list,
    load_json,
    prop,
)


def test_single_object_or_array() -> None:
    assert as_list(None) == []
    assert as_list({"a": 1}) == [{"a": 1}]
    assert as_list([1, 2]) == [1, 2]


@pytest.mark.parametrize("value", [
    "\\/Date(1599609600000)\\/", "/Date(1599609600000)/", "/Date(1599609600000+0200)/",
    {"value": "\\/Date(1599609600000)\\/", "DateTime": "Wednesday, September 9, 2020 12:00:00 AM"},
    "2020-09-09T00:00:00Z", "2020-09-09T02:00:00+02:00",
])
def test_dates(value: object) -> None:
    assert as_datetime(value) == datetime(2020, 9, 9, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    "6/4/2024 8:06:27 AM", "18-10-2022 09:18:29 AM", "12/31/1600 4:00:00 PM",
    "/Date(-11644473600000)/", "1601-01-01T00:00:00Z", None, 5, "", "/Date(99999999999999999999)/",
])
def test_unreadable_or_sentinel_dates_are_unknown(value: object) -> None:
    assert as_datetime(value) is None


def test_numbers_and_sentinels() -> None:
    assert as_age(4294967295) is None and as_age("4294967295") is None and as_age(3) == 3
    assert as_float("218,2344") == 218.2344 and as_float("471.5596") == 471.5596
    assert as_float(float("nan")) is None and as_float(True) is None
    assert as_int("42") == 42 and as_int("4,0") is None and as_int(2.0) == 2 and as_int(True) is None


def test_booleans() -> None:
    assert as_bool(1) is True and as_bool(0) is False and as_bool(2) is None  # GpoBoolean
    assert as_bool("True") is True and as_bool("false") is False and as_bool("yes") is None


def test_lists_and_properties() -> None:
    assert as_braced_list("{RecoveryPassword, Tpm}") == ["RecoveryPassword", "Tpm"]
    assert as_braced_list("{}") == [] and as_braced_list(["Tpm"]) == ["Tpm"]
    assert prop({"EnableSMB1Protocol": True}, "enablesmb1protocol") is True


def test_byte_order_marks() -> None:
    assert load_json('\ufeff{"a": 1}') == {"a": 1}
    assert load_json("not json") is None and load_json("") is None
