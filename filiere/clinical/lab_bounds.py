"""Absolute bounds of the laboratory values Filière records, shared by every form and service.

A value outside its bounds is a typing slip (a unit, an extra digit), never a result: it is
refused, not flagged for confirmation. The bounds are wide on purpose, so that the extremes of
the inherited platelet and bleeding disorders the network follows stay inside:

- Platelet count 0-2,000 G/L: above 1,000 G/L is already "extreme thrombocytosis" (Tefferi A,
  Barbui T, Am J Hematol 2023;98:1465-87); a count above 2,000 G/L is refused as a slip.
- Mean platelet volume 3-30 fL: the microplatelets of the Wiskott-Aldrich syndrome measure about
  3.5-5 fL (Ochs HD, Thrasher AJ, J Allergy Clin Immunol 2006;117:725-38); the giant platelets of
  MYH9-related disease and Bernard-Soulier syndrome reach diameters of 4-7 µm, often beyond the
  counters' range (Noris P et al., Blood 2014;124:e4-e10).
- Haemoglobin 2-25 g/dL.
- Factor VIII, factor IX, VWF activity 0-400 %: 50-150 % in health, up to about 300 % in
  pregnancy and inflammation.
- Light-transmission aggregation 0-100 %: the maximal amplitude is a share of the light
  transmitted through platelet-poor plasma (Cattaneo M et al., ISTH/SSC guidance,
  J Thromb Haemost 2013;11:1183-9).
- Glycoprotein expression by flow cytometry 0-300 % of the control: large platelets carry more
  receptors than the control's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from filiere.lib import numbers


@dataclass(frozen=True)
class LabBounds:
    label: str
    low: Decimal
    high: Decimal
    unit: str

    def refusal(self, value: Decimal | float | int) -> str | None:
        """Return the French refusal of ``value``, or None when it lies within the bounds."""
        if self.low <= Decimal(str(value)) <= self.high:
            return None
        return (
            f"{self.label} : valeur invraisemblable ({french_number(value)} {self.unit}), "
            f"attendue entre {french_number(self.low)} et {french_number(self.high)} {self.unit}."
        )


def french_number(value: Decimal | float | int) -> str:
    return numbers.french_number(value, trim=True, grouped=True)


def _bounds(label: str, low: str, high: str, unit: str) -> LabBounds:
    return LabBounds(label, Decimal(low), Decimal(high), unit)


PLATELET_COUNT = _bounds("Numération plaquettaire", "0", "2000", "G/L")
MEAN_PLATELET_VOLUME = _bounds("Volume plaquettaire moyen", "3", "30", "fL")
HAEMOGLOBIN = _bounds("Hémoglobine", "2", "25", "g/dL")
FACTOR_VIII = _bounds("Facteur VIII", "0", "400", "%")
FACTOR_IX = _bounds("Facteur IX", "0", "400", "%")
VWF_ACTIVITY = _bounds("Activité VWF", "0", "400", "%")


def aggregation(agonist: str) -> LabBounds:
    return _bounds(f"Agrégation {agonist}", "0", "100", "%")


def expression(glycoprotein: str) -> LabBounds:
    return _bounds(f"Expression {glycoprotein}", "0", "300", "% du témoin")
