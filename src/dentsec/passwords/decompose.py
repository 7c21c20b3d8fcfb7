"""The cheapest way to guess a password: its cover by known pieces (matchers.py) and
runs of arbitrary characters, searched over all splits by dynamic programming, as
zxcvbn does for its matches.

A cover's guess count is the product of its pieces' counts (a PCFG attacker tries the
likeliest segments of each kind together), times JOIN for each piece after the first (the
choice of the next segment's kind among the few that passwords combine: word, name, town,
year, digits, symbol). Runs of arbitrary characters cost the size of their characters'
mask charsets (10 a digit, 26 a letter, 33 a symbol). A run repeated back to back
("SoleilSoleil", "!!!") costs its own best cover times the number of copies.
"""

from __future__ import annotations

from dataclasses import dataclass

from dentsec.passwords.matchers import Piece, all_pieces, bruteforce_cardinality, fold_chars

JOIN = 2.0
MAX_LENGTH = 72  # longer passwords are estimated on their first 72 characters
BRUTEFORCE = "bruteforce"


@dataclass(frozen=True)
class Cover:
    guesses: float
    pieces: tuple[Piece, ...]  # in order, covering the password


def decompose(password: str) -> Cover:
    return _decompose(password[:MAX_LENGTH], {})


def _decompose(password: str, memo: dict[str, Cover]) -> Cover:
    if password in memo:
        return memo[password]
    n = len(password)
    pieces = all_pieces(password) + _repeats(password, memo)
    by_end: list[list[Piece]] = [[] for _ in range(n + 1)]
    for piece in pieces:
        by_end[piece.j].append(piece)
    inf = float("inf")
    # Best cost of a cover of password[:j] whose last piece is a run of arbitrary
    # characters (run) or a known piece (known); known[0] is the empty start.
    run = [inf] * (n + 1)
    known = [inf] * (n + 1)
    known[0] = 1.0
    run_from: list[int] = [0] * (n + 1)  # where the run ending at j starts
    known_by: list[Piece | None] = [None] * (n + 1)
    for j in range(1, n + 1):
        card = bruteforce_cardinality(password[j - 1])
        extend, start = run[j - 1] * card, known[j - 1] * card * JOIN
        if extend <= start:
            run[j], run_from[j] = extend, run_from[j - 1]
        else:
            run[j], run_from[j] = start, j - 1
        for piece in by_end[j]:
            cost = min(run[piece.i], known[piece.i]) * piece.guesses * JOIN
            if cost < known[j]:
                known[j], known_by[j] = cost, piece
    out: list[Piece] = []
    j, in_run = n, run[n] < known[n]
    total = min(run[n], known[n]) / JOIN
    while j > 0:
        if in_run:  # a run always follows a known piece or the start
            i = run_from[j]
            out.append(Piece(i, j, BRUTEFORCE, _run_cost(password[i:j])))
            j, in_run = i, False
        else:
            last = known_by[j]
            assert last is not None  # known[j] is finite only where a piece ends
            out.append(last)
            j = last.i
            in_run = run[j] < known[j]
    cover = Cover(max(total, 1.0), tuple(reversed(out)))
    memo[password] = cover
    return cover


def _run_cost(text: str) -> float:
    cost = 1.0
    for c in text:
        cost *= bruteforce_cardinality(c)
    return cost


def _repeats(password: str, memo: dict[str, Cover]) -> list[Piece]:
    """A part written two or more times in a row (capitals aside)."""
    folded = fold_chars(password)
    n = len(folded)
    out: list[Piece] = []
    for i in range(n - 1):
        for size in range(1, (n - i) // 2 + 1):
            if folded[i] != folded[i + size]:
                continue
            unit = folded[i:i + size]
            copies = 1
            while folded[i + copies * size:i + (copies + 1) * size] == unit:
                copies += 1
            if copies < 2:
                continue
            inner = _decompose(password[i:i + size], memo)
            parts = tuple(p.kind for p in inner.pieces)
            for count in range(2, copies + 1):
                out.append(Piece(i, i + count * size, "repeat", inner.guesses * count,
                                 parts=parts))
    return out
