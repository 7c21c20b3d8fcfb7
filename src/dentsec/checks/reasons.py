"""The sentence a practice reads when a check is unknown or without object: which fact,
and why it could not be seen, in French (English with ``--lang en``). The collector's
technical reason stays in the finding's evidence."""

from __future__ import annotations

from dentsec.checks.catalog import Text
from dentsec.checks.registry import NotApplicable, Unknown
from dentsec.vocab import ErrorKind, OSFamily

FAMILY_LABELS: dict[str, Text] = {
    "os": {"fr": "la version du système", "en": "the system version"},
    "updates": {"fr": "les mises à jour", "en": "the updates"},
    "software": {"fr": "les logiciels installés", "en": "the installed software"},
    "password_policy": {"fr": "la politique de mots de passe", "en": "the password policy"},
    "passwords": {"fr": "les mots de passe enregistrés (fichiers, navigateurs)",
                  "en": "the saved passwords (files, browsers)"},
    "accounts": {"fr": "les comptes du poste", "en": "the workstation's accounts"},
    "screen_lock": {"fr": "le verrouillage de l'écran", "en": "the screen lock"},
    "backup": {"fr": "les sauvegardes", "en": "the backups"},
    "downloads": {"fr": "les réglages de téléchargement", "en": "the download settings"},
    "antivirus": {"fr": "l'antivirus", "en": "the antivirus"},
    "firewall": {"fr": "le pare-feu", "en": "the firewall"},
    "network": {"fr": "les services ouverts sur le réseau", "en": "the services open to the network"},
    "remote_access": {"fr": "les accès à distance", "en": "remote access"},
    "disk_encryption": {"fr": "le chiffrement du disque", "en": "the disk encryption"},
}
FIELD_LABELS: dict[str, Text] = {
    "accounts.uac_enabled": {"fr": "le contrôle de compte d'utilisateur (UAC)",
                             "en": "User Account Control (UAC)"},
    "accounts.uid0_accounts": {"fr": "les comptes cachés avec les droits de root",
                               "en": "hidden accounts with root's rights"},
    "downloads.reputation_check": {"fr": "le filtre de réputation des téléchargements",
                                   "en": "the download reputation filter"},
    "downloads.autorun_disabled": {"fr": "l'exécution automatique des supports amovibles",
                                   "en": "AutoRun of removable media"},
    "remote_access.smb1_enabled": {"fr": "le protocole SMBv1", "en": "the SMBv1 protocol"},
    "remote_access.rdp_nla": {"fr": "l'authentification préalable du bureau à distance (NLA)",
                              "en": "remote desktop Network Level Authentication"},
    "remote_access.ssh_password_auth": {"fr": "la connexion SSH par mot de passe",
                                        "en": "SSH password login"},
    "remote_access.ssh_root_login": {"fr": "la connexion SSH de root", "en": "SSH root login"},
    "backup.shadow_copies": {"fr": "les clichés instantanés", "en": "shadow copies"},
    "software.unwanted": {"fr": "la présence de logiciels indésirables",
                          "en": "whether unwanted software is installed"},
    "antivirus.realtime": {"fr": "la protection en temps réel de l'antivirus",
                           "en": "the antivirus's real-time protection"},
    "antivirus.signature_age_days": {"fr": "l'âge des signatures de l'antivirus",
                                     "en": "the age of the antivirus signatures"},
}
KIND_TEXT: dict[ErrorKind | None, Text] = {
    ErrorKind.COMMAND_MISSING: {"fr": "l'outil qui permet de le lire n'est pas installé sur ce poste",
                                "en": "the tool that reads it is not installed on this workstation"},
    ErrorKind.TIMEOUT: {"fr": "la commande qui le lit n'a pas répondu à temps",
                        "en": "the command that reads it did not answer in time"},
    ErrorKind.PERMISSION: {"fr": "droits insuffisants : relancez l'audit en administrateur",
                           "en": "not enough rights: run the audit as administrator"},
    ErrorKind.FILE_MISSING: {"fr": "le fichier qui le décrit est absent",
                             "en": "the file that describes it is absent"},
    ErrorKind.IS_A_DIRECTORY: {"fr": "un dossier se trouve à la place du fichier attendu",
                               "en": "a folder stands where a file was expected"},
    ErrorKind.OFFLINE: {"fr": "cela ne se lit que sur un poste en marche, pas sur un disque "
                              "analysé hors ligne",
                        "en": "this can only be read on a running machine, not on a disk "
                              "audited offline"},
    ErrorKind.NOT_COLLECTED: {"fr": "le paquet de preuves ne contient pas cette information",
                              "en": "the evidence bundle does not hold this information"},
    ErrorKind.OUTSIDE_ROOT: {"fr": "le fichier renvoie hors du disque analysé",
                             "en": "the file points outside the audited disk"},
    ErrorKind.OS_ERROR: {"fr": "le système a refusé la lecture", "en": "the system refused the read"},
    ErrorKind.COMMAND_FAILED: {"fr": "la commande qui le lit a échoué",
                               "en": "the command that reads it failed"},
    ErrorKind.UNSUPPORTED: {"fr": "dentsec ne sait pas encore le lire sur ce système",
                            "en": "dentsec cannot read it on this system yet"},
    ErrorKind.COLLECTOR_ERROR: {"fr": "erreur interne de dentsec pendant la lecture (merci de la "
                                      "signaler)",
                                "en": "internal dentsec error while reading it (please report it)"},
    ErrorKind.CHECK_ERROR: {"fr": "erreur interne de dentsec dans ce contrôle (merci de la "
                                  "signaler)",
                            "en": "internal dentsec error in this check (please report it)"},
    None: {"fr": "les informations lues ne suffisent pas à conclure (voir le détail technique)",
           "en": "what could be read is not enough to conclude (see the technical detail)"},
}


def fact_label(fact: str) -> Text:
    """"accounts.uac_enabled" -> the words a practice knows for it."""
    return FIELD_LABELS.get(fact) or FAMILY_LABELS.get(fact.split(".")[0]) or {
        "fr": "cette information", "en": "this information"}


def unknown_message(exc: Unknown) -> Text:
    label, why = fact_label(exc.fact), KIND_TEXT[exc.kind]
    return {"fr": f"Impossible de vérifier {label['fr']} : {why['fr']}.",
            "en": f"Cannot check {label['en']}: {why['en']}."}


def check_error_message() -> Text:
    why = KIND_TEXT[ErrorKind.CHECK_ERROR]
    return {"fr": f"Impossible de conclure : {why['fr']}.", "en": f"Cannot conclude: {why['en']}."}


def na_message(exc: NotApplicable, os_family: OSFamily) -> Text:
    if exc.why:
        return exc.why
    label = fact_label(exc.fact)
    return {"fr": f"Sans objet sur {os_family.label} : ce système ne prévoit pas {label['fr']}.",
            "en": f"Not applicable on {os_family.label}: {label['en']} is not part of this "
                  "system."}
