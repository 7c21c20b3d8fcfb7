"""Read GNOME settings without a session: dconf databases (GVDB files) and keyfiles.

GVDB layout (glib gvdb-format.h): a 24-byte header ("GVariant", version, options, root
pointer) then a hash table: bloom words, buckets, 24-byte items (hash, parent, key start,
key size, type, unused, value pointer). Keys are stored relative to their parent item;
values of type 'v' are serialized GVariants (value bytes, a NUL, the type string).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import Any

from dentsec.collect.linux.textconf import parse_ini
from dentsec.host.base import under_root

WATCHED_KEYS = (
    "/org/gnome/desktop/session/idle-delay",
    "/org/gnome/desktop/screensaver/lock-enabled",
    "/org/gnome/desktop/screensaver/lock-delay",
    "/org/gnome/deja-dup/last-backup",
    "/org/gnome/deja-dup/last-run",
    "/org/gnome/deja-dup/backend",
    "/org/gnome/desktop/remote-desktop/rdp/enable",
    "/org/gnome/desktop/remote-desktop/vnc/enable",
    "/org/gnome/desktop/remote-access/enabled",
)

_SCALARS = {"b": "<?", "y": "<B", "n": "<h", "q": "<H", "i": "<i", "u": "<I",
            "x": "<q", "t": "<Q", "d": "<d"}
_ITEM = 24


def _variant(blob: bytes, big: bool) -> Any:
    """Decode a serialized GVariant of type 'v' holding a scalar or a string."""
    sep = blob.rfind(b"\0")
    if sep < 0:
        return None
    vtype, data = blob[sep + 1:].decode("ascii", "replace"), blob[:sep]
    if vtype == "s":
        return data.rstrip(b"\0").decode("utf-8", "replace")
    fmt = _SCALARS.get(vtype)
    if fmt is None or len(data) != struct.calcsize(fmt):
        return None
    return struct.unpack((">" if big else "<") + fmt[1:], data)[0]


def read_gvdb(data: bytes) -> dict[str, Any]:
    """Every scalar/string key of a dconf database -> its value. Raises ValueError if invalid."""
    if len(data) < 24:
        raise ValueError("file too short for a GVDB header")
    if data[:8] == b"GVariant":
        big = False
    elif data[:8] == b"raVGtnai":
        big = True
    else:
        raise ValueError("not a GVDB file")
    e = ">" if big else "<"
    start, end = struct.unpack(e + "II", data[16:24])
    if not (24 <= start <= end <= len(data)) or end - start < 8:
        raise ValueError("bad root pointer")
    n_bloom, n_buckets = struct.unpack(e + "II", data[start:start + 8])
    first = start + 8 + 4 * (n_bloom & ((1 << 27) - 1)) + 4 * n_buckets
    if first > end:
        raise ValueError("bad hash table header")
    count = (end - first) // _ITEM
    items = []
    for n in range(count):
        off = first + n * _ITEM
        _hash, parent, kstart, ksize = struct.unpack(e + "IIIH", data[off:off + 14])
        kind = chr(data[off + 14])
        vstart, vend = struct.unpack(e + "II", data[off + 16:off + 24])
        if kstart + ksize > len(data):
            raise ValueError("key outside the file")
        items.append((parent, data[kstart:kstart + ksize].decode("utf-8", "replace"),
                      kind, vstart, vend))

    def full_key(index: int) -> str:
        parts: list[str] = []
        seen: set[int] = set()
        while 0 <= index < count and index not in seen:
            seen.add(index)
            parent, key, _k, _s, _e = items[index]
            parts.append(key)
            index = parent if parent != 0xFFFFFFFF else -1
        return "".join(reversed(parts))

    out: dict[str, Any] = {}
    for index, (_parent, _key, kind, vstart, vend) in enumerate(items):
        if kind == "v" and vstart <= vend <= len(data):
            value = _variant(data[vstart:vend], big)
            if value is not None:
                out[full_key(index)] = value
    return out


def parse_gvariant_text(text: str) -> Any:
    """A dconf keyfile value (GVariant text): 600, uint32 600, true, 'text'."""
    value = text.strip()
    value = re.sub(r"^(?:u?int(?:16|32|64)|byte|double|boolean)\s+", "", value)
    if value in ("true", "false"):
        return value == "true"
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return None


def parse_keyfile(text: str) -> dict[str, Any]:
    """dconf keyfile (``[org/gnome/x]`` + ``key=value``) -> ``/org/gnome/x/key`` -> value."""
    out: dict[str, Any] = {}
    for section, values in parse_ini(text).items():
        for key, raw in values.items():
            out[f"/{section.strip('/')}/{key}"] = parse_gvariant_text(raw)
    return out


def parse_locks(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()
            if line.strip().startswith("/") and not line.strip().startswith("#")}


def user_db_probe(home: str) -> Callable[[str], Any]:
    """Probe: the watched keys of ~/.config/dconf/user (None when the user has none)."""
    def read(root: str) -> dict[str, Any] | None:
        path = under_root(root, home, ".config/dconf/user")
        try:
            with open(path, "rb") as fh:
                data = fh.read(16 * 1024 * 1024)
        except FileNotFoundError:
            return None
        values = read_gvdb(data)
        return {k: values[k] for k in WATCHED_KEYS if k in values}
    return read
