"""Scoring of ranked lists: mean rank and Borda count. Pure: no Django.

A respondent ranks the n items of a list from 1 (first) to n (last). The Borda count gives each
item n − rank points per ballot and sums them over the ballots: J.-C. de Borda, « Mémoire sur
les élections au scrutin », Histoire de l'Académie royale des sciences, 1781; D. G. Saari,
« Basic Geometry of Voting », Springer, 1995 (chapter 1: the Borda count as the positional
method with weights n − 1, n − 2, …, 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def is_permutation(ranks: Sequence[int], size: int) -> bool:
    """True when ``ranks`` gives each of the ``size`` items a distinct rank from 1 to size."""
    return len(ranks) == size and sorted(ranks) == list(range(1, size + 1))


@dataclass(frozen=True)
class ItemScore:
    position: int
    mean_rank: float | None
    borda: int


def score(size: int, ballots: Sequence[Sequence[int]]) -> list[ItemScore]:
    """Return, for each item (in the list's order), its mean rank and its Borda count.

    Each ballot holds the rank of item 0, item 1, … (a permutation of 1..size).
    """
    totals = [0] * size
    points = [0] * size
    for ballot in ballots:
        if not is_permutation(ballot, size):
            raise ValueError("a ballot is not a permutation of the list's ranks")
        for position, rank in enumerate(ballot):
            totals[position] += rank
            points[position] += size - rank
    count = len(ballots)
    return [
        ItemScore(
            position=position,
            mean_rank=round(totals[position] / count, 2) if count else None,
            borda=points[position],
        )
        for position in range(size)
    ]
