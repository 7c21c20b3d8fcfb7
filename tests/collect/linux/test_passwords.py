from __future__ import annotations

import pytest

from dentsec.collect.linux.passwords import looks_like_password_file


@pytest.mark.parametrize("name", [
    "motsdepasse.txt", "Mots de passe.docx", "mot-de-passe cabinet.odt", "MDP.xlsx",
    "mdp_banque.txt", "passwords.csv", "Password.txt", "identifiants ameli.pdf",
    "codes.txt", "Codes Doctolib.ods", "login.txt", "passwd",
])
def test_names_that_suggest_passwords(name: str) -> None:
    assert looks_like_password_file(name)


@pytest.mark.parametrize("name", [
    "compte-rendu.odt", "radio-panoramique.jpg", "passwords.kdbx", "codec.txt",
    "blogin.txt", "unicode.txt", "postcodes.csv", "mdpi.txt", "password.py",
])
def test_other_names(name: str) -> None:
    assert not looks_like_password_file(name)
