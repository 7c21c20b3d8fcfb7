"""A local firewall that drops unsolicited inbound traffic, never the IT provider's access.

The ruleset (nft(8) syntax, as in Debian's /usr/share/doc/nftables/examples) keeps: replies
to connections the workstation opened, loopback, ICMP/ICMPv6 (IPv6 needs neighbour
discovery), SSH from the private local networks (RFC 1918, RFC 4193, link-local) and the
ports the practice policy justifies. It lives in its own table, so reloading it never
flushes the rules other software (libvirt, Docker) keeps."""

from __future__ import annotations

from dentsec.checks.policy import JustifiedPort
from dentsec.collect.linux.remote_access import parse_sshd
from dentsec.collect.linux.textconf import to_int
from dentsec.fix.linux.common import MARK, installed, need_package, unit_file
from dentsec.fix.linux.ssh import config_files, config_lines
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target
from dentsec.i18n import tr

NFT_CONF = "/etc/nftables.conf"
WANTS = "/etc/systemd/system/sysinit.target.wants/nftables.service"
LAN_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")
LAN_V6 = ("fc00::/7", "fe80::/10")
TABLE = "dentsec"


def _comment(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")[:120]


def ruleset(ssh_port: int, justified: tuple[JustifiedPort, ...]) -> str:
    """The nftables configuration text: default drop, SSH from the LAN, justified ports."""
    lines = [
        "#!/usr/sbin/nft -f",
        f"# {MARK}: pare-feu local, entrée refusée par défaut (nft(8))",
        f"table inet {TABLE}",
        f"delete table inet {TABLE}",
        f"table inet {TABLE} {{",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        "\t\tct state established,related accept",
        "\t\tct state invalid drop",
        '\t\tiif "lo" accept',
        "\t\tmeta l4proto { icmp, ipv6-icmp } accept",
        f"\t\tip saddr {{ {', '.join(LAN_V4)} }} tcp dport {ssh_port} accept "
        'comment "SSH depuis le réseau local (prestataire)"',
        f"\t\tip6 saddr {{ {', '.join(LAN_V6)} }} tcp dport {ssh_port} accept "
        'comment "SSH depuis le réseau local (prestataire)"',
    ]
    for port in justified:
        lines.append(f'\t\t{port.proto} dport {port.port} accept comment '
                     f'"{_comment(port.reason or "port justifié")}"')
    lines += ["\t}", "}", ""]
    return "\n".join(lines)


def ssh_port(target: Target) -> int:
    """The port sshd listens on (its first Port line, else 22)."""
    value = parse_sshd(config_lines(target, config_files(target))).values.get("port")
    port = to_int(value)
    return port if port is not None and 0 < port < 65536 else 22


def _plan(target: Target) -> Plan:
    need_package(target, "nftables")
    others = sorted(installed(target, "ufw", "firewalld"))
    if others:
        raise Refused(f"{', '.join(others)} gère déjà le pare-feu de ce poste : activez-le "
                      "plutôt (par exemple sudo ufw enable) pour ne pas avoir deux pare-feux.",
                      f"{', '.join(others)} already manages this workstation's firewall: turn "
                      "it on instead (e.g. sudo ufw enable) so as not to run two firewalls.")
    unit = unit_file(target, "nftables.service")
    if unit is None:
        raise Refused("L'unité nftables.service est introuvable (paquet nftables incomplet).",
                      "The nftables.service unit is missing (incomplete nftables package).")
    port = ssh_port(target)
    text = ruleset(port, target.policy.justified_ports)
    kept = [f"{p.proto}/{p.port}" for p in target.policy.justified_ports]
    edits = (
        Edit(NFT_CONF, text.encode(), mode=0o755, settings=(
            Setting("input policy", None, "drop"),
            Setting(f"SSH tcp/{port}", None, tr("ouvert depuis le réseau local",
                                                "open from the local network")),
            Setting(tr("ports justifiés", "justified ports"), None,
                    ", ".join(kept) or tr("aucun", "none")))),
        Edit(WANTS, link=unit, settings=(Setting("nftables.service", None,
                                                 tr("activé", "enabled")),)),
    )
    return Plan(edits,
                commands=(("nft", "-c", "-f", NFT_CONF), ("nft", "-f", NFT_CONF)),
                undo_commands=(("nft", "delete", "table", "inet", TABLE),),
                notes=({"fr": "Seuls restent ouverts : SSH depuis le réseau local et les ports "
                              "justifiés dans la politique du cabinet (justified_ports).",
                        "en": "Only these stay open: SSH from the local network and the ports "
                              "justified in the practice policy (justified_ports)."},))


NFTABLES_FIX = Fix(
    name="linux-nftables", os="linux", checks=("FW-ENABLED",),
    title={"fr": "Pare-feu local : connexions entrantes refusées par défaut (nftables)",
           "en": "Local firewall: inbound connections refused by default (nftables)"},
    changes={"fr": "Écrit /etc/nftables.conf (entrée refusée par défaut) et active "
                   "nftables.service au démarrage.",
             "en": "Writes /etc/nftables.conf (inbound refused by default) and enables "
                   "nftables.service at boot."},
    risks={"fr": "Un service de ce poste joint depuis d'autres postes (partage, logiciel "
                 "serveur) est coupé s'il n'est pas déclaré dans justified_ports. SSH reste "
                 "ouvert depuis le réseau local : le prestataire garde son accès.",
           "en": "A service of this workstation reached from other workstations (sharing, "
                 "server software) is cut unless declared in justified_ports. SSH stays "
                 "open from the local network: the IT provider keeps access."},
    plan=_plan)
