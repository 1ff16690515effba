"""Absolute bounds of laboratory values and Glanzmann types by αIIbβ3 expression."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filiere.clinical.glanzmann import TYPE_I, TYPE_II, VARIANT, glanzmann_types_fitting
from filiere.clinical.lab_bounds import (
    MEAN_PLATELET_VOLUME,
    PLATELET_COUNT,
    aggregation,
    french_number,
)


def test_a_platelet_count_with_extra_digits_is_refused() -> None:
    """99,999 G/L is a slip: above 1,000 G/L is already extreme thrombocytosis (Tefferi &
    Barbui, Am J Hematol 2023); the bound is 2,000 G/L."""
    assert PLATELET_COUNT.refusal(Decimal("245")) is None
    assert PLATELET_COUNT.refusal(2000) is None
    message = PLATELET_COUNT.refusal(Decimal("99999"))
    assert message == (
        "Numération plaquettaire : valeur invraisemblable (99\u202f999 G/L), "
        "attendue entre 0 et 2\u202f000 G/L."
    )
    assert PLATELET_COUNT.refusal(-1) is not None


def test_wiskott_aldrich_microplatelets_are_within_bounds() -> None:
    """Wiskott-Aldrich microplatelets measure about 3.5-5 fL (Ochs & Thrasher, JACI 2006)."""
    assert MEAN_PLATELET_VOLUME.refusal(Decimal("3.5")) is None
    assert MEAN_PLATELET_VOLUME.refusal(Decimal("2.9")) is not None


def test_aggregation_is_a_share_of_transmitted_light() -> None:
    """LTA maximal amplitude is 0-100 % (Cattaneo et al., ISTH/SSC, JTH 2013)."""
    assert aggregation("ADP").refusal(100) is None
    assert "Agrégation ADP" in str(aggregation("ADP").refusal(140))


def test_numbers_are_written_the_french_way() -> None:
    assert french_number(Decimal("159.0")) == "159"
    assert french_number(Decimal("3.5")) == "3,5"
    assert french_number(-3) == "-3"
    assert french_number(12345) == "12\u202f345"


@pytest.mark.parametrize(
    ("expression", "types"),
    [
        (0, {TYPE_I}),
        (Decimal("4.9"), {TYPE_I}),
        (5, {TYPE_II}),
        (12, {TYPE_II}),
        (20, {TYPE_II, VARIANT}),
        (21, {VARIANT}),
        (95, {VARIANT}),
    ],
)
def test_glanzmann_type_follows_the_alpha_iib_beta3_expression(
    expression: Decimal | int, types: set[str]
) -> None:
    """Type I < 5 %, type II 5-20 %, variant > 20 % of a dysfunctional receptor (George, Caen
    & Nurden, Blood 1990;75:1383-95; Nurden, Orphanet J Rare Dis 2006;1:10)."""
    assert glanzmann_types_fitting(expression) == types
