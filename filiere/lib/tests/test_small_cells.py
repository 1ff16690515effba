"""Small-cell suppression (Hundepool et al., Statistical Disclosure Control, Wiley 2012, ch. 4:
threshold rule, then secondary suppression so that no hidden cell follows from the total)."""

from __future__ import annotations

from filiere.lib.small_cells import BELOW_THRESHOLD, HIDDEN, shown, suppress


def test_counts_of_one_to_four_are_shown_as_below_five() -> None:
    assert suppress([12, 3, 0, 7, 9]) == [12, BELOW_THRESHOLD, 0, HIDDEN, 9]


def test_a_single_small_cell_takes_the_smallest_other_with_it() -> None:
    """Total 40 published: 37 + 3 would give the 3 back; both are hidden."""
    assert suppress([37, 3]) == [HIDDEN, BELOW_THRESHOLD]


def test_two_small_cells_protect_each_other() -> None:
    assert suppress([20, 2, 1]) == [20, BELOW_THRESHOLD, BELOW_THRESHOLD]


def test_large_cells_and_zeros_are_shown() -> None:
    assert suppress([5, 0, 18]) == [5, 0, 18]
    assert [shown(n) for n in (0, 1, 4, 5)] == [0, BELOW_THRESHOLD, BELOW_THRESHOLD, 5]
