"""Single-antigen-bead (SAB, Luminex) results → the patient's unacceptable antigens at a threshold.

Rules (transfusion.md §2.3):
- a bead counts when its MFI ≥ T; beads of the patient's own antigens never count (no
  alloantibody against self), nor beads of loci left out of the search;
- roll-up to split antigens: "any" (an antigen is unacceptable as soon as one of its beads is
  ≥ T; conservative) or "all" (only when all its beads are); with "all", the positive beads of an
  antigen stay unacceptable at allele level, for donors typed at that allele;
- Bw4/Bw6 are public epitopes: the epitope is unacceptable when the patient does not carry it, at
  least `epitope_min_beads` beads carry it and all of them are ≥ T; then every donor antigen that
  carries it is unacceptable, including A23, A24, A25 and A32 (which ETRL notes are *not* excluded
  by entering Bw4 in its tools).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from filiere.hla.nomenclature import Allele, Antigen, HlaCall, Locus, PublicEpitope, Typing
from filiere.hla.sab import Bead
from filiere.hla.serology import SerologyMap, default_serology


class RollUp(StrEnum):
    ANY = "any"
    ALL = "all"

    @property
    def label(self) -> str:
        return "au moins une bille ≥ seuil" if self is RollUp.ANY else "toutes les billes ≥ seuil"


@dataclass(frozen=True)
class UnacceptableSet:
    """The unacceptable antigens at one threshold, with the rule that produced them."""

    threshold: int
    rule: RollUp
    antigens: frozenset[Antigen]
    alleles: frozenset[Allele]  # positive beads, two fields; decisive for allele-typed donors
    epitopes: frozenset[PublicEpitope]

    @property
    def loci(self) -> frozenset[Locus]:
        loci = {a.locus for a in self.antigens} | {a.locus for a in self.alleles}
        for epitope in self.epitopes:
            loci |= epitope.loci
        return frozenset(loci)

    def names(self, serology: SerologyMap | None = None) -> list[str]:
        """Return what to print: antigens, then allele-level exceptions, then epitopes."""
        serology = serology or default_serology()
        extra = sorted(
            (a for a in self.alleles if not serology.antigens(a) <= self.antigens),
            key=lambda a: (a.locus.value, a.fields),
        )
        return (
            [a.name for a in sorted(self.antigens)]
            + [a.name for a in extra]
            + [e.value for e in sorted(self.epitopes)]
        )


@dataclass(frozen=True)
class AntibodyProfile:
    """A patient's SAB result read against the patient's typing: everything a search needs.

    The `*_mfi` tables keep, for each antigen, allele and epitope, the MFI of the counted beads.
    """

    patient: Typing
    serology: SerologyMap
    rule: RollUp
    beads: tuple[Bead, ...]  # counted beads
    ignored_self: tuple[Bead, ...]
    self_antigens: frozenset[Antigen]
    self_epitopes: frozenset[PublicEpitope]
    antigen_mfi: Mapping[Antigen, tuple[int, ...]]
    allele_mfi: Mapping[str, int]  # two-field key → highest MFI of its beads
    epitope_mfi: Mapping[PublicEpitope, tuple[int, ...]]
    epitope_min_beads: int

    @classmethod
    def build(
        cls,
        beads: Iterable[Bead],
        patient: Typing,
        *,
        serology: SerologyMap | None = None,
        rule: RollUp = RollUp.ANY,
        loci: Iterable[Locus] = tuple(Locus),
        epitope_min_beads: int = 3,
    ) -> AntibodyProfile:
        serology = serology or default_serology()
        wanted = frozenset(loci)
        self_antigens = frozenset(a for c in patient.calls for a in serology.exact_antigens(c))
        self_epitopes = frozenset(e for c in patient.calls for e in serology.certain_epitopes(c))
        counted: list[Bead] = []
        ignored: list[Bead] = []
        for bead in beads:
            if bead.allele.locus not in wanted:
                continue
            own = serology.exact_antigens(bead.allele)
            (ignored if own & self_antigens else counted).append(bead)
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
        return cls(
            patient=patient,
            serology=serology,
            rule=rule,
            beads=tuple(counted),
            ignored_self=tuple(ignored),
            self_antigens=self_antigens,
            self_epitopes=self_epitopes,
            antigen_mfi={k: tuple(v) for k, v in antigen_mfi.items()},
            allele_mfi=allele_mfi,
            epitope_mfi={k: tuple(v) for k, v in epitope_mfi.items()},
            epitope_min_beads=epitope_min_beads,
        )

    def with_rule(self, rule: RollUp) -> AntibodyProfile:
        """Return the same serum read with another roll-up rule (the setting changes live)."""
        return replace(self, rule=rule)

    # --- Set semantics: what is unacceptable at T -------------------------------------------

    def unacceptable_at(self, threshold: int) -> UnacceptableSet:
        """Return the unacceptable antigens, alleles and epitopes at MFI threshold `threshold`."""
        _check_threshold(threshold)
        if self.rule is RollUp.ANY:
            antigens = {
                a for a, mfis in self.antigen_mfi.items() if any(m >= threshold for m in mfis)
            }
        else:
            antigens = {
                a for a, mfis in self.antigen_mfi.items() if all(m >= threshold for m in mfis)
            }
        alleles = {
            Allele(b.allele.locus, b.allele.fields[:2]) for b in self.beads if b.mfi >= threshold
        }
        epitopes = {
            e
            for e, mfis in self.epitope_mfi.items()
            if len(mfis) >= self.epitope_min_beads and all(m >= threshold for m in mfis)
        }
        return UnacceptableSet(
            threshold=threshold,
            rule=self.rule,
            antigens=frozenset(antigens),
            alleles=frozenset(alleles),
            epitopes=frozenset(epitopes),
        )

    # --- Critical values: an item is unacceptable at T exactly when its value is ≥ T ---------
    # The vectorised donor index compares these numbers instead of building sets.

    def antigen_value(self, antigen: Antigen) -> int:
        mfis = self.antigen_mfi.get(antigen)
        if not mfis:
            return 0
        return max(mfis) if self.rule is RollUp.ANY else min(mfis)

    def allele_value(self, allele: Allele) -> int:
        if allele.is_group:
            return 0
        return self.allele_mfi.get(allele.key, 0)

    def epitope_value(self, epitope: PublicEpitope) -> int:
        mfis = self.epitope_mfi.get(epitope, ())
        if len(mfis) < self.epitope_min_beads:
            return 0
        return min(mfis)

    def locus_value(self, locus: Locus) -> int:
        """Value above which a donor untyped at `locus` cannot be decided."""
        values = [self.antigen_value(a) for a in self.antigen_mfi if a.locus is locus]
        values += [m for k, m in self.allele_mfi.items() if k[0] == locus.value]
        values += [self.epitope_value(e) for e in PublicEpitope if locus in e.loci]
        return max(values, default=0)

    def call_values(self, call: HlaCall) -> tuple[int, int]:
        """Return (possible, certain) critical values of a donor call.

        The call may be unacceptable at T ≤ possible (one of the splits a low-resolution call may
        stand for is) and surely is at T ≤ certain (all of them are).
        """
        own = self.allele_value(call) if isinstance(call, Allele) else 0
        alternatives = self.serology.alternatives(call)
        values = [
            max([self.antigen_value(alt.antigen), *(self.epitope_value(e) for e in alt.epitopes)])
            for alt in alternatives
        ]
        return max([own, *values]), max(own, min(values, default=0))

    def mfi_against(self, call: HlaCall) -> int:
        """Return the MFI of the patient's serum against a donor call (its own bead if tested)."""
        if isinstance(call, Allele) and not call.is_group and call.key in self.allele_mfi:
            return self.allele_mfi[call.key]
        mfis = [m for a in self.serology.antigens(call) for m in self.antigen_mfi.get(a, ())]
        return max(mfis, default=0)

    def summed_mfi(self, typing: Typing, floor: int) -> int:
        """Return the summed MFI against the donor's calls, counting only MFIs ≥ `floor`."""
        total = 0
        for call in typing.calls:
            mfi = self.mfi_against(call)
            if mfi >= floor:
                total += max(mfi, 0)
        return total


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("le seuil de MFI doit être un entier positif")
