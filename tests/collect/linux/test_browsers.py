from __future__ import annotations

import pytest

from dentsec.collect.common.browsers import (
    chromium_auto_open,
    count_firefox_logins,
    firefox_auto_open,
)
from dentsec.collect.linux.browsers import chromium_profile_names, firefox_profile_paths


def test_profiles_ini_paths() -> None:
    text = ("[Install4F96D1932A9F858E]\nDefault=abc.default-release\n\n[Profile1]\nName=work\n"
            "IsRelative=0\nPath=/srv/ff/work\n\n[Profile0]\nName=default\nIsRelative=1\n"
            "Path=abc.default-release\n\n[General]\nVersion=2\n")
    assert firefox_profile_paths(text) == ["/srv/ff/work", "abc.default-release"]


def test_chromium_profile_folders() -> None:
    entries = ("Crashpad", "Default", "Local State", "Profile 1", "System Profile")
    assert chromium_profile_names(entries) == ["Default", "Profile 1"]


def test_firefox_handlers() -> None:
    text = ('{"mimeTypes":{"application/pdf":{"action":4,"extensions":["pdf"]},'
            '"text/plain":{"action":2,"ask":true,"extensions":["txt"]},'
            '"application/x-foo":{"action":2},"image/png":{"action":3,"extensions":["png"]}}}')
    assert firefox_auto_open(text) == ["application/x-foo", "pdf"]
    with pytest.raises(ValueError):
        firefox_auto_open("{")


def test_chromium_extensions_to_open() -> None:
    assert chromium_auto_open({"download": {"extensions_to_open": "PDF:exe:"}}) == ["exe", "pdf"]
    assert chromium_auto_open({"download": {"prompt_for_download": True}}) == []
    assert chromium_auto_open({}) == []


def test_logins_json_count() -> None:
    assert count_firefox_logins('{"logins": [{}, {}], "version": 3}') == 2
    assert count_firefox_logins('{"version": 3}') == 0
