"""The dose rules on their own: routes, units, usual range and absolute bounds of a drug, each
example taken from section 4.2 of the product's SmPC (RCP)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filiere.clinical.doses import (
    DoseRange,
    DoseVerdict,
    check_dose,
    convert,
    french_range,
    parse_dose_ranges,
)

# NovoSeven SmPC 4.2: intravenous bolus only; Glanzmann 90 µg/kg, 270 µg/kg single dose with
# inhibitors, 15-30 µg/kg in FVII deficiency. Bounds of the network's table: 1-1000 µg/kg.
RFVIIA = parse_dose_ranges("iv:µg/kg:15-300:1-1000")
# Exacyl RCP 4.2 (1 g ×3/day by mouth) and Cyklokapron SmPC 4.2 (15-25 mg/kg by mouth,
# 10 mg/kg IV).
TRANEXAMIC = parse_dose_ranges(
    "oral:mg/kg:10-25:1-100 | oral:g:0.5-1.5:0.05-4 | iv:mg/kg:10-15:1-100 | topical:mL"
)
# Minirin RCP 4.2: 0.3 µg/kg IV or SC; Octim RCP 4.2: 150-300 µg intranasal.
DESMOPRESSIN = parse_dose_ranges("iv+sc:µg/kg:0.2-0.4:0.05-1 | intranasal:µg:150-300:10-600")


def _verdict(ranges: list[DoseRange], dose: str, unit: str, route: str) -> DoseVerdict:
    routes = sorted({r.route for r in ranges})
    return check_dose(
        routes=routes, ranges=ranges, dose=Decimal(dose), unit=unit, route=route
    ).verdict


@pytest.mark.parametrize(
    ("ranges", "dose", "unit", "route", "verdict"),
    [
        (RFVIIA, "90", "µg/kg", "iv", DoseVerdict.USUAL),  # NovoSeven: Glanzmann
        (RFVIIA, "270", "µg/kg", "iv", DoseVerdict.USUAL),  # NovoSeven: single dose
        (RFVIIA, "15", "µg/kg", "iv", DoseVerdict.USUAL),  # NovoSeven: FVII deficiency
        (RFVIIA, "600", "µg/kg", "iv", DoseVerdict.UNUSUAL),
        (RFVIIA, "1000", "µg/kg", "iv", DoseVerdict.UNUSUAL),  # bounds are inclusive
        (RFVIIA, "1001", "µg/kg", "iv", DoseVerdict.OUT_OF_BOUNDS),
        (RFVIIA, "0.5", "µg/kg", "iv", DoseVerdict.OUT_OF_BOUNDS),
        (RFVIIA, "90", "µg/kg", "oral", DoseVerdict.WRONG_ROUTE),  # NovoSeven: IV bolus
        (RFVIIA, "90", "UI/kg", "iv", DoseVerdict.WRONG_UNIT),
        (RFVIIA, "0.09", "mg/kg", "iv", DoseVerdict.WRONG_UNIT),  # right amount, not the unit
        (TRANEXAMIC, "1", "g", "oral", DoseVerdict.USUAL),  # Exacyl: 1 g ×3/day
        (TRANEXAMIC, "20", "mg/kg", "oral", DoseVerdict.USUAL),  # Cyklokapron: 15-25 mg/kg
        (TRANEXAMIC, "20", "mg/kg", "iv", DoseVerdict.UNUSUAL),  # Cyklokapron: 10 mg/kg IV
        (TRANEXAMIC, "20", "mg/kg", "", DoseVerdict.USUAL),  # no route: any route's range
        (TRANEXAMIC, "5", "mL", "topical", DoseVerdict.UNCHECKED),
        (DESMOPRESSIN, "0.3", "µg/kg", "sc", DoseVerdict.USUAL),  # Minirin: 0.3 µg/kg
        (DESMOPRESSIN, "300", "µg", "intranasal", DoseVerdict.USUAL),  # Octim: 300 µg
        (DESMOPRESSIN, "300", "µg", "iv", DoseVerdict.WRONG_UNIT),
    ],
)
def test_label_doses(
    ranges: list[DoseRange], dose: str, unit: str, route: str, verdict: DoseVerdict
) -> None:
    assert _verdict(ranges, dose, unit, route) == verdict


def test_an_absurd_dose_in_the_wrong_unit_is_also_out_of_bounds() -> None:
    """900000 mg/kg of rFVIIa is 9 × 10⁸ µg/kg: beyond 1-1000 µg/kg whatever the unit."""
    check = check_dose(routes=["iv"], ranges=RFVIIA, dose=Decimal(900000), unit="mg/kg", route="iv")
    assert check.verdict == DoseVerdict.WRONG_UNIT
    assert check.out_of_bounds
    assert check.ranges == tuple(RFVIIA)


def test_a_drug_without_ranges_takes_any_positive_dose_but_keeps_its_routes() -> None:
    assert (
        check_dose(routes=["sc"], ranges=[], dose=Decimal(11), unit="mg", route="sc").verdict
        == DoseVerdict.UNCHECKED
    )
    assert (
        check_dose(routes=["sc"], ranges=[], dose=None, unit="", route="oral").verdict
        == DoseVerdict.WRONG_ROUTE
    )


def test_units_convert_within_their_dimension() -> None:
    assert convert(Decimal("0.09"), "mg/kg", "µg/kg") == 90
    assert convert(Decimal(1), "g", "mg") == 1000
    with pytest.raises(ValueError, match="cannot be converted"):
        convert(Decimal(1), "UI/kg", "µg/kg")


def test_ranges_print_as_french_clinicians_write_them() -> None:
    assert french_range((Decimal(15), Decimal(300)), "µg/kg") == "15–300 µg/kg"
    assert french_range((Decimal("0.05"), Decimal("1.0")), "µg/kg") == "0,05–1 µg/kg"


@pytest.mark.parametrize(
    "text", ["iv:µg/kg:300-15:1-1000", "iv:µg/kg:15-300", "iv", "iv:µg/kg:a-b:1-2"]
)
def test_malformed_entries_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"attendu|plage|expected"):
        parse_dose_ranges(text)


def test_an_entry_for_two_routes_gives_two_ranges() -> None:
    assert [r.route for r in DESMOPRESSIN] == ["iv", "sc", "intranasal"]
    assert DESMOPRESSIN[0].usual == (Decimal("0.2"), Decimal("0.4"))
