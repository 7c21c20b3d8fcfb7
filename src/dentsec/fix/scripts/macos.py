"""macOS fixes as POSIX sh scripts run with sudo: socketfilterfw, spctl, softwareupdate and
defaults, sysadminctl, pwpolicy. The state file holds ``key=value`` lines whose values are
words or numbers only, so the undo reads them back without any quoting issue."""

from __future__ import annotations

from dentsec.fix.scripts.model import ScriptFix

PRELUDE = r"""
set -eu
STATE="${1:?usage: $0 STATE_FILE}"

# Elevation is asked by whoever starts the script (sudo); checked, never assumed.
if [ "$(id -u)" -ne 0 ]; then
    echo "Droits administrateur nécessaires : relancez avec sudo. Rien n'a été modifié." >&2
    exit 3
fi

save_state() {
    # The previous values are written before any change; an existing state is never overwritten.
    if [ -e "$STATE" ]; then
        echo "État déjà enregistré dans $STATE : annulez d'abord le correctif précédent. Rien n'a été modifié." >&2
        exit 4
    fi
    umask 077
    mkdir -p "$(dirname "$STATE")"
    cat > "$STATE.tmp"
    mv "$STATE.tmp" "$STATE"
}

state_get() {
    sed -n "s/^$1=//p" "$STATE"
}

console_user() {
    # stat(1): the owner of /dev/console is the person signed in at the screen.
    stat -f %Su /dev/console
}
"""

SOCKETFILTERFW = "/usr/libexec/ApplicationFirewall/socketfilterfw"
SU_DOMAIN = "/Library/Preferences/com.apple.SoftwareUpdate"
SU_KEYS = ("AutomaticCheckEnabled", "AutomaticDownload", "CriticalUpdateInstall",
           "ConfigDataInstall", "AutomaticallyInstallMacOSUpdates")
MIN_LENGTH = 12
LOCK_AFTER = 5

FIREWALL = ScriptFix(
    name="macos-firewall", os="macos", checks=("FW-ENABLED",),
    title={"fr": "Coupe-feu de macOS activé", "en": "macOS firewall on"},
    changes={"fr": "Active le coupe-feu applicatif (Réglages > Réseau > Coupe-feu).",
             "en": "Turns the application firewall on (Settings > Network > Firewall)."},
    risks={"fr": "Les apps signées gardent leurs connexions ; une app inconnue qui attend des "
                 "connexions affichera une demande d'autorisation.",
           "en": "Signed apps keep their connections; an unknown app waiting for connections "
                 "will show a permission prompt."},
    docs=("https://support.apple.com/guide/mac-help/block-connections-to-your-mac-with-a-firewall-mh34041/mac",
          "https://developer.apple.com/documentation/devicemanagement/firewall"),
    apply=rf"""
FW={SOCKETFILTERFW}
# socketfilterfw --getglobalstate prints "Firewall is enabled. (State = 1)" (2: essential only).
before=off
if "$FW" --getglobalstate | grep -q 'State = [12]'; then before=on; fi
printf 'globalstate=%s\n' "$before" | save_state
# socketfilterfw --setglobalstate on|off
# https://support.apple.com/guide/mac-help/block-connections-to-your-mac-with-a-firewall-mh34041/mac
"$FW" --setglobalstate on
""",
    undo=rf"""
FW={SOCKETFILTERFW}
# https://support.apple.com/guide/mac-help/block-connections-to-your-mac-with-a-firewall-mh34041/mac
"$FW" --setglobalstate "$(state_get globalstate)"
""")

GATEKEEPER = ScriptFix(
    name="macos-gatekeeper", os="macos", checks=("DL-REPUTATION",),
    title={"fr": "Gatekeeper activé : seules les apps vérifiées s'ouvrent",
           "en": "Gatekeeper on: only checked apps open"},
    changes={"fr": "Réactive l'évaluation des apps téléchargées (spctl).",
             "en": "Turns the assessment of downloaded apps back on (spctl)."},
    risks={"fr": "Une app non signée demandera une autorisation (clic droit > Ouvrir).",
           "en": "An unsigned app will ask for permission (right-click > Open)."},
    docs=("https://support.apple.com/guide/security/gatekeeper-and-runtime-protection-sec5599b66df/web",
          "https://manp.gs/mac/8/spctl"),
    apply=r"""
# spctl --status prints "assessments enabled" or "assessments disabled".
before=disabled
if spctl --status 2>&1 | grep -q 'assessments enabled'; then before=enabled; fi
printf 'assessments=%s\n' "$before" | save_state
# spctl(8): --global-enable (macOS 15), --master-enable before it.
# https://manp.gs/mac/8/spctl
spctl --global-enable 2>/dev/null || spctl --master-enable
""",
    undo=r"""
if [ "$(state_get assessments)" = disabled ]; then
    # macOS 15 asks to confirm this in System Settings > Privacy & Security.
    # https://manp.gs/mac/8/spctl
    spctl --global-disable 2>/dev/null || spctl --master-disable
fi
""")

_SU_SAVE = "\n".join(
    f"printf '{key}=%s\\n' \"$(defaults read {SU_DOMAIN} {key} 2>/dev/null || echo absent)\""
    for key in SU_KEYS)
_SU_KEYS = " ".join(SU_KEYS)


UPDATES = ScriptFix(
    name="macos-automatic-updates", os="macos", checks=("UPD-AUTO",),
    title={"fr": "Mises à jour automatiques de macOS et de sécurité",
           "en": "Automatic macOS and security updates"},
    changes={"fr": "Active la recherche, le téléchargement et l'installation automatiques des "
                   "mises à jour (réponses de sécurité, fichiers système, macOS).",
             "en": "Turns on automatic check, download and install of updates (security "
                   "responses, system files, macOS)."},
    risks={"fr": "macOS peut redémarrer la nuit pour installer : enregistrez votre travail le "
                 "soir. Un logiciel métier ancien peut demander à attendre une version : "
                 "voyez avec son éditeur.",
           "en": "macOS may restart at night to install: save your work in the evening. Old "
                 "practice software may need to wait for a version: ask its vendor."},
    docs=("https://support.apple.com/guide/deployment/about-software-updates-depc4c80847a/web",
          "https://manp.gs/mac/8/softwareupdate"),
    apply=rf"""
{{
{_SU_SAVE}
}} | save_state
# softwareupdate(8): --schedule on turns on the automatic check.
# https://manp.gs/mac/8/softwareupdate
softwareupdate --schedule on
# com.apple.SoftwareUpdate keys, as Apple's deployment guide names them; defaults(1).
# https://support.apple.com/guide/deployment/about-software-updates-depc4c80847a/web
for key in {_SU_KEYS}; do
    defaults write {SU_DOMAIN} "$key" -bool true
done
""",
    undo=rf"""
restore_key() {{
    value="$(state_get "$1")"
    # https://manp.gs/mac/1/defaults
    if [ "$value" = absent ]; then defaults delete {SU_DOMAIN} "$1" 2>/dev/null || true
    elif [ "$value" = 1 ]; then defaults write {SU_DOMAIN} "$1" -bool true
    else defaults write {SU_DOMAIN} "$1" -bool false; fi
}}
for key in {_SU_KEYS}; do
    restore_key "$key"
done
""")

SCREEN_LOCK = ScriptFix(
    name="macos-screen-lock", os="macos", checks=("ACC-SCREEN-LOCK",),
    title={"fr": "Économiseur d'écran après 5 minutes, mot de passe aussitôt",
           "en": "Screen saver after 5 minutes, password at once"},
    changes={"fr": "Pour la personne connectée : économiseur après 5 minutes (idleTime 300) et "
                   "mot de passe demandé immédiatement (sysadminctl -screenLock immediate).",
             "en": "For the person signed in: screen saver after 5 minutes (idleTime 300) and "
                   "password asked at once (sysadminctl -screenLock immediate)."},
    risks={"fr": "sysadminctl demande le mot de passe de la personne connectée : elle le tape "
                 "elle-même, il n'est ni gardé ni transmis.",
           "en": "sysadminctl asks for the signed-in person's password: they type it "
                 "themselves, it is neither kept nor sent."},
    docs=("https://support.apple.com/guide/mac-help/require-a-password-after-waking-your-mac-mchlp2270/mac",
          "https://manp.gs/mac/8/sysadminctl"),
    apply=r"""
user="$(console_user)"
idle="$(sudo -u "$user" defaults -currentHost read com.apple.screensaver idleTime 2>/dev/null || echo absent)"
# sysadminctl -screenLock status writes "screenLock delay is immediate" / "screenLock is off" to stderr.
lock="$(sudo -u "$user" sysadminctl -screenLock status 2>&1 | sed -n 's/.*screenLock delay is \([0-9a-z]*\).*/\1/p; s/.*screenLock is off.*/off/p')"
printf 'user=%s\nidleTime=%s\nscreenLock=%s\n' "$user" "$idle" "${lock:-off}" | save_state
# defaults(1) -currentHost: the per-Mac screen saver settings of the person.
# https://manp.gs/mac/1/defaults
sudo -u "$user" defaults -currentHost write com.apple.screensaver idleTime -int 300
# sysadminctl(8) -screenLock immediate|off|SECONDS -password - (asked on the terminal)
# https://manp.gs/mac/8/sysadminctl
sudo -u "$user" sysadminctl -screenLock immediate -password -
""",
    undo=r"""
user="$(state_get user)"
idle="$(state_get idleTime)"
if [ "$idle" = absent ]; then
    # https://manp.gs/mac/1/defaults
    sudo -u "$user" defaults -currentHost delete com.apple.screensaver idleTime 2>/dev/null || true
else
    # https://manp.gs/mac/1/defaults
    sudo -u "$user" defaults -currentHost write com.apple.screensaver idleTime -int "$idle"
fi
# https://manp.gs/mac/8/sysadminctl
sudo -u "$user" sysadminctl -screenLock "$(state_get screenLock)" -password -
""")


def password_policy_plist(min_length: int = MIN_LENGTH, lock_after: int = LOCK_AFTER) -> str:
    """The account policies pwpolicy -setaccountpolicies reads (pwpolicy(8) plist format)."""
    classes = (("upper", "[A-Z]"), ("lower", "[a-z]"), ("digit", "[0-9]"),
               ("special", "[^a-zA-Z0-9]"))
    content = [f"""    <dict>
      <key>policyContent</key>
      <string>policyAttributePassword matches '.{{{min_length},}}+'</string>
      <key>policyIdentifier</key>
      <string>fr.dentsec.min-length</string>
      <key>policyParameters</key>
      <dict><key>minimumLength</key><integer>{min_length}</integer></dict>
    </dict>"""]
    content += [f"""    <dict>
      <key>policyContent</key>
      <string>policyAttributePassword matches '(.*{pattern}.*){{1,}}+'</string>
      <key>policyIdentifier</key>
      <string>fr.dentsec.{name}</string>
    </dict>""" for name, pattern in classes]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>policyCategoryAuthentication</key>
  <array>
    <dict>
      <key>policyContent</key>
      <string>(policyAttributeFailedAuthentications &lt; policyAttributeMaximumFailedAuthentications) OR (policyAttributeCurrentTime &gt; (policyAttributeLastFailedAuthenticationTime + autoEnableInSeconds))</string>
      <key>policyIdentifier</key>
      <string>fr.dentsec.lockout</string>
      <key>policyParameters</key>
      <dict>
        <key>autoEnableInSeconds</key><integer>900</integer>
        <key>policyAttributeMaximumFailedAuthentications</key><integer>{lock_after}</integer>
      </dict>
    </dict>
  </array>
  <key>policyCategoryPasswordContent</key>
  <array>
{chr(10).join(content)}
  </array>
</dict>
</plist>
"""


PASSWORD_POLICY = ScriptFix(
    name="macos-password-policy", os="macos",
    checks=("PWD-MIN-LENGTH", "PWD-COMPLEXITY", "PWD-LOCKOUT"),
    title={"fr": "Mots de passe de 12 caractères, 4 types, blocage après 5 essais (pwpolicy)",
           "en": "Passwords of 12 characters, 4 classes, lockout after 5 attempts (pwpolicy)"},
    changes={"fr": "Remplace les règles de comptes globales (pwpolicy) : longueur 12, "
                   "majuscule, minuscule, chiffre et caractère spécial, blocage 15 minutes "
                   "après 5 essais ratés.",
             "en": "Replaces the global account policies (pwpolicy): length 12, upper, lower, "
                   "digit and special character, 15-minute lockout after 5 failed attempts."},
    risks={"fr": "Les mots de passe actuels restent valables jusqu'au prochain changement. Un "
                 "profil de gestion (MDM) qui impose ses règles l'emporte.",
           "en": "Current passwords stay valid until their next change. A management (MDM) "
                 "profile imposing its rules wins."},
    docs=("https://manp.gs/mac/8/pwpolicy",),
    apply=rf"""
# pwpolicy(8) -getaccountpolicies prints "Getting global account policies" then the plist.
# https://manp.gs/mac/8/pwpolicy
pwpolicy -getaccountpolicies 2>/dev/null | sed '/^Getting global account policies/d' > "$STATE.plist.tmp"
if grep -q '<key>policyCategory' "$STATE.plist.tmp"; then saved=plist; else saved=none; fi
mv "$STATE.plist.tmp" "$STATE.plist"
printf 'policies=%s\n' "$saved" | save_state
policy="$(mktemp)"
cat > "$policy" <<'PLIST'
{password_policy_plist().rstrip()}
PLIST
# https://manp.gs/mac/8/pwpolicy
pwpolicy -setaccountpolicies "$policy"
rm -f "$policy"
""",
    undo=r"""
# https://manp.gs/mac/8/pwpolicy
if [ "$(state_get policies)" = plist ]; then
    pwpolicy -setaccountpolicies "$STATE.plist"
else
    pwpolicy -clearaccountpolicies
fi
""")

FIXES = (FIREWALL, GATEKEEPER, UPDATES, SCREEN_LOCK, PASSWORD_POLICY)
