"""``dentsec password``: check, generate, vault. Passwords come from a hidden prompt or
standard input, never from the command line, and are never printed (except the one
``generate`` makes for you), logged or written to a file."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from dentsec.checks.policy import Policy, load_policy
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.i18n import tr

T = TypeVar("T")

policy_option = click.option(
    "--policy", "policy_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Fichier de politique TOML (longueur, types de caractères, renouvellement) / "
         "policy TOML file.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Sortie lisible ou JSON (une ligne par mot de passe) / readable or JSON output.")


def _echo_json(obj: dict[str, Any]) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def stdin_lines() -> Iterator[str]:
    """One value per line of standard input, line ending removed, undecodable bytes
    replaced rather than fatal."""
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _hidden(prompt: str, flag: str, example: str) -> str:
    """Read a secret at a hidden prompt; without a terminal (a pipe, a scheduled task)
    there is none to hide it in, so say how to pass it on standard input instead."""
    if not sys.stdin.isatty():
        raise DentsecError(
            "Aucun terminal pour saisir le mot de passe en masqué. Envoyez-le sur l'entrée "
            f"standard avec l'option {flag}, une valeur par ligne (par exemple : "
            f"{example} < fichier).",
            f"No terminal to type the password hidden. Send it on standard input with the "
            f"{flag} option, one value per line (for example: {example} < file).")
    value: str = click.prompt(prompt, hide_input=True, prompt_suffix=" : ", err=True)
    return value


def _nonempty(lines: Iterator[str]) -> Iterator[str]:
    """``lines``, or an error if there is not even one: empty input is a mistake (a file
    or a pipe that gave nothing), not a success."""
    first = next(lines, None)
    if first is None:
        raise DentsecError(
            "Rien à vérifier : l'entrée standard est vide. Envoyez un mot de passe par ligne "
            "(par exemple : dentsec password check --stdin < fichier).",
            "Nothing to check: standard input is empty. Send one password per line (for "
            "example: dentsec password check --stdin < file).")
    yield first
    yield from lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@lang_option
def password() -> None:
    """Mots de passe (règle 1) : vérifier, générer, contrôler un coffre KeePass.

    Passwords (rule 1): check, generate, review a KeePass vault.
    """


@password.command()
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Lire les mots de passe sur l'entrée standard, un par ligne / read "
                   "passwords from standard input, one per line.")
@click.option("--online", is_flag=True,
              help="Consulter aussi Have I Been Pwned (seuls 5 caractères de l'empreinte "
                   "SHA-1 sont envoyés) / also ask Have I Been Pwned (k-anonymity).")
@format_option
@policy_option
@lang_option
@handle_errors
def check(from_stdin: bool, online: bool, fmt: str, policy_file: Path | None) -> None:
    """Évaluer un mot de passe (invite masquée, ou --stdin) sans jamais l'afficher.

    Evaluate a password (hidden prompt, or --stdin) without ever showing it. Exit status:
    0 all acceptable, 1 at least one is not, 2 error.
    """
    from dentsec.passwords.assess import assess

    policy = load_policy(policy_file)
    passwords = _nonempty(stdin_lines()) if from_stdin else iter(
        [_hidden(tr("Mot de passe", "Password"), "--stdin", "dentsec password check --stdin")])
    client = None
    if online:
        from dentsec.passwords.hibp import HibpClient  # httpx is slow to import

        client = HibpClient()
    all_ok = True
    try:
        for number, secret in enumerate(passwords, 1):
            count = None
            if client is not None:
                try:
                    count = client.count(secret)
                except DentsecError as exc:
                    click.echo(exc.message() + tr(" Suite sans vérification en ligne.",
                                                  " Going on without the online check."),
                               err=True)
                    client.close()
                    client = None
            verdict = _safely(assess, secret, policy, count)
            all_ok = all_ok and verdict.acceptable
            if fmt == "json":
                _echo_json(verdict.to_json())
            else:
                _print_verdict(tr(f"Mot de passe n° {number}", f"Password #{number}"), verdict)
    finally:
        if client is not None:
            client.close()
    sys.exit(0 if all_ok else 1)


def _safely(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn``; an unexpected failure is reported by its type only, as its message or
    traceback could quote a password."""
    try:
        return fn(*args)
    except DentsecError:
        raise
    except Exception as exc:  # noqa: BLE001 - see docstring
        raise DentsecError(
            f"Erreur interne pendant l'évaluation ({type(exc).__name__}). Merci de la "
            "signaler (aucun mot de passe n'a été affiché ni enregistré).",
            f"Internal error during the evaluation ({type(exc).__name__}). Please report "
            "it (no password was shown or stored).",
        ) from None


def _print_verdict(label: str, verdict: Any) -> None:
    state = (click.style(tr("ACCEPTABLE", "ACCEPTABLE"), fg="green") if verdict.acceptable
             else click.style(tr("À CHANGER", "CHANGE IT"), fg="red"))
    click.echo(tr(f"{label} : {state} (force {verdict.score}/4)",
                  f"{label}: {state} (strength {verdict.score}/4)"))
    for sentence in verdict.feedback:
        click.echo(f"  - {sentence}")


@password.command()
@click.option("--method", type=click.Choice(["sentence", "phonetic", "passphrase", "random"]),
              default="passphrase", show_default=True,
              help="sentence : premières lettres d'une phrase ; phonetic : écriture "
                   "phonétique ; passphrase : mots tirés au hasard ; random : caractères "
                   "aléatoires.")
@click.option("--length", type=click.IntRange(1, 128), default=None,
              help="random : longueur (16 au moins) / length (at least 16).")
@click.option("--words", type=click.IntRange(1, 20), default=None,
              help="passphrase : nombre de mots (2 au moins, 5 par défaut) / number of words.")
@click.option("--stdin", "from_stdin", is_flag=True,
              help="sentence/phonetic : lire la phrase sur l'entrée standard / read the "
                   "sentence from standard input.")
@format_option
@policy_option
@lang_option
@handle_errors
def generate(method: str, length: int | None, words: int | None, from_stdin: bool, fmt: str,
             policy_file: Path | None) -> None:
    """Créer un mot de passe solide et facile à retenir.

    Make a strong password: from your own sentence (first letters or phonetic writing),
    or drawn at random. Exit status 1 when a sentence gives a password that falls short.
    """
    from dentsec.passwords import generate as gen

    policy = load_policy(policy_file)
    if method in ("passphrase", "random"):
        made = gen.passphrase(policy, words) if method == "passphrase" else \
            gen.random_password(policy, length)
        _show_generated(method, made.password, [], policy, fmt, made.entropy_bits, made.why)
        sys.exit(0)
    if from_stdin:
        sentence = next(stdin_lines(), "")
    else:
        sentence = click.prompt(
            tr("Tapez une phrase facile à retenir pour vous (personne ne doit pouvoir la "
               "deviner)", "Type a sentence easy for you to remember (no one should be "
               "able to guess it)"), err=True)
    if not sentence.strip():
        raise DentsecError("Aucune phrase saisie.", "No sentence given.")
    from dentsec.passwords.sentence import is_famous

    if is_famous(sentence):
        raise DentsecError(
            "Cette phrase est connue (hymne, chanson, film, proverbe ou titre) : les pirates "
            "essaient ces phrases, en entier comme en premières lettres. Choisissez une phrase "
            "personnelle, que vous seul connaissez (un souvenir, une habitude du cabinet).",
            "This sentence is well known (anthem, song, film, proverb or title): attackers try "
            "such sentences, in full and as first letters. Pick a personal sentence only you "
            "know (a memory, a habit of the practice).")
    if method == "sentence":
        from dentsec.passwords import sentence as module
    else:
        from dentsec.passwords import phonetic as module  # type: ignore[no-redef]
    steps = module.derive(sentence)
    made_password = module.password_of(steps)
    rows = [(s.source, s.written, s.why) for s in steps]
    acceptable = _show_generated(method, made_password, rows, policy, fmt, None, "")
    sys.exit(0 if acceptable else 1)


def _show_generated(method: str, made: str, steps: list[tuple[str, str, str]], policy: Policy,
                    fmt: str, drawn_bits: float | None, drawn_why: str) -> bool:
    """``drawn_bits``: entropy of a random draw; a sentence's password is measured by the
    checker instead (its bits are the guesses an attacker needs)."""
    from dentsec.passwords.assess import assess, bits_explained

    verdict = assess(made, policy)
    advice = _method_advice(method, verdict) if not verdict.acceptable else []
    if drawn_bits is None:
        bits, why = bits_explained(verdict.cover)
    else:
        bits, why = drawn_bits, drawn_why
    if fmt == "json":
        _echo_json({"method": method, "password": made,
                    "steps": [{"source": a, "written": b, "why": c} for a, b, c in steps],
                    "entropy_bits": round(bits, 1), "bits_why": why,
                    **verdict.to_json(), "advice": advice})
        return bool(verdict.acceptable)
    if steps:
        click.echo(tr("Étapes :", "Steps:"))
        width = max(len(a) for a, _, _ in steps)
        for source, written, reason in steps:
            click.echo(f"  {source:<{width}}  →  {written:<5} {reason}")
    click.echo(tr("Mot de passe : ", "Password: ") + click.style(made, bold=True))
    if drawn_bits is not None:
        click.echo(tr(f"Tiré au hasard : environ {bits:.0f} bits d'entropie : {why}",
                      f"Drawn at random: about {bits:.0f} bits of entropy: {why}"))
    else:
        click.echo(tr(f"Force : {why}", f"Strength: {why}"))
    _print_verdict(tr("Vérification", "Check"), verdict)
    for line in advice:
        click.echo(f"  → {line}")
    click.echo(tr("Enregistrez-le dans KeePass ; ne le notez ni dans un fichier ni dans le "
                  "navigateur.", "Save it in KeePass; do not write it in a file or the "
                  "browser."))
    return bool(verdict.acceptable)


def _method_advice(method: str, verdict: Any) -> list[str]:
    """Concrete fixes for a sentence that does not give a good enough password."""
    if method not in ("sentence", "phonetic"):
        return []
    advice = []
    if "min_length" in verdict.policy.failures:
        advice.append(tr("Allongez la phrase : chaque mot ajoute un caractère.",
                         "Make the sentence longer: each word adds a character."))
    missing = set(verdict.policy.missing_classes)
    if "upper" in missing:
        advice.append(tr("Mettez une majuscule : commencez la phrase par une majuscule ou "
                         "citez un nom propre (Lyon, Marie).",
                         "Add a capital: start the sentence with one or name a place or "
                         "a person (Lyon, Marie)."))
    if "digit" in missing:
        advice.append(tr("Glissez un nombre : une quantité (3 croissants), « deux », "
                         "« sept » ou « cet » (7).",
                         "Add a number: a quantity (3 croissants), \"deux\", \"sept\" or "
                         "\"cet\" (7)."))
    if "symbol" in missing:
        advice.append(tr("Gardez la ponctuation (! ? ,) ou utilisez « et » (&), « cent » "
                         "(%), « euros » (€).",
                         "Keep the punctuation (! ? ,) or use \"et\" (&), \"cent\" (%), "
                         "\"euros\" (€)."))
    if not advice:
        advice.append(tr("Choisissez une phrase moins connue (pas un proverbe ni une "
                         "chanson) et plus longue.", "Pick a less known sentence (no "
                         "proverb or song) and a longer one."))
    return advice


@password.command()
@click.argument("database", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Fichier clé de la base, s'il y en a un / the database's key file.")
@click.option("--password-stdin", is_flag=True,
              help="Lire le mot de passe maître sur l'entrée standard (première ligne) / "
                   "read the master password from standard input.")
@format_option
@policy_option
@lang_option
@handle_errors
def vault(database: Path, key_file: Path | None, password_stdin: bool, fmt: str,
          policy_file: Path | None) -> None:
    """Contrôler une base KeePass : mots de passe réutilisés, faibles ou anciens.

    Review a KeePass database: reused, weak or old passwords (titles and URLs only, never
    a password). Exit status: 0 nothing to fix, 1 something to fix, 2 error.
    """
    from dentsec.passwords.vault import open_vault, review

    policy = load_policy(policy_file)
    master = next(stdin_lines(), "") if password_stdin else \
        _hidden(tr("Mot de passe maître", "Master password"), "--password-stdin",
                f"dentsec password vault {database.name} --password-stdin")
    report = _safely(review, open_vault(database, master, key_file), policy)
    if fmt == "json":
        _echo_json(report.to_json())
    else:
        _print_vault(database, report)
    sys.exit(1 if report.to_fix else 0)


def _title(title: str) -> str:
    return title or tr("(sans titre)", "(untitled)")


def _near_why(group: Any) -> str:
    reasons = []
    if group.same_base:
        reasons.append(tr("mêmes lettres, chiffres ou symboles changés",
                          "same letters, digits or symbols changed"))
    if group.close:
        reasons.append(tr("un ou deux caractères de différence",
                          "one or two characters apart"))
    return " ; ".join(reasons)


def _where(ref: Any) -> str:
    parts = [_title(ref.title)]
    if ref.url:
        parts.append(ref.url)
    if ref.group:
        parts.append(f"[{ref.group}]")
    return " ".join(parts)


def _print_vault(database: Path, report: Any) -> None:
    click.echo(tr(f"Base {database.name} : {report.entries} entrées contrôlées.",
                  f"Database {database.name}: {report.entries} entries checked."))
    sections = (
        (tr("Mots de passe réutilisés (un mot de passe par service !)",
            "Reused passwords (one password per service!)"),
         [" = ".join(_title(r.title) for r in group) for group in report.reused]),
        (tr("Mots de passe presque identiques (un pirate qui en connaît un essaie les "
            "autres en premier)", "Nearly identical passwords (an attacker who knows one "
            "tries the others first)"),
         [" ≈ ".join(_title(t) for t in group.titles) + " — " + _near_why(group)
          for group in report.near]),
        (tr("Mots de passe faibles ou courants", "Weak or common passwords"),
         [f"{_where(w.entry)} — " + " ".join(w.feedback) for w in report.weak]),
        (tr(f"Inchangés depuis plus de {report.renewal_days} jours",
            f"Unchanged for more than {report.renewal_days} days"),
         [tr(f"{_where(o.entry)} — changé le {o.changed:%d/%m/%Y} ({o.age_days} jours)",
             f"{_where(o.entry)} — changed on {o.changed:%Y-%m-%d} ({o.age_days} days)")
          for o in report.old]),
        (tr("Expirés (date d'expiration KeePass passée) : à changer",
            "Expired (KeePass expiry date passed): to change"),
         [tr(f"{_where(x.entry)} — expiré le {x.expired:%d/%m/%Y}",
             f"{_where(x.entry)} — expired on {x.expired:%Y-%m-%d}") for x in report.expired]),
        (tr("Entrées sans mot de passe", "Entries without a password"),
         [_where(e) for e in report.empty]),
    )
    clean = True
    for title, lines in sections:
        if lines:
            clean = False
            click.echo(f"\n{title} ({len(lines)})" + tr(" :", ":"))
            for line in lines:
                click.echo(f"  - {line}")
    if clean:
        click.echo(tr("Rien à corriger.", "Nothing to fix."))
