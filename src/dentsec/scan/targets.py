"""What may be scanned: only what the user typed, judged before a single packet is sent.

A target is an address, a CIDR network of at most 1024 addresses (an IPv4 /22) or a host
name, which is resolved here so that the address actually scanned is the one judged (nmap
is then given the address, never the name). Addresses that do not belong to a local
network (public, or the operator's shared CGNAT range) need ``--i-own-this-address``;
multicast, broadcast and unspecified addresses are never hosts and are always refused.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from dentsec.errors import DentsecError

MAX_ADDRESSES = 1024
"""An IPv4 /22: larger than any practice network, small enough to scan in minutes."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Kind = Literal["loopback", "private", "link-local", "documentation", "shared", "public",
               "not-a-host"]
LOCAL_KINDS: frozenset[Kind] = frozenset(
    {"loopback", "private", "link-local", "documentation"})

# The ranges judged, in order; a network is of a range's kind only if it lies wholly in it,
# anything else counts as public. Documentation and benchmarking ranges (RFC 5737, 3849,
# 2544) are never routed on the internet: test benches use them.
_RANGE_TEXTS: tuple[tuple[str, Kind], ...] = (
    ("127.0.0.0/8", "loopback"), ("::1/128", "loopback"),
    ("10.0.0.0/8", "private"), ("172.16.0.0/12", "private"),
    ("192.168.0.0/16", "private"), ("fc00::/7", "private"),
    ("169.254.0.0/16", "link-local"), ("fe80::/10", "link-local"),
    ("192.0.2.0/24", "documentation"), ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"), ("198.18.0.0/15", "documentation"),
    ("2001:db8::/32", "documentation"),
    ("100.64.0.0/10", "shared"),
    ("0.0.0.0/8", "not-a-host"), ("224.0.0.0/4", "not-a-host"),
    ("240.0.0.0/4", "not-a-host"), ("::/128", "not-a-host"), ("ff00::/8", "not-a-host"),
)
_RANGES: tuple[tuple[Network, Kind], ...] = tuple(
    (ipaddress.ip_network(net), kind) for net, kind in _RANGE_TEXTS)

# RFC 1123 host names: letters, digits and hyphens, never a leading hyphen (so a "name"
# can never pass for an nmap option), dot-separated labels.
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?)+$")

Resolver = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class Target:
    text: str
    """As the user typed it."""
    network: Network
    """What is scanned; a single address is a /32 (or /128) network."""
    name: str | None = None
    """The host name the user typed, when the address was resolved from it."""

    @property
    def nmap_spec(self) -> str:
        if self.network.num_addresses == 1:
            return str(self.network.network_address)
        return str(self.network)

    @property
    def ipv6(self) -> bool:
        return self.network.version == 6


def kind_of(network: Network) -> Kind:
    for net, kind in _RANGES:
        if net.version == network.version and network.subnet_of(net):  # type: ignore[arg-type]
            return kind
    return "public"


def _why(kind: Kind, what: str) -> tuple[str, str]:
    if kind == "shared":
        return (f"{what} est dans la plage partagée de l'opérateur (100.64.0.0/10, CGNAT) : "
                "elle n'appartient pas au cabinet",
                f"{what} is in the operator's shared range (100.64.0.0/10, CGNAT): it does not "
                "belong to the practice")
    return (f"{what} est une adresse publique d'Internet : scanner l'appareil d'un autre est "
            "interdit sans son accord (article 323-1 du code pénal)",
            f"{what} is a public internet address: scanning someone else's device without "
            "their consent is against the law")


def judge(network: Network, text: str, allow_public: bool) -> None:
    """Refuse, with the reason, a network the user may not scan."""
    kind = kind_of(network)
    what = text if text == str(network) or text == str(network.network_address) \
        else f"{text} ({network})"
    if kind == "not-a-host":
        raise DentsecError(
            f"{what} n'est pas l'adresse d'un appareil (multidiffusion, diffusion ou adresse "
            "non spécifiée) : rien à scanner.",
            f"{what} is not the address of a device (multicast, broadcast or unspecified "
            "address): nothing to scan.")
    if kind in LOCAL_KINDS or allow_public:
        return
    fr, en = _why(kind, what)
    raise DentsecError(
        f"{fr}. Si cette adresse est bien celle du cabinet (son accès Internet, par exemple), "
        "relancez avec --i-own-this-address.",
        f"{en}. If this address really is the practice's own (its internet access, for "
        "example), run again with --i-own-this-address.")


def system_resolver(name: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DentsecError(f"Nom d'appareil introuvable : {name} ({exc})",
                           f"Device name not found: {name} ({exc})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _as_network(text: str) -> Network | None:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped:
        mapped = net.network_address.ipv4_mapped
        return ipaddress.ip_network(f"{mapped}/{max(0, net.prefixlen - 96)}", strict=False)
    return net


def parse_target(text: str, allow_public: bool = False,
                 resolve: Resolver = system_resolver) -> list[Target]:
    """The networks one typed target stands for; a name may resolve to several addresses."""
    raw = text.strip()
    if not raw:
        raise DentsecError("Cible vide.", "Empty target.")
    net = _literal(raw, allow_public)
    if net is not None:
        return [Target(raw, net)]
    _check_name(raw)
    targets = []
    for address in resolve(raw):
        resolved = _as_network(address)
        if resolved is None:
            continue
        judge(resolved, f"{raw} → {address}", allow_public)
        targets.append(Target(raw, resolved, name=raw))
    if not targets:
        raise DentsecError(f"Nom d'appareil introuvable : {raw}", f"Device name not found: {raw}")
    return targets


def _literal(raw: str, allow_public: bool) -> Network | None:
    """The network an address or CIDR stands for, judged; None for what may be a name."""
    net = _as_network(raw) if "/" in raw or ":" in raw or raw[0].isdigit() else None
    if net is None:
        return None
    if net.num_addresses > MAX_ADDRESSES:
        raise DentsecError(
            f"{raw} couvre {net.num_addresses} adresses : au plus {MAX_ADDRESSES} (un /22). "
            "Nommez le réseau du cabinet, par exemple 192.168.1.0/24.",
            f"{raw} covers {net.num_addresses} addresses: at most {MAX_ADDRESSES} (a /22). "
            "Name the practice network, for example 192.168.1.0/24.")
    judge(net, raw, allow_public)
    return net


def _check_name(raw: str) -> None:
    if not _HOSTNAME.match(raw) or raw.replace(".", "").isdigit():
        raise DentsecError(
            f"Cible non comprise : {raw!r}. Écrivez une adresse (192.168.1.10), un réseau "
            "(192.168.1.0/24) ou un nom d'appareil (nas.local).",
            f"Target not understood: {raw!r}. Write an address (192.168.1.10), a network "
            "(192.168.1.0/24) or a device name (nas.local).")


def parse_targets(texts: Sequence[str], allow_public: bool = False,
                  resolve: Resolver = system_resolver) -> list[Target]:
    if not texts:
        raise DentsecError(
            "Nommez ce qu'il faut scanner : une adresse, un réseau (au plus /22) ou un nom, "
            "par exemple : dentsec scan 192.168.1.0/24",
            "Name what to scan: an address, a network (at most /22) or a name, for example: "
            "dentsec scan 192.168.1.0/24")
    seen: dict[Network, Target] = {}
    for text in texts:
        for target in parse_target(text, allow_public, resolve):
            seen.setdefault(target.network, target)
    return list(seen.values())


def validate(texts: Sequence[str], allow_public: bool = False) -> list[str]:
    """Targets saved now and scanned later, elsewhere (the console's scan plan): addresses
    and networks are judged now; names only checked, since only the practice network can
    resolve them (the agent judges what they resolve to, before scanning)."""
    if not texts:
        parse_targets(texts)  # the "name what to scan" refusal
    kept = []
    for text in texts:
        raw = text.strip()
        if not raw:
            raise DentsecError("Cible vide.", "Empty target.")
        if _literal(raw, allow_public) is None:
            _check_name(raw)
        kept.append(raw)
    return list(dict.fromkeys(kept))
