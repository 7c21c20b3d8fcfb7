"""Click's own texts (usage, help, usage errors) in French.

Click asks ``gettext`` for each of them through a module-level ``_``/``ngettext``; we put our
lookup in their place, so the words follow ``--lang`` like every other text. The keys are
Click's English messages, placeholders unchanged; an unlisted message stays in English.
"""

from __future__ import annotations

import importlib

from dentsec.i18n import language

CLICK_FR: dict[str, str] = {
    "Aborted!": "Interrompu !",
    "deprecated": "obsolète",
    # Click writes "{heading}:"; the trailing space gives French typography ("Options :").
    "Options": "Options ",
    "Positional arguments": "Arguments ",
    "Commands": "Commandes ",
    "Missing command.": "Commande manquante.",
    "Value must be an iterable.": "La valeur doit être une liste.",
    "env var: {var}": "variable d'environnement : {var}",
    "default: {default}": "par défaut : {default}",
    "(dynamic)": "(dynamique)",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "Il manque : {param_type}",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "unknown error": "erreur inconnue",
    "Could not open file {filename!r}: {message}":
        "Impossible d'ouvrir le fichier {filename!r} : {message}",
    "Usage:": "Utilisation :",
    "Invalid start character for option ({option})":
        "Caractère de début invalide pour une option ({option})",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} attend {nargs} valeurs.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} n'est pas un oui/non valide. Valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    "{name} {filename!r} is a file.": "{name} {filename!r} : c'est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} : c'est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} : lecture refusée.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} : écriture refusée.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} : exécution refusée.",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.":
        "Erreur : les deux saisies ne correspondent pas.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
}
CLICK_FR_PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Argument en trop : {args}", "Arguments en trop : {args}"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Attend {nargs} valeurs, 1 seule donnée.", "Attend {nargs} valeurs, {len} données."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Vouliez-vous dire {possibility} ?", "(Vouliez-vous dire : {possibilities} ?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("L'option {name!r} demande une valeur.", "L'option {name!r} demande {nargs} valeurs."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} n'est pas {choice}.", "{value!r} ne fait pas partie de : {choices}."),
    ("{value!r} does not match the format {format}.",
     "{value!r} does not match the formats {formats}."):
        ("{value!r} ne correspond pas au format {format}.",
         "{value!r} ne correspond à aucun des formats {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} valeurs attendues, {len_value} donnée.",
         "{len_type} valeurs attendues, {len_value} données."),
}
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def gettext(message: str) -> str:
    return CLICK_FR.get(message, message) if language() == "fr" else message


def ngettext(singular: str, plural: str, n: int) -> str:
    if language() == "fr":
        fr_singular, fr_plural = CLICK_FR_PLURAL.get((singular, plural), (singular, plural))
        return fr_singular if n <= 1 else fr_plural  # French: 0 and 1 are singular
    return singular if n == 1 else plural


def install() -> None:
    """Make Click ask us for its texts (idempotent)."""
    for name in CLICK_MODULES:
        names = vars(importlib.import_module(f"click.{name}"))
        if "_" in names:
            names["_"] = gettext
        if "ngettext" in names:
            names["ngettext"] = ngettext
