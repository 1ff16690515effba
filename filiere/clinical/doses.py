"""Plausible doses of haemostatic drugs: allowed routes and units, usual range, absolute bounds.

A drug of the network's table may carry, per route and unit, a usual range (the label's doses,
from section 4.2 of the SmPC / RCP) and absolute bounds (wider: a dose outside them is a typing
error, never a prescription). A dose:
- in a unit or by a route the drug is not given in is refused;
- outside the absolute bounds is refused;
- outside the usual range is recorded only when a clinician confirms it;
- of a drug without ranges is only required to be positive.

Mass units are compared after conversion (0,09 mg/kg of eptacog alfa is 90 µg/kg) so that the
bounds catch an absurd value typed in the wrong unit; the unit itself must still be one the
table allows. The values live in ``filiere/followup/data/atc_haemostatics.tsv`` with their
label references.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from filiere.lib import numbers

# Factor of each unit to the base of its dimension (µg/kg, µg); units absent are their own base.
_PER_KG_MASS = {"µg/kg": Decimal(1), "mg/kg": Decimal(1000)}
_MASS = {"µg": Decimal(1), "mg": Decimal(1000), "g": Decimal(1_000_000)}


class DoseVerdict(StrEnum):
    USUAL = "usual"
    UNUSUAL = "unusual"  # outside the usual range, inside the bounds: needs a confirmation
    OUT_OF_BOUNDS = "out_of_bounds"
    WRONG_ROUTE = "wrong_route"
    WRONG_UNIT = "wrong_unit"
    UNCHECKED = "unchecked"  # no dose, or a drug without ranges for this route and unit


@dataclass(frozen=True)
class DoseRange:
    """The doses of one drug by one route in one unit (both ranges inclusive)."""

    route: str
    unit: str
    usual: tuple[Decimal, Decimal] | None = None
    bounds: tuple[Decimal, Decimal] | None = None

    def __post_init__(self) -> None:
        if (self.usual is None) != (self.bounds is None):
            raise ValueError(f"{self.route} {self.unit}: a usual range goes with its bounds")
        if self.usual is not None and self.bounds is not None:
            low, high = self.usual
            lowest, highest = self.bounds
            if not Decimal(0) < lowest <= low <= high <= highest:
                raise ValueError(
                    f"{self.route} {self.unit}: expected 0 < lowest ≤ low ≤ high ≤ highest"
                )


@dataclass(frozen=True)
class DoseCheck:
    verdict: DoseVerdict
    # The ranges of the route (and unit) the dose was compared with, for the message.
    ranges: tuple[DoseRange, ...] = ()
    # Besides WRONG_UNIT: set when the dose, converted, is also outside the bounds.
    out_of_bounds: bool = False


def convertible(unit: str, other: str) -> bool:
    return unit == other or any(unit in d and other in d for d in (_PER_KG_MASS, _MASS))


def convert(dose: Decimal, unit: str, to: str) -> Decimal:
    """Return ``dose`` in ``unit`` expressed in ``to`` (same dimension)."""
    if unit == to:
        return dose
    for table in (_PER_KG_MASS, _MASS):
        if unit in table and to in table:
            return dose * table[unit] / table[to]
    raise ValueError(f"{unit} cannot be converted to {to}")


def _inside(dose: Decimal, unit: str, rng: DoseRange, limits: tuple[Decimal, Decimal]) -> bool:
    value = convert(dose, unit, rng.unit)
    return limits[0] <= value <= limits[1]


def check_dose(
    *,
    routes: Collection[str],
    ranges: Sequence[DoseRange],
    dose: Decimal | None,
    unit: str,
    route: str,
) -> DoseCheck:
    """Return the verdict on ``dose`` ``unit`` by ``route`` for a drug with these ``routes``
    (empty: any) and these ``ranges`` (empty: any positive dose, any unit).

    Without a route, the dose is compared with the ranges of every route in its unit.
    """
    if route and routes and route not in routes:
        return DoseCheck(DoseVerdict.WRONG_ROUTE)
    if dose is None or not ranges:
        return DoseCheck(DoseVerdict.UNCHECKED)
    by_route = [r for r in ranges if not route or r.route == route]
    if not by_route:
        return DoseCheck(DoseVerdict.UNCHECKED)
    same_unit = tuple(r for r in by_route if r.unit == unit)
    if not same_unit:
        converted = tuple(r for r in by_route if r.bounds is not None and convertible(unit, r.unit))
        beyond = bool(converted) and not any(
            r.bounds is not None and _inside(dose, unit, r, r.bounds) for r in converted
        )
        return DoseCheck(DoseVerdict.WRONG_UNIT, converted or tuple(by_route), beyond)
    ranged = tuple(r for r in same_unit if r.bounds is not None)
    if not ranged:
        return DoseCheck(DoseVerdict.UNCHECKED, same_unit)
    if not any(r.bounds is not None and _inside(dose, unit, r, r.bounds) for r in ranged):
        return DoseCheck(DoseVerdict.OUT_OF_BOUNDS, ranged, True)
    if not any(r.usual is not None and _inside(dose, unit, r, r.usual) for r in ranged):
        return DoseCheck(DoseVerdict.UNUSUAL, ranged)
    return DoseCheck(DoseVerdict.USUAL, ranged)


def french_number(value: Decimal) -> str:
    """``Decimal("0.30")`` → ``"0,3"``, ``Decimal("900000")`` → ``"900000"``."""
    return numbers.french_number(value, trim=True)


def french_range(limits: tuple[Decimal, Decimal], unit: str) -> str:
    """``(15, 300), "µg/kg"`` → ``"15–300 µg/kg"`` (an en dash, as clinicians print it)."""
    low, high = limits
    if low == high:
        return f"{french_number(low)} {unit}"
    return f"{french_number(low)}–{french_number(high)} {unit}"


def parse_dose_ranges(text: str) -> list[DoseRange]:
    """Read the table's dose cell: entries ``routes:unit[:usual:bounds]`` separated by ``|``.

    ``iv+sc:µg/kg:0.3-0.4:0.05-1 | intranasal:µg:150-300:10-600`` gives three ranges; a unit
    without ranges (``topical:mL``) only allows that unit by that route.
    """
    ranges: list[DoseRange] = []
    for entry in (part.strip() for part in text.split("|")):
        if not entry:
            continue
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) not in (2, 4) or not parts[0] or not parts[1]:
            raise ValueError(f"« {entry} » : attendu voies:unité[:usuelle:bornes]")
        usual = _limits(parts[2], entry) if len(parts) == 4 else None
        bounds = _limits(parts[3], entry) if len(parts) == 4 else None
        for route in parts[0].split("+"):
            ranges.append(DoseRange(route.strip(), parts[1], usual, bounds))
    return ranges


def _limits(text: str, entry: str) -> tuple[Decimal, Decimal]:
    low, sep, high = text.partition("-")
    try:
        return Decimal(low), Decimal(high if sep else low)
    except InvalidOperation as error:
        raise ValueError(
            f"« {entry} » : « {text} » n'est pas une plage (par exemple 15-300)"
        ) from error
