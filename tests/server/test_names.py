"""Names typed by people and the e-mail headers built from them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentsec.server.console import names


@given(st.text(max_size=300))
def test_a_header_is_one_clean_line(text: str) -> None:
    line = names.header_safe(text)
    assert "\r" not in line and "\n" not in line
    assert len(line) <= names.HEADER_MAX
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in line)
    assert line == line.strip()


@given(st.text(max_size=200))
def test_an_accepted_name_has_nothing_hidden(text: str) -> None:
    try:
        name = names.checked_name(text)
    except names.BadName as exc:
        assert exc.fr and exc.en
        return
    assert name and len(name) <= names.NAME_MAX and name == name.strip()
    assert not any(unicodedata.category(ch).startswith("C") or ch in "\u2028\u2029"
                   for ch in name)


@given(st.text(max_size=200))
def test_an_accepted_user_name_is_plain(text: str) -> None:
    try:
        name = names.checked_username(text)
    except names.BadName:
        return
    assert name.isascii() and " " not in name and "/" not in name and "<" not in name


@pytest.mark.parametrize("name", ["Cabinet du Dr Lefèvre", "Poste d'accueil n°2",
                                  "Salle 3 – fauteuil", "医院"])
def test_ordinary_names_pass(name: str) -> None:
    assert names.checked_name(name) == name


def test_a_long_subject_is_cut() -> None:
    assert names.header_safe("x" * 500).endswith("…")
