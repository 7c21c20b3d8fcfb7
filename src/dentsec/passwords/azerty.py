"""The French AZERTY keyboard as a zxcvbn adjacency graph.

zxcvbn only ships QWERTY and Dvorak, so walks such as ``azertyuiop`` or the number row
``&é"'(-è_çà`` look random to it. The graph uses zxcvbn's format: for every character,
the keys around it in six fixed directions (left, up, up-right, right, down, down-left on
a keyboard whose rows are offset by half a key), each key written as its unshifted then
shifted character, or None at an edge.
"""

from __future__ import annotations

# Each key as "unshifted" + "shifted"; the first key of every row sits in column 0.
# Row 0 starts with the ² key (no shifted character on most keyboards: written "²³").
AZERTY_ROWS: tuple[tuple[str, ...], ...] = (
    ("²³", "&1", "é2", '"3', "'4", "(5", "-6", "è7", "_8", "ç9", "à0", ")°", "=+"),
    ("aA", "zZ", "eE", "rR", "tT", "yY", "uU", "iI", "oO", "pP", "^¨", "$£"),
    ("qQ", "sS", "dD", "fF", "gG", "hH", "jJ", "kK", "lL", "mM", "ù%", "*µ"),
    ("<>", "wW", "xX", "cC", "vV", "bB", "nN", ",?", ";.", ":/", "!§"),
)
# Column of each row's first key: "a" sits below between "&" and "é", and so on.
ROW_START = (0, 1, 1, 0)

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
