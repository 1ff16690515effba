"""Small-cell suppression of aggregated counts (statistical disclosure control).

A count of 1 to 4 people is shown as "< 5" (primary suppression): in a rare disease, a cell
that small points at a person. When the cells of a group add up to a total that is published
elsewhere, a single hidden cell could be recomputed by subtraction, so the smallest other
non-zero cell of the group is hidden as well (complementary suppression).
Reference: Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4.
"""

from __future__ import annotations

from collections.abc import Sequence

THRESHOLD = 5
BELOW_THRESHOLD = "< 5"
# A complementary cell is not small: it is hidden only so that a small one cannot be deduced.
HIDDEN = "masqué"

Cell = int | str


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    return 0 < count < threshold


def suppressed_indexes(
    counts: Sequence[int], threshold: int = THRESHOLD
) -> tuple[set[int], set[int]]:
    """Return (primary, complementary) indexes to hide in a group whose total is published."""
    primary = {i for i, n in enumerate(counts) if is_small(n, threshold)}
    complementary: set[int] = set()
    if len(primary) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if i not in primary and n > 0)
        if others:
            complementary.add(others[0][1])
    return primary, complementary


def suppress(counts: Sequence[int], threshold: int = THRESHOLD) -> list[Cell]:
    """Return the counts of one group as they may be shown (see the module's docstring)."""
    primary, complementary = suppressed_indexes(counts, threshold)
    return [
        BELOW_THRESHOLD if i in primary else HIDDEN if i in complementary else n
        for i, n in enumerate(counts)
    ]


def shown(count: int, threshold: int = THRESHOLD) -> Cell:
    """Return one count with primary suppression only (no published total to protect)."""
    return BELOW_THRESHOLD if is_small(count, threshold) else count
