"""The client's address behind reverse proxies.

``DENTSEC_TRUSTED_PROXIES`` lists the proxies' addresses or networks (e.g. ``127.0.0.1``
for nginx on the same machine). A request from one of them carries the client in
``X-Forwarded-For``; each trusted proxy appends the address it received from, so the
client is the right-most hop that is *not* a trusted proxy (anything to its left was
written by the client itself and proves nothing). A request from any other address, or
no setting at all, is taken at its word: its own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or networks; ValueError names the first bad one."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(item) from None
    return tuple(networks)


def parse_address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(remote: str | None, forwarded: str,
                   trusted: Sequence[Network]) -> str | None:
    """The client's address: ``remote`` (REMOTE_ADDR), or, when it is a trusted proxy,
    the right-most untrusted hop of ``forwarded`` (X-Forwarded-For)."""
    address = parse_address(remote or "")
    if address is None:
        return None
    if not _trusted(address, trusted):
        return str(address)
    for hop in reversed(forwarded.split(",")):
        if not hop.strip():
            continue
        found = parse_address(hop)
        if found is None:
            break  # garbage from the left: the last trusted hop is all that is known
        address = found
        if not _trusted(found, trusted):
            break
    return str(address)


def address_range(ip: str | None) -> str:
    """What a sign-in lockout is keyed on: an IPv4 address, or the /64 of an IPv6 one
    (one subscriber line holds a whole /64)."""
    address = parse_address(ip or "")
    if address is None:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
