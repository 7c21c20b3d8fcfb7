"""The framework mappings: every id they name exists, every ANS Mémento rule is covered,
and `dentsec checks --framework` tells the practice what is probed, declared, trained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentsec.checks.catalog import CatalogError
from dentsec.frameworks import FRAMEWORK_IDS, load_framework, summary
from dentsec.people import modules, questions

DENTSEC = [sys.executable, "-c", "from dentsec.cli import run; run()"]


def dentsec(*args: str, home: Path, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG=lang, COLUMNS="100")
    return subprocess.run([*DENTSEC, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_every_ans_memento_rule_has_a_check_a_question_or_a_module() -> None:
    memento = load_framework("ans-memento")
    assert [r.id for r in memento.requirements] == [f"ANS-{n}" for n in range(1, 11)]
    for req in memento.requirements:
        assert req.checks or req.questions or req.modules, req.id
        assert req.coverage != ("none",)


def test_the_anssi_guide_has_its_42_measures_and_the_catalog_measures_count() -> None:
    guide = load_framework("anssi-hygiene")
    by_id = {r.id: r for r in guide.requirements}
    assert sorted(by_id, key=int) == [str(n) for n in range(1, 43)]
    assert "FW-ENABLED" in by_id["17"].checks
    assert "BAK-RESTORE-TESTED" in by_id["37"].checks  # declared for 37.R as well
    assert by_id["1"].coverage == ("none",)


def test_every_question_and_module_serves_some_framework() -> None:
    named_q = {q for f in FRAMEWORK_IDS for r in load_framework(f).requirements
               for q in r.questions}
    named_m = {m for f in FRAMEWORK_IDS for r in load_framework(f).requirements
               for m in r.modules}
    assert named_q == set(questions())
    assert named_m == set(modules())


def test_every_text_exists_in_french_and_english() -> None:
    texts = [t for f in FRAMEWORK_IDS for t in
             [load_framework(f).title, *(r.title for r in load_framework(f).requirements)]]
    texts += [t for q in questions().values() for t in (q.text, q.fix)]
    texts += [m.title for m in modules().values()]
    for text in texts:
        assert text["fr"].strip() and text["en"].strip(), text


def test_an_unknown_id_in_a_framework_file_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dentsec.frameworks as frameworks

    (tmp_path / "cnil.toml").write_text(
        'id = "cnil"\ntitle = { fr = "x", en = "x" }\n[[requirement]]\nid = "A"\n'
        'title = { fr = "a", en = "a" }\nchecks = ["NO-SUCH-CHECK"]\n', encoding="utf-8")
    monkeypatch.setattr(frameworks, "HERE", tmp_path)
    load_framework.cache_clear()
    try:
        with pytest.raises(CatalogError, match="NO-SUCH-CHECK"):
            load_framework("cnil")
    finally:
        load_framework.cache_clear()


def test_checks_framework_json_lists_what_covers_each_requirement(tmp_path: Path) -> None:
    res = dentsec("checks", "--framework", "ans-memento", "--format", "json", home=tmp_path)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["framework"] == "ans-memento"
    assert out["summary"] == summary(load_framework("ans-memento"))
    assert out["summary"]["none"] == 0
    cards = next(r for r in out["requirements"] if r["id"] == "ANS-4")
    assert "CPx" in cards["title"]
    assert cards["questions"] == ["Q-CPS-CARD", "Q-PRO-SANTE-CONNECT"]
    assert cards["coverage"] == ["declared", "trained"]
    en = json.loads(dentsec("checks", "--framework", "cnil", "--format", "json",
                            home=tmp_path, lang="en").stdout)
    breach = next(r for r in en["requirements"] if r["id"] == "CNIL-BREACH-72H")
    assert "72 hours" in breach["title"]


def test_checks_framework_table_speaks_french_then_english(tmp_path: Path) -> None:
    fr = dentsec("checks", "--framework", "anssi-hygiene", home=tmp_path)
    assert fr.returncode == 0, fr.stderr
    assert "non couvert" in fr.stdout and "sondé" in fr.stdout
    assert "Activer et configurer le pare-feu local" in fr.stdout
    en = dentsec("checks", "--framework", "ans-memento", home=tmp_path, lang="en")
    assert "Use a password manager" in en.stdout and "not covered 0 / 10" in en.stdout
    bad = dentsec("checks", "--framework", "iso27001", home=tmp_path)
    assert bad.returncode == 2 and "iso27001" in bad.stderr
