"""Mean rank and Borda count (J.-C. de Borda, « Mémoire sur les élections au scrutin », 1781;
D. G. Saari, « Basic Geometry of Voting », 1995): n − rank points per ballot, summed."""

from __future__ import annotations

import pytest

from filiere.surveys.ranking import ItemScore, is_permutation, score


def test_a_worked_example_computed_by_hand() -> None:
    """Three items A, B, C; five ballots giving the ranks of (A, B, C):

    (1,2,3) → points A 2, B 1, C 0      (1,3,2) → A 2, B 0, C 1
    (2,1,3) → A 1, B 2, C 0             (3,1,2) → A 0, B 2, C 1
    (2,3,1) → A 1, B 0, C 2
    Borda: A 2+2+1+0+1 = 6, B 1+0+2+2+0 = 5, C 0+1+0+1+2 = 4 (15 points in all = 5 × 3).
    Mean rank: A (1+1+2+3+2)/5 = 1.8, B (2+3+1+1+3)/5 = 2.0, C (3+2+3+2+1)/5 = 2.2.
    """
    ballots = [(1, 2, 3), (1, 3, 2), (2, 1, 3), (3, 1, 2), (2, 3, 1)]
    assert score(3, ballots) == [
        ItemScore(position=0, mean_rank=1.8, borda=6),
        ItemScore(position=1, mean_rank=2.0, borda=5),
        ItemScore(position=2, mean_rank=2.2, borda=4),
    ]


def test_no_ballot_gives_no_mean_and_no_points() -> None:
    assert score(2, []) == [
        ItemScore(position=0, mean_rank=None, borda=0),
        ItemScore(position=1, mean_rank=None, borda=0),
    ]


@pytest.mark.parametrize(
    ("ranks", "size", "expected"),
    [((2, 1, 3), 3, True), ((1, 1, 3), 3, False), ((1, 2), 3, False), ((0, 1, 2), 3, False)],
)
def test_a_ranking_is_a_permutation_of_one_to_n(
    ranks: tuple[int, ...], size: int, expected: bool
) -> None:
    assert is_permutation(ranks, size) is expected


def test_a_ballot_that_is_not_a_permutation_is_refused() -> None:
    with pytest.raises(ValueError, match="permutation"):
        score(3, [(1, 1, 2)])
