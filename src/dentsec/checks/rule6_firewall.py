"""Rule 6: local firewall, antivirus, exposed services."""

from __future__ import annotations

from dentsec.checks.registry import (
    Ctx,
    NotApplicable,
    Outcome,
    Unknown,
    check,
    failed,
    flag_check,
    is_exposed,
    names,
    need,
    passed,
    unknown,
    warned,
)
from dentsec.checks.words import FIREWALL_OFF, FIREWALL_PROFILES, UNKNOWN_PROGRAM, listed
from dentsec.facts import Antivirus, Firewall, ListeningSocket, Network, RemoteAccess, Software

REMOTE_DESKTOP_PORTS = {3389: "RDP", 5900: "VNC", 5901: "VNC", 5902: "VNC", 5903: "VNC"}
RISKY_PORTS: dict[tuple[str, int], str] = {
    ("tcp", 21): "FTP", ("tcp", 23): "Telnet", ("tcp", 512): "rexec", ("tcp", 513): "rlogin",
    ("tcp", 514): "rsh", ("tcp", 1433): "SQL Server", ("tcp", 1521): "Oracle",
    ("tcp", 2049): "NFS", ("tcp", 3306): "MySQL/MariaDB", ("tcp", 5432): "PostgreSQL",
    ("tcp", 5985): "WinRM", ("tcp", 5986): "WinRM", ("tcp", 6379): "Redis",
    ("tcp", 9200): "Elasticsearch", ("tcp", 11211): "memcached", ("tcp", 27017): "MongoDB",
    ("udp", 69): "TFTP", ("udp", 161): "SNMP",
}


def _exposed(ctx: Ctx) -> list[ListeningSocket]:
    """Listeners reachable from the network that the policy does not justify."""
    justified = {(p.proto, p.port) for p in ctx.policy.justified_ports}
    return [s for s in ctx.family(Network).listening
            if is_exposed(s.address) and (s.proto, s.port) not in justified]


def _describe(s: ListeningSocket) -> str:
    return f"{s.proto}/{s.port} {s.address} ({s.process or '?'})"


@check("FW-ENABLED")
def enabled(ctx: Ctx) -> Outcome:
    fam = ctx.family(Firewall)
    ev = [f"{p.name}: enabled={p.enabled} inbound={p.default_inbound}" for p in fam.profiles]
    if fam.backend:
        ev.insert(0, f"backend = {fam.backend}")
    if fam.installed is False:
        return failed("Aucun pare-feu n'est installé sur ce poste : rien ne filtre les "
                      "connexions entrantes.",
                      "No firewall is installed on this workstation: nothing filters incoming "
                      "connections.", [fam.source, *ev])
    if fam.service_running is False:
        return failed("Le service du pare-feu est arrêté : quels que soient ses réglages, il ne "
                      "filtre aucune connexion entrante.",
                      "The firewall service is stopped: whatever its settings, it filters no "
                      "incoming connection.", ["service_running = False", *ev])
    blind = ctx.reason(Firewall, "profiles")
    if not fam.profiles:
        if blind:
            raise Unknown("firewall.profiles", blind)
        return failed("Aucun pare-feu actif sur ce poste.", "No active firewall on this workstation.", ev)
    off = [p.name for p in fam.profiles if p.enabled is False]
    open_ = [p.name for p in fam.profiles if p.enabled and p.default_inbound == "allow"]
    if off:
        shown = listed({**FIREWALL_PROFILES, **FIREWALL_OFF}, off)
        return failed(f"Pare-feu désactivé : {shown['fr']}.", f"Firewall off: {shown['en']}.", ev)
    if open_:
        shown = listed(FIREWALL_PROFILES, open_)
        return failed(f"Le pare-feu laisse entrer les connexions par défaut : {shown['fr']}.",
                      f"The firewall lets connections in by default: {shown['en']}.", ev)
    if blind:
        # Some profiles were read, not all: the network in use may be the missing one.
        return unknown("Une partie seulement des profils du pare-feu a pu être lue : "
                       "impossible de dire s'il protège sur tous les réseaux.",
                       "Only some of the firewall's profiles could be read: cannot tell "
                       "whether it protects on every network.", [*ev, blind])
    if any(p.enabled is None or p.default_inbound is None for p in fam.profiles):
        raise Unknown("firewall.profiles", "; ".join(ev))
    return passed("Pare-feu actif, entrées bloquées par défaut.",
                  "Firewall on, incoming blocked by default.", ev)


@check("FW-AV-PRESENT")
def av_present(ctx: Ctx) -> Outcome:
    products = ctx.family(Antivirus).products
    ev = [f"{p.name}: enabled={p.enabled} realtime={p.realtime} on_demand={p.on_demand}"
          for p in products]
    if any(p.enabled and p.realtime for p in products):
        active = names(p.name for p in products if p.enabled and p.realtime)
        return passed(f"Antivirus actif en temps réel : {active}.",
                      f"Antivirus active in real time: {active}.", ev)
    if not products:
        blind = ctx.reason(Antivirus, "products")
        if blind:
            raise Unknown("antivirus.products", blind)
        return failed("Aucun antivirus trouvé.", "No antivirus found.", ev)
    if any(p.enabled is None or (p.enabled and p.realtime is None) for p in products):
        unread = ctx.reason(Antivirus, "realtime")
        if unread and all(p.enabled is not None for p in products):
            # running, but its real-time setting is the product's own (Defender on Linux)
            raise Unknown("antivirus.realtime", unread)
        raise Unknown("antivirus.products", "; ".join(ev))
    scanners = [p.name for p in products if p.enabled and p.on_demand]
    if scanners:
        return warned(f"{names(scanners)} : analyse à la demande seulement, pas de protection "
                      "en temps réel (un fichier téléchargé n'est analysé que si on le demande).",
                      f"{names(scanners)}: on-demand scanning only, no real-time protection "
                      "(a downloaded file is scanned only when asked).", ev)
    if any(p.enabled for p in products):
        return warned("Un antivirus est installé mais la protection en temps réel est éteinte.",
                      "An antivirus is installed but real-time protection is off.", ev)
    return failed("L'antivirus est désactivé.", "The antivirus is disabled.", ev)


@check("FW-AV-UPDATED")
def av_updated(ctx: Ctx) -> Outcome:
    """The product's own verdict first (each product has its rhythm: ClamAV daily, XProtect
    every few weeks); the policy's age thresholds when no verdict is known."""
    installed = ctx.family(Antivirus).products
    products = [p for p in installed if p.enabled is not False]
    if not products:
        # A stopped antivirus whose signatures are stale (or were never downloaded) is also
        # out of date: starting it again would not protect.
        products = [p for p in installed if p.up_to_date is False]
    if not products:
        raise NotApplicable("antivirus.products", {
            "fr": "Aucun antivirus actif : voyez d'abord le contrôle « antivirus présent ».",
            "en": "No enabled antivirus: see the 'antivirus present' check first."})
    ev = [f"{p.name}: signature_age_days={p.signature_age_days} up_to_date={p.up_to_date}"
          for p in products]
    never = [p.name for p in products if p.up_to_date is False and p.signature_age_days is None]
    stale = [p.name for p in products if p.up_to_date is False and p.name not in never]
    if never:
        return failed(f"Signatures antivirus absentes ou jamais téléchargées : {names(never)} ; "
                      "il ne reconnaît aucune menace récente.",
                      f"Antivirus signatures missing or never downloaded: {names(never)}; "
                      "it recognises no recent threat.", ev)
    if stale:
        return failed(f"Signatures périmées : {names(stale)}.", f"Out-of-date signatures: {names(stale)}.", ev)
    fresh = [p for p in products if p.up_to_date]
    if fresh:
        ages = [p.signature_age_days for p in fresh if p.signature_age_days is not None]
        shown = f" ({min(ages):.1f} j)".replace(".", ",") if ages else ""
        return passed(f"Signatures à jour{shown}.",
                      f"Signatures up to date{f' ({min(ages):.1f} d)' if ages else ''}.", ev)
    ages = [p.signature_age_days for p in products if p.signature_age_days is not None]
    if not ages:
        raise Unknown("antivirus.signature_age_days",
                      ctx.reason(Antivirus, "signature_age_days") or "; ".join(ev))
    age = min(ages)
    shown = f"{age:.1f}".replace(".", ",")
    if age > ctx.policy.av_signature_fail_days:
        return failed(f"Signatures vieilles de {shown} jours.", f"Signatures {age:.1f} days old.", ev)
    if age > ctx.policy.av_signature_warn_days:
        return warned(f"Signatures vieilles de {shown} jours.", f"Signatures {age:.1f} days old.", ev)
    return passed(f"Signatures à jour ({shown} jour(s)).", f"Signatures up to date ({age:.1f} day(s)).", ev)


@check("FW-REMOTE-DESKTOP")
def remote_desktop(ctx: Ctx) -> Outcome:
    fam = ctx.family(RemoteAccess)
    ev = [f"remote_access.rdp_enabled = {fam.rdp_enabled}", f"rdp_nla = {fam.rdp_nla}",
          f"vnc_enabled = {fam.vnc_enabled}"]
    listeners: list[ListeningSocket] = []
    if ctx.optional(Network) is not None:
        listeners = [s for s in _exposed(ctx) if s.proto == "tcp" and s.port in REMOTE_DESKTOP_PORTS]
        ev += [_describe(s) for s in listeners]
    if fam.rdp_enabled or fam.vnc_enabled or listeners:
        # sorted: a set's order changes with each process's hash seed, and a report must
        # read the same wherever its evidence is evaluated
        what = names(sorted({REMOTE_DESKTOP_PORTS.get(s.port, "?") for s in listeners}
                            | ({"RDP"} if fam.rdp_enabled else set())
                            | ({"VNC"} if fam.vnc_enabled else set())))
        nla_fr = " sans authentification préalable (NLA)" if fam.rdp_nla is False else ""
        nla_en = " without Network Level Authentication" if fam.rdp_nla is False else ""
        return failed(f"Prise en main à distance ouverte ({what}){nla_fr}.",
                      f"Remote desktop open ({what}){nla_en}.", ev)
    if fam.rdp_enabled is None and "rdp_enabled" not in fam.not_applicable:
        raise Unknown("remote_access.rdp_enabled", fam.unknown.get("rdp_enabled", ""))
    if fam.vnc_enabled is None and "vnc_enabled" not in fam.not_applicable:
        raise Unknown("remote_access.vnc_enabled", fam.unknown.get("vnc_enabled", ""))
    return passed("Aucun bureau à distance ouvert.", "No remote desktop open.", ev)


@check("FW-SSH")
def ssh(ctx: Ctx) -> Outcome:
    fam = ctx.family(RemoteAccess)
    on = need(fam, "ssh_enabled", fam.ssh_enabled)
    ev = [f"ssh_enabled = {on}", f"ssh_password_auth = {fam.ssh_password_auth}",
          f"ssh_root_login = {fam.ssh_root_login}"]
    if not on:
        return passed("Aucun serveur SSH actif.", "No SSH server running.", ev)
    bad = [w for w, v in ((("les mots de passe", "passwords"), fam.ssh_password_auth),
                          (("la connexion de root", "root login"), fam.ssh_root_login)) if v]
    if bad:
        return failed(f"SSH accepte {' et '.join(fr for fr, _ in bad)}.",
                      f"SSH accepts {' and '.join(en for _, en in bad)}.", ev)
    if fam.ssh_password_auth is None or fam.ssh_root_login is None:
        raise Unknown("remote_access.ssh_password_auth/ssh_root_login")
    return passed("SSH n'accepte que des clés, sans root.", "SSH accepts keys only, no root.", ev)


@check("FW-RISKY-SERVICES")
def risky_services(ctx: Ctx) -> Outcome:
    risky = [s for s in _exposed(ctx) if (s.proto, s.port) in RISKY_PORTS]
    ev = [f"{RISKY_PORTS[(s.proto, s.port)]}: {_describe(s)}" for s in risky]
    if risky:
        shown = names((f"{RISKY_PORTS[(s.proto, s.port)]} (port {s.port})" for s in risky), 5)
        return failed(f"Service(s) risqué(s) joignable(s) depuis le réseau : {shown}.",
                      f"Risky service(s) reachable from the network: {shown}.", ev)
    remote = ctx.optional(RemoteAccess)
    sharing = remote.smb_sharing if remote else None
    if sharing:
        return warned("Le partage de fichiers est actif : justifiez-le (poste serveur du cabinet).",
                      "File sharing is on: justify it (the practice's server workstation).",
                      ["remote_access.smb_sharing = True"])
    return passed("Aucun service risqué ouvert sur le réseau.", "No risky service open to the network.")


flag_check("FW-SMB1", RemoteAccess, "smb1_enabled", False,
           ("SMBv1 est désactivé.", "SMBv1 is disabled."),
           ("Le protocole SMBv1 est actif.", "The SMBv1 protocol is on."))


@check("FW-REMOTE-TOOLS")
def remote_tools(ctx: Ctx) -> Outcome:
    tools = ctx.family(Software).remote_control_tools
    if tools:
        return warned(f"Logiciel(s) de prise de main installé(s) : {names(tools)} ; "
                      "vérifiez qu'ils sont voulus et protégés.",
                      f"Remote-control software installed: {names(tools)}; "
                      "check they are wanted and protected.", tools)
    blind = ctx.reason(Software, "remote_control_tools") or ctx.reason(Software, "items")
    if blind:
        raise Unknown("software.remote_control_tools", blind)
    return passed("Aucun logiciel de prise de main à distance.", "No remote-control software.")


@check("FW-UNJUSTIFIED-PORTS")
def unjustified_ports(ctx: Ctx) -> Outcome:
    open_ = sorted({(s.proto, s.port, s.process or "") for s in _exposed(ctx)
                    if s.proto == "tcp" and not s.system})
    ev = [f"{proto}/{port} ({proc or '?'})" for proto, port, proc in open_]
    blind = ctx.reason(Network, "listening")
    if open_:
        shown = {lang: names((f"{port} ({proc or UNKNOWN_PROGRAM[lang]})"
                              for _proto, port, proc in open_), 6) for lang in ("fr", "en")}
        return warned(f"{len(open_)} port(s) ouvert(s) sur le réseau sans justification : "
                      f"{shown['fr']}. Justifiez-les dans la politique du cabinet ou fermez-les.",
                      f"{len(open_)} port(s) open to the network without justification: "
                      f"{shown['en']}. Justify them in the practice policy or close them.", ev)
    if blind:
        raise Unknown("network.listening", blind)
    return passed("Aucun port ouvert sur le réseau sans justification.",
                  "No port open to the network without justification.")
