"""What the patient's own typing makes of each bead: self antigens and epitopes, beads ignored
as self, possibly self or allele-specific, and the MFI tables of the beads counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from filiere.hla.nomenclature import Allele, Antigen, HlaCall, Locus, PublicEpitope
from filiere.hla.sab import Bead
from filiere.hla.serology import SerologyMap


@dataclass(frozen=True)
class SelfCall:
    """What one call of the patient's typing says about self, at its own resolution."""

    call: HlaCall
    antigens: frozenset[Antigen]  # surely carried (normalised: A2403 → A24)
    possible: frozenset[Antigen]  # splits the patient may carry but is not known to carry
    allele: Allele | None  # the two-field allele, for an allele-level typing
    to_refine: bool  # broad antigen or one-field typing: "typage à préciser"


def self_of(call: HlaCall, serology: SerologyMap) -> SelfCall:
    """Return the self antigens a patient call proves (see the module doc)."""
    allele: Allele | None = None
    if isinstance(call, Allele) and call.is_group:
        raw: frozenset[Antigen] = frozenset({Antigen(call.locus, int(call.fields[0]))})
        to_refine = True
    elif isinstance(call, Allele):
        raw = frozenset(serology.allele_antigens(call))
        allele = None if call.is_null else Allele(call.locus, call.fields[:2])
        to_refine = False
    else:
        raw = frozenset({call})
        to_refine = False
    antigens = frozenset(serology.normalize(a) for a in raw)
    possible = frozenset(s for a in antigens for s in serology.splits_of(a)) - antigens
    return SelfCall(call, antigens, possible, allele, to_refine or bool(possible))


def own_alleles_of(calls: list[SelfCall]) -> dict[Antigen, set[str] | None]:
    """Self antigens whose every carrying call is an allele: their other alleles are foreign
    (None: an antigen carried by a call without an allele)."""
    own_alleles: dict[Antigen, set[str] | None] = {}
    for c in calls:
        for antigen in c.antigens:
            known = own_alleles.get(antigen, set())
            own_alleles[antigen] = (
                None if known is None or c.allele is None else known | {c.allele.key}
            )
    return own_alleles


def sort_beads(
    beads: Iterable[Bead],
    wanted: frozenset[Locus],
    serology: SerologyMap,
    self_antigens: frozenset[Antigen],
    possible_antigens: frozenset[Antigen],
    own_alleles: dict[Antigen, set[str] | None],
) -> tuple[list[Bead], list[Bead], list[Bead], list[Bead], list[Bead]]:
    """Return the beads counted, ignored as self, possibly self, allele-specific, other loci."""
    counted: list[Bead] = []
    ignored: list[Bead] = []
    possible: list[Bead] = []
    specific: list[Bead] = []
    other: list[Bead] = []
    for bead in beads:
        if bead.allele.locus not in wanted:
            other.append(bead)
            continue
        own = serology.exact_antigens(bead.allele)
        mine = own & self_antigens
        if mine:
            foreign = all(
                (keys := own_alleles.get(a)) is not None and bead.allele.key not in keys
                for a in mine
            )
            (specific if foreign else ignored).append(bead)
        else:
            counted.append(bead)
            if own & possible_antigens:
                possible.append(bead)
    return counted, ignored, possible, specific, other


def mfi_tables(
    counted: list[Bead],
    specific: list[Bead],
    serology: SerologyMap,
    self_antigens: frozenset[Antigen],
    self_epitopes: frozenset[PublicEpitope],
) -> tuple[
    dict[Antigen, list[int]], dict[str, int], dict[PublicEpitope, list[int]], dict[Antigen, int]
]:
    """Return the MFI of the beads per antigen, allele, public epitope and self antigen."""
    antigen_mfi: dict[Antigen, list[int]] = {}
    allele_mfi: dict[str, int] = {}
    epitope_mfi: dict[PublicEpitope, list[int]] = {}
    for bead in counted:
        for antigen in serology.exact_antigens(bead.allele):
            antigen_mfi.setdefault(antigen, []).append(bead.mfi)
        key = bead.allele.key
        allele_mfi[key] = max(bead.mfi, allele_mfi.get(key, bead.mfi))
        for epitope in serology.certain_epitopes(bead.allele):
            if epitope not in self_epitopes:
                epitope_mfi.setdefault(epitope, []).append(bead.mfi)
    specific_mfi: dict[Antigen, int] = {}
    for bead in specific:
        key = bead.allele.key
        allele_mfi[key] = max(bead.mfi, allele_mfi.get(key, bead.mfi))
        for antigen in serology.exact_antigens(bead.allele) & self_antigens:
            specific_mfi[antigen] = max(bead.mfi, specific_mfi.get(antigen, bead.mfi))
    return antigen_mfi, allele_mfi, epitope_mfi, specific_mfi


def certain_epitopes(call: SelfCall, serology: SerologyMap) -> frozenset[PublicEpitope]:
    """The public epitopes a patient call surely carries, at its resolution (B*44 → B44's)."""
    if isinstance(call.call, Allele) and call.call.is_group:
        result: frozenset[PublicEpitope] = frozenset()
        for antigen in call.antigens:
            result |= serology.certain_epitopes(antigen)
        return result
    return serology.certain_epitopes(call.call)
