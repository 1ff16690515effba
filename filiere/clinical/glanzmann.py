"""Glanzmann thrombasthenia types, by the αIIbβ3 (CD41/CD61) expression of the platelets.

Type I: under 5 % of the normal αIIbβ3; type II: 5 to 20 %; variant: over 20 % (often normal)
of a non-functional receptor (George JN, Caen JP, Nurden AT, Blood 1990;75:1383-95; Nurden AT,
Orphanet J Rare Dis 2006;1:10). At exactly 20 % both type II and a variant fit.
"""

from __future__ import annotations

from decimal import Decimal

TYPE_I = "type_1"
TYPE_II = "type_2"
VARIANT = "variant"


def glanzmann_types_fitting(expression_percent: Decimal | float | int) -> frozenset[str]:
    """Return the types that an αIIbβ3 expression (% of the control) allows."""
    value = Decimal(str(expression_percent))
    if value < 5:
        return frozenset({TYPE_I})
    if value < 20:
        return frozenset({TYPE_II})
    if value == 20:
        return frozenset({TYPE_II, VARIANT})
    return frozenset({VARIANT})
