# --- runtime (src/dentsec/collect/macos/runtime.sh, pasted by shell.py) --------------
# Writes a dentsec.evidence/1 bundle exactly as dentsec.host.bundle.write_bundle does:
# manifest.json plus items/NNNN.out|.err|.txt|.json, the same item kinds and error words.
# DENTSEC_ROOT prefixes every file, folder, probe and absolute command path (empty on a
# Mac; the replay tests point it at a tree built from a sample bundle).

R=${DENTSEC_ROOT:-}
TAB=$(printf '\t')
export LC_ALL=C LANG=C  # what dentsec's own subprocess wrapper gives every tool
n=0

say() {  # say FRENCH ENGLISH
    if [ "$LANG_UI" = en ]; then printf '%s\n' "$2" >&2; else printf '%s\n' "$1" >&2; fi
}

json_str() {  # a JSON string for any bytes but NUL (argv and paths cannot hold one)
    printf '%s.' "$1" | awk '
        BEGIN { for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i)
                ctl["\n"] = "\\n"; ctl["\t"] = "\\t"; ctl["\r"] = "\\r"
                ctl["\b"] = "\\b"; ctl["\f"] = "\\f" }
        { s = (NR > 1) ? s "\n" $0 : $0 }
        END { s = substr(s, 1, length(s) - 1); out = "\""
              for (i = 1; i <= length(s); i++) {
                  c = substr(s, i, 1)
                  if (c == "\\" || c == "\"") out = out "\\" c
                  else if (c in ctl) out = out ctl[c]
                  else out = out c }
              printf "%s\"", out }'
}

json_argv() {
    out='['
    sep=''
    for a in "$@"; do out="$out$sep$(json_str "$a")"; sep=', '; done
    printf '%s]' "$out"
}

hex_of() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

unhex() {  # the bytes of a hex string (a trailing newline survives the substitution)
    oct=$(printf '%s' "$1" | awk '{ for (i = 1; i < length($0); i += 2) {
        v = index("0123456789abcdef", substr($0, i, 1)) * 16 - 16
        v += index("0123456789abcdef", substr($0, i + 1, 1)) - 1
        printf "\\0%03o", v } }')
    raw=$(printf '%b' "${oct}x")
    printf '%s' "${raw%x}"
}

item_of() {  # item_of KEY: sets $found to the number of the item recorded under KEY
    found=$(grep -n -F -x -e "$1" "$W/keys" | head -n 1 | cut -d: -f1)
    [ -n "$found" ]
}

new_item() {  # new_item KEY
    n=$((n + 1))
    printf '%s\n' "$1" >>"$W/keys"
    stem=$(printf 'items/%04d' "$n")
    last=$n
}

emit() {  # one manifest entry, one line
    if [ "$n" -gt 1 ]; then printf ',\n  %s' "$1" >>"$W/items.json"
    else printf '  %s' "$1" >>"$W/items.json"; fi
}

why_absent() {  # missing, or permission when a folder on the way cannot be searched
    d=${1%/*}
    while [ -n "$d" ] && [ "$d" != "$R" ]; do
        if [ -e "$d" ]; then
            if [ -x "$d" ]; then echo missing; else echo permission; fi
            return
        fi
        d=${d%/*}
    done
    echo missing
}

json_err() { if [ -n "$1" ]; then json_str "$1"; else printf null; fi; }

run_cmd() {  # run_cmd TIMEOUT ARGV...: a command item (memoised by argv)
    limit=$1
    shift
    key="c:$(json_argv "$@")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    exe=$1
    shift
    case $exe in /*) exe="$R$exe" ;; esac
    err=''
    rc=null
    : >"$B/$stem.out"
    : >"$B/$stem.err"
    start=$(/bin/date +%s)
    if ! command -v "$exe" >/dev/null 2>&1; then
        if [ -e "$exe" ]; then err=permission; else err=not-found; fi
    else
        # Background subshells drop the main shell's traps: only the main one cleans up.
        (trap - EXIT HUP INT TERM; exec "$exe" "$@" >"$B/$stem.out" 2>"$B/$stem.err" </dev/null) &
        pid=$!
        (trap - EXIT HUP INT TERM; sleep "$limit"; kill -9 "$pid" && : >"$W/timeout.$n") \
            >/dev/null 2>&1 &
        dog=$!
        wait "$pid"
        rc=$?
        # SIGKILL: a TERM could reach the watchdog before its trap reset and run the main
        # shell's inherited traps there (bash), removing the work folder.
        kill -9 "$dog" 2>/dev/null
        wait "$dog" 2>/dev/null
        if [ -e "$W/timeout.$n" ]; then rc=null; err=timeout; : >"$B/$stem.err"; fi
    fi
    ms=$((($(/bin/date +%s) - start) * 1000))
    eval "rc_$n=\$rc err_$n=\$err"
    emit "{\"kind\": \"command\", \"argv\": ${key#c:}, \"exit_code\": $rc, \"error\": $(json_err "$err"), \"duration_ms\": $ms, \"stdout\": \"$stem.out\", \"stderr\": \"$stem.err\"}"
}

plist() { run_cmd 15 plutil -convert xml1 -o - "$1"; }

ok() {  # ok [ITEM]: the command ran and exited 0
    i=${1:-$last}
    eval "[ \"\${err_$i:-}\" = '' ] && [ \"\${rc_$i:-}\" = 0 ]"
}

out_of() { printf '%s/items/%04d.out' "$B" "$1"; }

read_file() {  # read_file PATH MAX_BYTES [REDACTOR]: a file item
    key="f:$(json_str "$1")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    real="$R$1"
    err=''
    truncated=false
    content=null
    if [ -d "$real" ]; then err=is-a-directory
    elif [ ! -e "$real" ]; then err=$(why_absent "$real")
    elif [ ! -r "$real" ]; then err=permission
    elif ! head -c "$2" "$real" >"$B/$stem.txt" 2>/dev/null; then
        err='os-error: read failed'
        rm -f "$B/$stem.txt"
    else
        size=$(wc -c <"$real" | tr -d ' ')
        [ "$size" -gt "$2" ] && truncated=true
        if [ -n "${3:-}" ]; then
            # Only what the redactor keeps enters the bundle (never the whole file).
            jxa "$3" "$B/$stem.txt" >"$W/redacted" 2>/dev/null || : >"$W/redacted"
            printf '%s' "$(cat "$W/redacted")" >"$B/$stem.txt"
        fi
        content="\"$stem.txt\""
    fi
    eval "err_$n=\$err content_$n=\$content"
    emit "{\"kind\": \"file\", \"path\": ${key#f:}, \"error\": $(json_err "$err"), \"truncated\": $truncated, \"content\": $content}"
}

list_dir() {  # list_dir PATH: a dir item, entries sorted as Python sorts str (by code point)
    key="d:$(json_str "$1")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    real="$R$1"
    err=''
    : >"$W/names.$n"
    if [ ! -e "$real" ]; then err=$(why_absent "$real")
    elif [ ! -d "$real" ]; then err='os-error: Not a directory'
    elif [ ! -r "$real" ]; then err=permission
    else
        for e in "$real"/* "$real"/.[!.]* "$real"/..?*; do
            [ -e "$e" ] || [ -L "$e" ] || continue
            name=${e##*/}
            printf '%s %s\n' "$(hex_of "$name")" "$(json_str "$name")"
        done | sort >"$W/names.$n"
    fi
    entries=$(cut -d' ' -f2- "$W/names.$n" | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $0 }')
    eval "err_$n=\$err"
    emit "{\"kind\": \"dir\", \"path\": ${key#d:}, \"error\": $(json_err "$err"), \"entries\": [$entries]}"
}

entry_hexes() { cut -d' ' -f1 "$W/names.$1"; }

has_entry() {  # has_entry DIR NAME: the listing recorded for DIR holds NAME
    item_of "d:$(json_str "$1")" && grep -q "^$(hex_of "$2") " "$W/names.$found"
}

matches() {  # re.fullmatch for these patterns: "." never matches a newline there
    case $1 in *"
"*) return 1 ;; esac
    printf '%s\n' "$1" | grep -E -x -q -e "$2"
}

emit_probe() {  # emit_probe NAME_JSON VALUE_TEXT ERROR
    if [ -n "$3" ]; then
        emit "{\"kind\": \"probe\", \"name\": $1, \"error\": $(json_str "$3"), \"content\": null}"
    else
        printf '%s' "$2" >"$B/$stem.json"
        emit "{\"kind\": \"probe\", \"name\": $1, \"error\": null, \"content\": \"$stem.json\"}"
    fi
}

count_json() { printf '{\n "count": %s,\n "file": %s\n}' "$1" "$2"; }

uri_quote() {  # what Python's urllib.parse.quote does (safe "/")
    printf '%s' "$1" | od -An -v -tx1 | tr -s ' \n' '  ' | awk '{
        for (i = 1; i <= NF; i++) {
            v = index("0123456789abcdef", substr($i, 1, 1)) * 16 - 16
            v += index("0123456789abcdef", substr($i, 2, 1)) - 1
            c = sprintf("%c", v)
            if (c ~ /[A-Za-z0-9_.~\/-]/ && v < 128) printf "%s", c
            else printf "%%%s", toupper($i) } }'
}

probe_chromium_logins() {
    # Saved passwords in a Chromium "Login Data" database, counted by the sqlite3 that
    # macOS ships in /usr/bin (https://www.sqlite.org/cli.html: a "file:" name is a URI
    # filename, https://www.sqlite.org/uri.html: mode=ro and immutable=1 leave the
    # browser's lock and journal alone), as the Python probe does through its sqlite3.
    name="chromium-saved-passwords:$1"
    key="p:$(json_str "$name")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    real="$R$1"
    if [ ! -e "$real" ]; then emit_probe "${key#p:}" "$(count_json 0 false)" ''; return; fi
    got=$(sqlite3 -readonly "file:$(uri_quote "$real")?mode=ro&immutable=1" \
        'SELECT COUNT(*) FROM logins WHERE blacklisted_by_user = 0' </dev/null 2>"$W/probe.err")
    case $got in
    '' | *[!0-9]*) emit_probe "${key#p:}" '' "sqlite3: $(head -n 1 "$W/probe.err")" ;;
    *) emit_probe "${key#p:}" "$(count_json "$got" true)" '' ;;
    esac
}

probe_firefox_logins() {
    name="firefox-saved-passwords:$1"
    key="p:$(json_str "$name")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    real="$R$1"
    if [ ! -e "$real" ]; then emit_probe "${key#p:}" "$(count_json 0 false)" ''; return; fi
    if got=$(jxa count-logins "$real" 2>"$W/probe.err"); then
        emit_probe "${key#p:}" "$(count_json "$got" true)" ''
    else
        emit_probe "${key#p:}" '' "osascript: $(head -n 1 "$W/probe.err")"
    fi
}

probe_dentsec_home() {
    # What dentsec.paths.dentsec_home() answers on a Mac: $DENTSEC_HOME, else
    # ~/Library/Application Support/dentsec (platformdirs' user_config_dir).
    key="p:$(json_str dentsec-home)"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    dentsec_home=${DENTSEC_HOME:-$HOME/Library/Application Support/dentsec}
    while [ "${dentsec_home%/}" != "$dentsec_home" ]; do dentsec_home=${dentsec_home%/}; done
    emit_probe "${key#p:}" "$(json_str "$dentsec_home")" ''
}

probe_backup_disk() {
    # The audit's own look at the backup disk (collect/common/backup_status.disk_probe):
    # is the repository's config there? The repository comes from the status just read.
    repo=$(sed -n 's/^[[:space:]]*"repository"[[:space:]]*:[[:space:]]*"\([^"\\]*\)".*/\1/p' \
        "$B/$(printf 'items/%04d' "$last").txt" | head -n 1)
    [ -n "$repo" ] || return 0
    key="p:$(json_str "backup-disk-present:$repo")"
    if item_of "$key"; then last=$found; return 0; fi
    new_item "$key"
    if [ -f "$R$repo/config" ]; then value=true; else value=false; fi
    emit_probe "${key#p:}" "$value" ''
}

# --- what the Python collector decides from parsed answers, read here with grep/awk ---

users_ready() {  # $W/users and $W/humans from the three dscl listings (context.gather)
    [ -e "$W/users" ] && return 0
    : >"$W/users"
    if item_of "$USERS_UID_KEY" && ok "$found"; then
        uids=$(out_of "$found")
        homes=/dev/null
        if item_of "$USERS_HOME_KEY" && ok "$found"; then homes=$(out_of "$found"); fi
        awk -v first="$FIRST_HUMAN_UID" '
            function rest() { v = $0; sub(/^[ \t]*[^ \t]+/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v); return v }
            FILENAME == ARGV[1] { if (NF) home[$1] = rest(); next }
            NF && !($1 in seen) { seen[$1] = 1; uid = rest()
                if (uid !~ /^-?[0-9]+$/ || length(uid) - (substr(uid, 1, 1) == "-") > 12) next
                h = home[$1]; if (substr(h, 1, 1) != "/") h = ""
                printf "%s\t%s\t%s\n", $1, uid + 0, h }' "$homes" "$uids" >"$W/users"
    fi
    awk -F '\t' -v first="$FIRST_HUMAN_UID" '$2 >= first && $2 < 2147483647 && $1 !~ /^_/' \
        "$W/users" >"$W/humans"
}

cond_users_known() { users_ready; [ -s "$W/users" ]; }

cond_admin() { [ "$(id -u)" = 0 ]; }

cond_console_user() {
    item_of "$CONSOLE_USER_KEY" && ok "$found" || return 1
    who=$(cat "$(out_of "$found")")
    who=${who#"${who%%[![:space:]]*}"}
    who=${who%"${who##*[![:space:]]}"}
    case $who in '' | root | *[[:space:]]*) return 1 ;; esac
}

plist_dict() {  # the last plist read gave a dictionary
    ok && grep -E -q '^<dict/?>' "$(out_of "$last")"
}

plist_paths() {  # FILE: every value of plutil's XML as "PATH<TAB>TYPE<TAB>TEXT", one a line
    # PATH: "/key" inside a dictionary, "[n]" inside an array, from the root ("" for it);
    # a newline inside TEXT is written \001, a tab \002 (XML cannot hold those characters).
    # plutil -convert xml1 (like Python's plistlib) puts one element on a line; strings
    # may run over several lines and data is base64 on lines of its own.
    awk 'function unxml(t) { gsub(/&lt;/, "<", t); gsub(/&gt;/, ">", t); gsub(/&quot;/, "\"", t)
                             gsub(/&apos;/, "\047", t); gsub(/&amp;/, "\\&", t); return t }
        function here() { if (d == 0) return ""
                          if (kind[d] == "dict") return path[d] "/" key[d]
                          return path[d] "[" count[d]++ "]" }
        function put(type, text) { gsub(/\n/, "\001", text); gsub(/\t/, "\002", text)
                                   printf "%s\t%s\t%s\n", here(), type, text }
        BEGIN { d = 0; inplist = 0 }
        { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t\r]+$/, "", line) }
        long != "" { text = text "\n" $0
                     if ($0 ~ ("</" long ">[ \t]*$")) { sub("</" long ">[ \t]*$", "", text)
                         if (long != "data") put(long, unxml(text)); else put(long, "")
                         long = "" }
                     next }
        line ~ /^<plist/ { inplist = 1; next }
        !inplist { next }
        line ~ /^<key>.*<\/key>$/ { k = line; sub(/^<key>/, "", k); sub(/<\/key>$/, "", k)
                                   key[d] = unxml(k); next }
        line == "<dict>" || line == "<array>" { p = here(); d++; path[d] = p
            kind[d] = (line == "<dict>") ? "dict" : "array"; count[d] = 0
            printf "%s\t%s\t\n", p, kind[d]; next }
        line == "</dict>" || line == "</array>" { d--; next }
        line == "<dict/>" || line == "<array/>" { t = (line == "<dict/>") ? "dict" : "array"
            printf "%s\t%s\t\n", here(), t; next }
        line == "<true/>" || line == "<false/>" { put("bool", line == "<true/>" ? "true" : "false"); next }
        line ~ /^<(string|date|integer|real|data)>/ { t = line; sub(/>.*/, "", t); sub(/^</, "", t)
            if (line ~ ("</" t ">$")) { v = line; sub("^<" t ">", "", v); sub("</" t ">$", "", v)
                put(t, t == "data" ? "" : unxml(v)) }
            else { long = t; text = $0; sub("^[ \t]*<" t ">", "", text) }
            next }
        line ~ /^<(string|data)\/>$/ { t = line; sub(/^</, "", t); sub(/\/>$/, "", t); put(t, ""); next }' "$1"
}

plist_int() {  # plist.as_int: integers, integral reals and digit strings (as text), or nothing
    awk -F '\t' -v want="$2" '$1 == want {
        v = $3
        if ($2 == "integer" && v ~ /^-?[0-9]+$/) print v
        if ($2 == "real" && v ~ /^-?[0-9]+(\.0*)?$/) { sub(/\..*/, "", v); print v }
        if ($2 == "real" && v ~ /^-?[0-9]+(\.[0-9]+)?e\+[0-9]+$/) print v  # >= 1e16: whole
        if ($2 == "string") { gsub(/^[ \001\002]+|[ \001\002]+$/, "", v); n = v; sub(/^-/, "", n)
            if (v ~ /^-?[0-9]+$/ && length(n) <= 18) print v }
        exit }' "$1"
}

has_idle_time() {  # ITEM: a screensaver plist whose idleTime is usable (accounts.screensaver_idle)
    ok "$1" || return 1
    plist_paths "$(out_of "$1")" >"$W/paths"
    head -n 1 "$W/paths" | grep -q "^$TAB"dict || return 1
    idle=$(plist_int "$W/paths" /idleTime)
    case $idle in '' | -*[1-9]*) return 1 ;; esac  # unknown, or below zero
}

cond_no_managed_idle() { ! { item_of "$SCREENSAVER_MANAGED_KEY" && has_idle_time "$found"; }; }

stop_plist_failed_or_idle() { ! plist_dict || has_idle_time "$last"; }

cond_no_install_history_update() {
    # updates.install_history_dates: a dated system or security install (processName of
    # Apple's installers; config-data only for XProtect, MRT, Gatekeeper).
    item_of "$INSTALL_HISTORY_KEY" && ok "$found" || return 0
    plist_paths "$(out_of "$found")" >"$W/paths"
    ! awk -F '\t' '
        BEGIN { p["softwareupdated"]; p["Software Update"]; p["OS X Installer"]; p["macOS installer"] }
        NR == 1 { if ($1 != "" || $2 != "array") exit 1; next }
        match($1, /^\[[0-9]+\]\//) { n = substr($1, 2, RLENGTH - 3); f = substr($1, RLENGTH + 1)
            if (f == "date" && $2 == "date") dated[n] = 1
            if (f == "processName" && $2 == "string") proc[n] = $3
            if (f == "contentType" && $2 == "string") type[n] = $3
            if (f == "displayName" && $2 == "string") name[n] = $3 }
        END { for (n in dated) if ((proc[n] in p) && !(type[n] == "config-data" &&
                  name[n] !~ /^(XProtect|MRT|Gatekeeper)/)) exit 0
              exit 1 }' "$W/paths"
}

cond_time_machine_without_snapshot_date() {
    # backup.parse_destinationinfo found a destination, latest_snapshot found no date.
    item_of "$DESTINATIONS_KEY" || return 1
    eval "[ \"\${err_$found}\" = '' ]" || return 1
    dest="$(out_of "$found")"
    cat "$dest" "${dest%.out}.err" | grep -i -q 'No destinations configured' && return 1
    cat "$dest" "${dest%.out}.err" |
        grep -E -q '^[[:space:]]*>?[[:space:]]*(ID|Name|URL)[[:space:]]*:' || return 1
    item_of "$TIME_MACHINE_KEY" && ok "$found" || return 0
    plist_paths "$(out_of "$found")" >"$W/paths"
    ! { head -n 1 "$W/paths" | grep -q "^$TAB"dict &&
        grep -E -q "^/Destinations\\[[0-9]+\\]/SnapshotDates\\[[0-9]+\\]${TAB}date${TAB}" "$W/paths"; }
}

remote_login_answer() {  # On, Off or nothing (firewall.parse_remote_login)
    item_of "$REMOTE_LOGIN_KEY" || return 0
    eval "[ \"\${err_$found}\" = '' ]" || return 0
    o="$(out_of "$found")"
    ans=$(cat "$o" "${o%.out}.err" | grep -E -i -o 'Remote Login:[[:space:]]*(On|Off)([^A-Za-z0-9_]|$)' |
        head -n 1 | sed 's/^[^:]*:[[:space:]]*//' | cut -c1-3 | tr '[:upper:]' '[:lower:]')
    case $ans in
    off) echo Off ;;
    on*) echo On ;;
    esac
}

cond_no_remote_login_answer() { [ -z "$(remote_login_answer)" ]; }

cond_ssh_on_and_admin() {
    cond_admin || return 1
    case $(remote_login_answer) in
    On) return 0 ;;
    Off) return 1 ;;
    esac
    item_of "$SSHD_LAUNCHD_KEY" && ok "$found"
}

ok_backup_status() {  # a dentsec backup status (backup.status.status_from_data)
    eval "c=\${content_$last:-null}"
    c=${c#\"}
    [ "$c" != null ] &&
        grep -E -q '"schema"[[:space:]]*:[[:space:]]*"dentsec\.backup-status/1"' "$B/${c%\"}" 2>/dev/null
}
