"""The cheapest way to guess a password from zxcvbn's matches, computed in floats.

zxcvbn picks, among all ways to cover the password with its matches and runs of
unmatched characters ("bruteforce"), the one minimising l! * prod(guesses) + 10000^(l-1)
for a sequence of l pieces. Its Python port does this with Decimal numbers and a match
dictionary per unmatched run, which costs tens of milliseconds on long passwords. This
module runs the same search with floats and tuples; a test compares it with zxcvbn's own.
"""

from __future__ import annotations

from math import factorial
from typing import Any

from zxcvbn import scoring  # type: ignore[import-untyped]

BRUTEFORCE = None  # the "match" of a run of characters no pattern explains
Piece = tuple[int, int, Any]  # (i, j, zxcvbn match dict, or BRUTEFORCE)


def _bruteforce_guesses(length: int) -> float:
    floor = float(scoring.MIN_SUBMATCH_GUESSES_SINGLE_CHAR if length == 1
                  else scoring.MIN_SUBMATCH_GUESSES_MULTI_CHAR)
    return max(float(scoring.BRUTEFORCE_CARDINALITY) ** length, floor + 1.0)


def cheapest_sequence(password: str, matches: list[dict[str, Any]]) -> tuple[
        float, list[Piece]]:
    """(guesses, pieces covering the password in order)."""
    n = len(password)
    if n == 0:
        return 1.0, []
    growth = float(scoring.MIN_GUESSES_BEFORE_GROWING_SEQUENCE)
    by_end: list[list[tuple[int, Any, float]]] = [[] for _ in range(n)]
    for m in sorted(matches, key=lambda m: m["i"]):
        by_end[m["j"]].append((m["i"], m, float(scoring.estimate_guesses(m, password))))
    # For each prefix end k and sequence length l: best last piece, product, objective.
    best_piece: list[dict[int, Piece]] = [{} for _ in range(n)]
    best_pi: list[dict[int, float]] = [{} for _ in range(n)]
    best_g: list[dict[int, float]] = [{} for _ in range(n)]

    def consider(i: int, k: int, match: Any, guesses: float, length: int) -> None:
        pi = guesses * best_pi[i - 1][length - 1] if length > 1 else guesses
        g = factorial(length) * pi + growth ** (length - 1)
        for other_length, other_g in best_g[k].items():
            if other_length <= length and other_g <= g:
                return
        best_g[k][length] = g
        best_piece[k][length] = (i, k, match)
        best_pi[k][length] = pi

    for k in range(n):
        for i, match, guesses in by_end[k]:
            if i > 0:
                for length in list(best_piece[i - 1]):
                    consider(i, k, match, guesses, length + 1)
            else:
                consider(0, k, match, guesses, 1)
        consider(0, k, BRUTEFORCE, _bruteforce_guesses(k + 1), 1)
        for i in range(1, k + 1):
            guesses = _bruteforce_guesses(k - i + 1)
            for length, (_, _, last) in list(best_piece[i - 1].items()):
                if last is BRUTEFORCE:  # two runs side by side are never cheaper than one
                    continue
                consider(i, k, BRUTEFORCE, guesses, length + 1)

    final = best_g[n - 1]
    length = min(final, key=lambda lth: (final[lth], list(final).index(lth)))
    guesses = final[length]
    pieces: list[Piece] = []
    k = n - 1
    while k >= 0:
        piece = best_piece[k][length]
        pieces.insert(0, piece)
        k = piece[0] - 1
        length -= 1
    return guesses, pieces
