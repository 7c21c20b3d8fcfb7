"""The course's content: a module per guide rule plus theft and phishing, each short,
in French and English, ending with a quiz of 4 to 6 questions explained."""

from __future__ import annotations

from dentsec.people import modules

READING_WORDS_PER_MINUTE = 150  # a slow reader: the module fits in five minutes


def test_one_module_per_rule_plus_theft_and_phishing() -> None:
    found = modules()
    assert sorted(m.rule for m in found.values() if m.rule) == [1, 2, 3, 4, 5, 6]
    assert {"M-THEFT", "M-PHISHING"} <= set(found)


def test_every_module_is_short_bilingual_and_explained() -> None:
    for module in modules().values():
        assert 4 <= len(module.quiz) <= 6, module.id
        for lang in ("fr", "en"):
            texts = [module.title, module.story, module.habit, module.recommendation]
            for item in module.quiz:
                texts += [item.question, item.explain, *item.choices]
                assert len(item.choices) >= 2
                assert len({c[lang] for c in item.choices}) == len(item.choices)
            assert all(t[lang].strip() for t in texts), (module.id, lang)
            words = sum(len(t[lang].split()) for t in texts)
            assert words / READING_WORDS_PER_MINUTE < 5, (module.id, lang, words)
