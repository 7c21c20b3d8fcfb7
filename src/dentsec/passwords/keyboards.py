"""The French AZERTY and the QWERTY keyboards as adjacency graphs, for keyboard walks.

For every character, the keys around it in six fixed directions (left, up, up-right,
right, down, down-left on a keyboard whose rows are offset by half a key), each key
written as its unshifted then shifted character, or None at an edge (zxcvbn's format).
Walks such as ``azertyuiop``, ``&é"'(-è_çà`` (the AZERTY number row) or ``qwerty`` are
among the first candidates of every cracking dictionary.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# Each key as "unshifted" + "shifted"; ROW_START = column of each row's first key.
AZERTY_ROWS: tuple[tuple[str, ...], ...] = (
    ("²³", "&1", "é2", '"3', "'4", "(5", "-6", "è7", "_8", "ç9", "à0", ")°", "=+"),
    ("aA", "zZ", "eE", "rR", "tT", "yY", "uU", "iI", "oO", "pP", "^¨", "$£"),
    ("qQ", "sS", "dD", "fF", "gG", "hH", "jJ", "kK", "lL", "mM", "ù%", "*µ"),
    ("<>", "wW", "xX", "cC", "vV", "bB", "nN", ",?", ";.", ":/", "!§"),
)
QWERTY_ROWS: tuple[tuple[str, ...], ...] = (
    ("`~", "1!", "2@", "3#", "4$", "5%", "6^", "7&", "8*", "9(", "0)", "-_", "=+"),
    ("qQ", "wW", "eE", "rR", "tT", "yY", "uU", "iI", "oO", "pP", "[{", "]}", "\\|"),
    ("aA", "sS", "dD", "fF", "gG", "hH", "jJ", "kK", "lL", ";:", "'\""),
    ("zZ", "xX", "cC", "vV", "bB", "nN", "mM", ",<", ".>", "/?"),
)
ROW_START = (0, 1, 1, 0)
QWERTY_ROW_START = (0, 1, 1, 1)

Graph = dict[str, list[str | None]]


def build_graph(rows: tuple[tuple[str, ...], ...], starts: tuple[int, ...]) -> Graph:
    keys: dict[tuple[int, int], str] = {}
    for y, row in enumerate(rows):
        for i, key in enumerate(row):
            keys[(starts[y] + i, y)] = key
    graph: Graph = {}
    for (x, y), key in keys.items():
        around = [(x - 1, y), (x, y - 1), (x + 1, y - 1), (x + 1, y), (x, y + 1), (x - 1, y + 1)]
        neighbours = [keys.get(pos) for pos in around]
        for char in key:
            graph[char] = neighbours
    return graph


AZERTY = build_graph(AZERTY_ROWS, ROW_START)
QWERTY = build_graph(QWERTY_ROWS, QWERTY_ROW_START)


@dataclass(frozen=True)
class Layout:
    name: str
    # char -> {neighbouring char: direction 0..5}
    moves: dict[str, dict[str, int]]
    shifted: frozenset[str]
    starts: int  # keys a walk may start on
    degree: float  # average number of neighbours


def _layout(name: str, rows: tuple[tuple[str, ...], ...], graph: Graph) -> Layout:
    moves = {char: {c: d for d, key in enumerate(around) if key for c in key}
             for char, around in graph.items()}
    keys = [key for row in rows for key in row]
    degree = sum(sum(1 for k in graph[key[0]] if k) for key in keys) / len(keys)
    return Layout(name, moves, frozenset(key[1] for key in keys if len(key) > 1), len(keys),
                  degree)


@functools.cache
def layouts() -> tuple[Layout, ...]:
    return (_layout("azerty", AZERTY_ROWS, AZERTY), _layout("qwerty", QWERTY_ROWS, QWERTY))
