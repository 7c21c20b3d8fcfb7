# --- agent (src/dentsec/agent/agent.sh, rendered by dentsec.agent.shell) -------------
#
#   sudo sh dentsec-agent.sh enroll --server https://console.example --token dse_...
#                                   [--name NAME] [--pin sha256//BASE64] [--install]
#   sudo sh dentsec-agent.sh install     LaunchDaemon, daily, random delay of up to an hour
#   sudo sh dentsec-agent.sh run         collect, queue, send the queue oldest first
#   sh dentsec-agent.sh status
#   sudo sh dentsec-agent.sh uninstall
#   (--lang en for English messages)
#
# The device credential is kept in the System keychain (service "dentsec", account
# "device"). It never appears on a command line: it reaches `security` inside its
# interactive mode's standard input (security(1): "-i Run security in interactive mode
# ... commands on stdin"; add-generic-password -w with a value would put it in the process
# table, and -w last without a value prompts the terminal, not stdin), is read back with
# `find-generic-password -w` (printed on stdout) and given to curl in a header file
# (curl -H @file). TLS 1.2 or later only (--proto =https --tlsv1.2); the server's
# certificate is verified, or its public key matched against --pin (curl
# --pinnedpubkey "sha256//BASE64", for a self-hosted console with its own certificate).
#
# Exit codes: 0 done, 2 bad use or local error, 3 credential refused (401), 4 device
# revoked in the console (queue emptied, nothing collected until the console undoes it:
# each run asks /api/v1/agent/me), 5 console unreachable (the bundle stays queued).
#
# The HTTP exchanges are those of the console's OpenAPI document (/api/openapi.json):
# POST /api/v1/enroll (JSON) and POST /api/v1/agent/evidence (zip, gzip-encoded).

LANG_UI=fr
P=${DENTSEC_AGENT_ROOT:-}  # test-only prefix for every path the agent writes
STATE_DIR="$P$STATE_DIR"
INSTALL_DIR="$P$INSTALL_DIR"
DAEMON_PLIST="$P/Library/LaunchDaemons/$LABEL.plist"
QUEUE_DIR="$STATE_DIR/queue"
CONFIG="$STATE_DIR/agent.conf"
REVOKED="$STATE_DIR/revoked"
HERE=$(cd "$(dirname "$0")" && pwd)

say() { if [ "$LANG_UI" = en ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
fail() {  # fail CODE FRENCH ENGLISH
    if [ "$LANG_UI" = en ]; then printf '%s\n' "$3" >&2; else printf '%s\n' "$2" >&2; fi
    exit "$1"
}

need_root() {
    [ "$(id -u)" = 0 ] || fail 2 "Lancez ce script avec sudo (administrateur)." \
        "Run this script with sudo (administrator)."
}

jxa() { osascript -l JavaScript -e "$JXA" "$@" </dev/null; }

conf() { sed -n "s/^$1=//p" "$CONFIG" 2>/dev/null | head -n 1; }

curl_base() {  # curl with the agent's TLS rules; the test-only variable allows plain http
    proto='=https'
    if [ "${DENTSEC_AGENT_TEST_ALLOW_HTTP:-}" = 1 ]; then proto='=http,https'; fi
    if [ -n "$PIN_NOW" ]; then
        curl -sS --max-time 120 --proto "$proto" --tlsv1.2 --pinnedpubkey "$PIN_NOW" "$@"
    else
        curl -sS --max-time 120 --proto "$proto" --tlsv1.2 "$@"
    fi
}

check_url() {
    case $1 in
    https://?*) ;;
    http://?*) [ "${DENTSEC_AGENT_TEST_ALLOW_HTTP:-}" = 1 ] ||
        fail 2 "Adresse de la console invalide : https://... attendu." \
            "Invalid console address: https://... expected." ;;
    *) fail 2 "Adresse de la console invalide : https://... attendu." \
        "Invalid console address: https://... expected." ;;
    esac
    case $1 in *[[:space:]\"\'\\]*) fail 2 "Adresse de la console invalide." "Invalid console address." ;; esac
    printf '%s' "${1%/}"
}

store_credential() {
    # Only URL-safe characters: the line security -i parses needs no quoting.
    case $1 in '' | *[!A-Za-z0-9_-]*) fail 2 "Réponse de la console inattendue." \
        "Unexpected answer from the console." ;; esac
    printf 'add-generic-password -U -s %s -a %s -w %s %s\n' "$KEYCHAIN_SERVICE" \
        "$KEYCHAIN_ACCOUNT" "$1" "$KEYCHAIN" | security -i >/dev/null 2>&1
    # security -i may exit 0 whatever its commands did: read the item back to be sure.
    [ "$(credential)" = "$1" ] ||
        fail 2 "Impossible d'enregistrer le jeton du poste dans le trousseau Système." \
            "Could not store the device credential in the System keychain."
}

credential() {
    security find-generic-password -s "$KEYCHAIN_SERVICE" -a "$KEYCHAIN_ACCOUNT" -w \
        "$KEYCHAIN" 2>/dev/null
}

auth_header() {  # a header file only root can read, for curl -H @file
    cred=$(credential) || fail 3 "Jeton d'accès du poste introuvable : inscrivez-le à nouveau." \
        "Device credential not found: enroll it again."
    (umask 077 && printf 'Authorization: Bearer %s\n' "$cred" >"$W/auth")
}

cmd_enroll() {
    need_root
    base=$(check_url "$SERVER") || exit 2
    [ -n "$TOKEN" ] || fail 2 "Jeton d'inscription manquant (--token)." "Enrollment token missing (--token)."
    case $TOKEN in *[!A-Za-z0-9_-]*) fail 2 "Jeton d'inscription invalide." "Invalid enrollment token." ;; esac
    device_name=${NAME:-$(scutil --get ComputerName 2>/dev/null || hostname)}
    printf '{"token": "%s", "name": %s}' "$TOKEN" "$(json_str "$device_name")" >"$W/enroll.json"
    if ! mkdir -p "$STATE_DIR" || ! chmod 700 "$STATE_DIR"; then
        fail 2 "Impossible de créer $STATE_DIR." "Could not create $STATE_DIR."
    fi
    PIN_NOW=$PIN
    code=$(curl_base -o "$W/answer.json" -w '%{http_code}' -X POST \
        -H "Content-Type: application/json" --data-binary @"$W/enroll.json" "$base$ENROLL_PATH") ||
        fail 5 "Console injoignable." "Console unreachable."
    if [ "$code" != 201 ]; then
        detail=$(jxa get "$W/answer.json" "$LANG_UI" 2>/dev/null)
        fail 2 "Inscription refusée ($code) : $detail" "Enrollment refused ($code): $detail"
    fi
    store_credential "$(jxa get "$W/answer.json" credential)"
    practice=$(jxa get "$W/answer.json" practice | tr -d '\n')
    if ! {
        printf 'server=%s\n' "$base"
        printf 'pin=%s\n' "$PIN"
        printf 'device_id=%s\n' "$(jxa get "$W/answer.json" device_id)"
        printf 'practice=%s\n' "$practice"
    } >"$CONFIG.part" || ! mv -f "$CONFIG.part" "$CONFIG"; then
        fail 2 "Impossible d'écrire $CONFIG." "Could not write $CONFIG."
    fi
    mkdir -p "$QUEUE_DIR"
    rm -f "$REVOKED"
    say "Poste inscrit au cabinet $practice." "Device enrolled in practice $practice."
}

cmd_install() {
    need_root
    [ -f "$CONFIG" ] || fail 2 "Ce poste n'est pas inscrit : lancez d'abord enroll." \
        "This device is not enrolled: run enroll first."
    mkdir -p "$INSTALL_DIR" || fail 2 "Impossible de créer $INSTALL_DIR." "Could not create $INSTALL_DIR."
    if [ -f "$HERE/$COLLECTOR_NAME" ]; then
        cp "$HERE/$COLLECTOR_NAME" "$INSTALL_DIR/$COLLECTOR_NAME.part"
    else
        code=$(curl_base -o "$INSTALL_DIR/$COLLECTOR_NAME.part" -w '%{http_code}' \
            "$(conf server)/agent/$COLLECTOR_NAME") || code=0
        [ "$code" = 200 ] || fail 5 "Collecteur introuvable sur la console." \
            "Collector not found on the console."
    fi
    mv -f "$INSTALL_DIR/$COLLECTOR_NAME.part" "$INSTALL_DIR/$COLLECTOR_NAME"
    [ "$HERE" = "$INSTALL_DIR" ] || cp "$0" "$INSTALL_DIR/$AGENT_NAME"
    mkdir -p "${DAEMON_PLIST%/*}"
    if ! printf '%s\n' "$DAEMON" | sed "s|__DENTSEC_DIR__|${INSTALL_DIR#"$P"}|g" >"$DAEMON_PLIST" ||
        ! chmod 644 "$DAEMON_PLIST"; then
        fail 2 "Impossible d'écrire $DAEMON_PLIST." "Could not write $DAEMON_PLIST."
    fi
    launchctl bootout "system/$LABEL" >/dev/null 2>&1
    launchctl bootstrap system "$DAEMON_PLIST" ||
        fail 2 "La tâche quotidienne n'a pas pu être installée." "The daily job could not be installed."
    say "Tâche quotidienne installée ($LABEL)." "Daily job installed ($LABEL)."
}

send_queue() {
    # Oldest first; a bundle leaves the queue once the console has it (201, or 409 for a
    # copy it already holds) or refused it for good (another 4xx).
    auth_header
    server=$(conf server)
    for file in "$QUEUE_DIR"/*.zip; do
        [ -f "$file" ] || continue
        gzip -c "$file" >"$W/body.gz" || fail 2 "Compression impossible." "Compression failed."
        code=$(curl_base -o "$W/answer.json" -w '%{http_code}' -X POST \
            -H "Content-Type: $EVIDENCE_TYPE" -H "Content-Encoding: gzip" -H @"$W/auth" \
            -H "Date: $(LC_ALL=C /bin/date -u '+%a, %d %b %Y %H:%M:%S GMT')" \
            -H "User-Agent: $AGENT_NAME/$AGENT_VERSION" \
            --data-binary @"$W/body.gz" "$server$EVIDENCE_PATH") || code=0
        case $code in
        000 | 0 | 5??) fail 5 "Console injoignable : le paquet reste en attente." \
            "Console unreachable: the bundle stays queued." ;;
        401) fail 3 "Jeton d'accès du poste refusé : inscrivez-le à nouveau." \
            "Device credential refused: enroll it again." ;;
        403) if [ "$(jxa get "$W/answer.json" code 2>/dev/null)" = device-revoked ]; then
            : >"$REVOKED"
            rm -f "$QUEUE_DIR"/*.zip
            fail 4 "$(jxa get "$W/answer.json" fr)" "$(jxa get "$W/answer.json" en)"
        fi ;;
        esac
        rm -f "$file"
        case $code in
        201 | 409)
            say "Score : $(jxa get "$W/answer.json" score)/100" "Score: $(jxa get "$W/answer.json" score)/100"
            jxa titles "$W/answer.json" | sed 's/^/ - /' ;;
        *) jxa get "$W/answer.json" "$LANG_UI" >&2 2>/dev/null ;;
        esac
    done
}

cmd_run() {
    need_root
    [ -f "$CONFIG" ] || fail 2 "Ce poste n'est pas inscrit : lancez d'abord enroll." \
        "This device is not enrolled: run enroll first."
    if [ -n "$DELAY" ]; then  # launchd has no random delay: a provider's Macs spread their calls
        sleep "$(awk -v max="$DELAY" 'BEGIN { srand(); print int(rand() * max) }')"
    fi
    if [ -e "$REVOKED" ]; then
        # Revoked: nothing is collected until the console undoes it (then /agent/me is 200).
        auth_header
        code=$(curl_base -o /dev/null -w '%{http_code}' -H @"$W/auth" "$(conf server)$ME_PATH") || code=0
        [ "$code" = 200 ] || fail 4 "Ce poste a été révoqué dans la console : rien n'est collecté." \
            "This device was revoked in the console: nothing is collected."
        rm -f "$REVOKED"
    fi
    collector="$HERE/$COLLECTOR_NAME"
    [ -f "$collector" ] || collector="$INSTALL_DIR/$COLLECTOR_NAME"
    mkdir -p "$QUEUE_DIR"
    bundle="$QUEUE_DIR/$(/bin/date -u '+%Y%m%dT%H%M%SZ').zip"
    HOME=${HOME:-/var/root} sh "$collector" --lang "$LANG_UI" --output "$bundle" >/dev/null ||
        fail 2 "La collecte a échoué." "Collection failed."
    # A bounded queue: past QUEUE_MAX bundles the oldest are dropped.
    count=$(find "$QUEUE_DIR" -name '*.zip' -type f | wc -l | tr -d ' ')
    if [ "$count" -gt "$QUEUE_MAX" ]; then
        find "$QUEUE_DIR" -name '*.zip' -type f | sort | head -n "$((count - QUEUE_MAX))" |
            while IFS= read -r old; do rm -f "$old"; done
    fi
    send_queue
}

cmd_status() {
    if [ -f "$CONFIG" ]; then
        say "Inscrit : oui" "Enrolled: yes"
        say "Console : $(conf server) ($(conf practice))" "Console: $(conf server) ($(conf practice))"
    else
        say "Inscrit : non" "Enrolled: no"
    fi
    if launchctl print "system/$LABEL" >/dev/null 2>&1; then job=yes; else job=no; fi
    say "Tâche quotidienne : $job" "Daily job: $job"
    count=$(find "$QUEUE_DIR" -name '*.zip' -type f 2>/dev/null | wc -l | tr -d ' ')
    say "Paquets en attente : $count" "Queued bundles: $count"
    if [ -e "$REVOKED" ]; then r=yes; else r=no; fi
    say "Révoqué : $r" "Revoked: $r"
}

cmd_uninstall() {
    need_root
    launchctl bootout "system/$LABEL" >/dev/null 2>&1
    security delete-generic-password -s "$KEYCHAIN_SERVICE" -a "$KEYCHAIN_ACCOUNT" \
        "$KEYCHAIN" >/dev/null 2>&1
    rm -rf "$STATE_DIR" "$INSTALL_DIR" "$DAEMON_PLIST"
    say "Agent dentsec désinstallé." "dentsec agent uninstalled."
}

COMMAND=''
SERVER=''
TOKEN=''
NAME=''
PIN=''
DELAY=''
INSTALL=''
while [ $# -gt 0 ]; do
    case $1 in
    enroll | install | run | status | uninstall) COMMAND=$1; shift ;;
    --server) SERVER=${2:-}; shift 2 ;;
    --token) TOKEN=${2:-}; shift 2 ;;
    --name) NAME=${2:-}; shift 2 ;;
    --pin) PIN=${2:-}; shift 2 ;;
    --delay) DELAY=${2:-}; shift 2 ;;
    --install) INSTALL=1; shift ;;
    --lang) LANG_UI=${2:-fr}; shift 2 ;;
    *) fail 2 "Option inconnue : $1" "Unknown option: $1" ;;
    esac
done
[ -n "$COMMAND" ] || fail 2 "Indiquez enroll, install, run, status ou uninstall." \
    "Give enroll, install, run, status or uninstall."
case $DELAY in *[!0-9]*) fail 2 "--delay attend un nombre de secondes." "--delay expects seconds." ;; esac
W=$(mktemp -d "${TMPDIR:-/tmp}/dentsec-agent.XXXXXX") || fail 2 "Impossible de créer un dossier temporaire." \
    "Could not create a temporary folder."
chmod 700 "$W"
trap 'rm -rf "$W"' EXIT
trap 'exit 2' HUP INT TERM
PIN_NOW=$(conf pin)
case $COMMAND in
enroll) cmd_enroll; if [ -n "$INSTALL" ]; then cmd_install; fi ;;
install) cmd_install ;;
run) cmd_run ;;
status) cmd_status ;;
uninstall) cmd_uninstall ;;
esac
exit 0
