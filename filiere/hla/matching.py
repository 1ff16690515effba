"""Is a donor compatible with a patient's unacceptable antigens at a threshold?

Per transfusion.md §2.3 step 4:
- COMPATIBLE: no antigen the donor may carry is unacceptable, and every locus where the patient
  has antibodies is typed;
- INCOMPATIBLE: a donor antigen is unacceptable whatever its low-resolution typing stands for;
- AMBIGUOUS ("probable" in transfusion.md): a low-resolution call may stand for an unacceptable
  split, e.g. a donor typed A9 (broad) against a patient with anti-A24 only: A9 is A23 or A24, so
  the donor is neither excluded nor proposed; typing at split level decides;
- UNDECIDABLE: the donor is not typed at a locus where the patient has antibodies.
Only COMPATIBLE donors are counted and ranked; AMBIGUOUS and UNDECIDABLE ones are counted as
"to retype".
"""

from __future__ import annotations

from enum import StrEnum

from filiere.hla.antibodies import UnacceptableSet
from filiere.hla.nomenclature import Allele, HlaCall, Locus, Typing
from filiere.hla.serology import SerologyMap


class Compatibility(StrEnum):
    COMPATIBLE = "compatible"
    INCOMPATIBLE = "incompatible"
    AMBIGUOUS = "ambiguous"
    UNDECIDABLE = "undecidable"

    @property
    def label(self) -> str:
        return {
            "compatible": "compatible",
            "incompatible": "incompatible",
            "ambiguous": "indéterminé (typage de faible résolution)",
            "undecidable": "indécidable (locus non typé)",
        }[self.value]


def call_hits(
    call: HlaCall, unacceptable: UnacceptableSet, serology: SerologyMap
) -> tuple[bool, bool]:
    """Return (may be unacceptable, is surely unacceptable) for one donor call.

    An allele-specific antibody (another allele of the patient's allele-typed antigen, e.g.
    anti-B*44:03 in a B*44:02 patient) surely hits a donor typed with that allele and may hit a
    donor typed below allele level for that antigen (B44, B12, B*44): "à retyper".
    """
    allele_level = isinstance(call, Allele) and not call.is_group
    own = (
        isinstance(call, Allele)
        and allele_level
        and Allele(call.locus, call.fields[:2]) in unacceptable.alleles
    )
    alternatives = serology.alternatives(call)
    hits = [
        alt.antigen in unacceptable.antigens or bool(alt.epitopes & unacceptable.epitopes)
        for alt in alternatives
    ]
    specific = not allele_level and any(
        alt.antigen in unacceptable.specific_antigens for alt in alternatives
    )
    return own or specific or any(hits), own or (bool(hits) and all(hits))


def donor_compatibility(
    typing: Typing, unacceptable: UnacceptableSet, serology: SerologyMap
) -> Compatibility:
    """Return the donor's compatibility with the unacceptable antigens (see the module doc)."""
    possible = certain = False
    for call in typing.calls:
        may, surely = call_hits(call, unacceptable, serology)
        possible |= may
        certain |= surely
    if certain:
        return Compatibility.INCOMPATIBLE
    if possible:
        return Compatibility.AMBIGUOUS
    if unacceptable.loci - typing.typed_loci:
        return Compatibility.UNDECIDABLE
    return Compatibility.COMPATIBLE


def discordant_loci(previous: Typing, new: Typing, serology: SerologyMap) -> tuple[Locus, ...]:
    """Return the loci typed in both typings that share no antigen (a possible sample mix-up).

    Antigens are compared at split level, a broad standing for any of its splits (A9 and A24
    agree), an allele for its antigen (A*02:01 and A2 agree); a locus typed on one side only, or
    expressing nothing (null alleles), is not compared.
    """
    loci = []
    for locus in Locus:
        before = frozenset(a for c in previous.at(locus) for a in serology.antigens(c))
        after = frozenset(a for c in new.at(locus) for a in serology.antigens(c))
        if before and after and not before & after:
            loci.append(locus)
    return tuple(loci)
