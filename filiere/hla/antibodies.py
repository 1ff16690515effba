"""Single-antigen-bead (SAB, Luminex) results → the patient's unacceptable antigens at a threshold.

Rules (transfusion.md §2.3):
- a bead counts when its MFI ≥ T; beads of the patient's own antigens never count (no
  alloantibody against self), nor beads of loci left out of the search;
- **self is decided at the resolution of the typing** (`self_of`):
  - an allele typing (B*44:02) makes its antigen self; a bead of another allele of that antigen
    (B*44:03) is an *allele-specific antibody* when every call of the patient carrying that antigen
    is at allele level: it is reported, excludes donors typed at allele level with that allele and
    makes donors typed only at antigen level (or lower) for that antigen undecided ("à retyper");
    donors carrying the patient's own allele stay compatible;
  - a split or associated antigen (A24, A2403) makes itself self, all its alleles included;
  - a one-field typing (B*44) stands for its serological equivalent only (B44), not for every
    antigen some rare allele of the group is assigned (B45, B47, B21…); it is flagged "typage à
    préciser";
  - a broad (A9, B5, or B*15 read as B15) proves no split: the beads of its splits (A23, A24) are
    *possibly self*; they are **counted** (a real anti-A23 in an A24 patient typed A9 must not be
    dropped: excluding a donor wrongly costs a donor, missing an antibody costs a transfusion) and
    reported "possiblement du soi — typage à préciser" with the call to retype;
- roll-up to split antigens: "any" (an antigen is unacceptable as soon as one of its beads is
  ≥ T; conservative) or "all" (only when all its beads are); with "all", the positive beads of an
  antigen stay unacceptable at allele level, for donors typed at that allele;
- Bw4/Bw6 are public epitopes: the epitope is unacceptable at T when the patient does not carry it,
  at least `epitope_min_beads` beads carry it and at least a share `epitope_share` of them are ≥ T
  (default 0.8, the 80 % positive-bead rule of deepMatchR's eplet calls, transfusion.md §2.4
  step 4); one weak bead among many no longer removes the epitope, and one strong bead never makes
  it. Then every donor antigen that carries it is unacceptable, including A23, A24, A25 and A32
  (which ETRL notes are *not* excluded by entering Bw4 in its tools).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction

from filiere.hla.nomenclature import Allele, Antigen, HlaCall, Locus, PublicEpitope, Typing
from filiere.hla.sab import Bead
from filiere.hla.self_antigens import (
    certain_epitopes,
    mfi_tables,
    own_alleles_of,
    self_of,
    sort_beads,
)
from filiere.hla.serology import SerologyMap, default_serology

DEFAULT_EPITOPE_SHARE = 0.8
DEFAULT_EPITOPE_MIN_BEADS = 3


# The lowest MFI threshold of an instruction's table (filiere.hla.search.DEFAULT_THRESHOLDS).
REPORTED_MFI = 500


class RollUp(StrEnum):
    ANY = "any"
    ALL = "all"

    @property
    def label(self) -> str:
        return "au moins une bille ≥ seuil" if self is RollUp.ANY else "toutes les billes ≥ seuil"


def required_positive(n_beads: int, share: float) -> int:
    """Return how many of an epitope's `n_beads` beads must be ≥ T: ⌈share × n⌉, at least 1.

    Computed on the fraction written (0.8 = 4/5), so that 0.7 × 10 is 7, not 8.
    """
    ratio = Fraction(str(share)).limit_denominator(10_000)
    return max(1, -(-(ratio.numerator * n_beads) // ratio.denominator))


def check_epitope_share(share: float) -> None:
    if not 0 < share <= 1:
        raise ValueError("la part des billes d'un épitope doit être comprise entre 0 (exclu) et 1")


@dataclass(frozen=True)
class UnacceptableSet:
    """The unacceptable antigens at one threshold, with the rule that produced them."""

    threshold: int
    rule: RollUp
    antigens: frozenset[Antigen]
    alleles: frozenset[Allele]  # positive beads, two fields; decisive for allele-typed donors
    epitopes: frozenset[PublicEpitope]
    # Allele-specific antibodies against another allele of a self antigen (also in `alleles`), and
    # those antigens: a donor typed below allele level for them may carry the allele.
    allele_specific: frozenset[Allele] = frozenset()
    specific_antigens: frozenset[Antigen] = frozenset()

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
            (
                a
                for a in self.alleles
                if a in self.allele_specific or not serology.antigens(a) <= self.antigens
            ),
            key=lambda a: (a.locus.value, a.fields),
        )
        return (
            [a.name for a in sorted(self.antigens)]
            + [a.name for a in extra]
            + [e.value for e in sorted(self.epitopes)]
        )


class BeadStatus(StrEnum):
    """What a bead of the serum was read as, against the patient's typing."""

    COUNTED = "counted"
    SELF = "self"  # the patient's own antigen (or allele): set aside
    POSSIBLE_SELF = "possible_self"  # a split of a broad typing: counted, typing to refine
    ALLELE_SPECIFIC = "allele_specific"  # another allele of a self antigen: counted at allele level
    OTHER_LOCUS = "other_locus"  # a locus left out of the search

    @property
    def label(self) -> str:
        return {
            "counted": "comptée",
            "self": "soi, écartée",
            "possible_self": "possiblement du soi — typage à préciser (comptée)",
            "allele_specific": "anticorps allèle-spécifique (comptée au niveau allélique)",
            "other_locus": "locus non pris en compte",
        }[self.value]


@dataclass(frozen=True)
class RefineCall:
    """A call of the patient's typing to refine, and the beads it leaves uncertain."""

    call: HlaCall
    possible: tuple[Antigen, ...]  # splits the patient may carry (empty for a one-field call)
    beads: tuple[Bead, ...]  # counted as possibly self (broad) or set aside as self (one field)


@dataclass(frozen=True)
class EpitopeCall:
    """How one public epitope is read from the beads that carry it (for the page and the PDF)."""

    epitope: PublicEpitope
    beads: int
    required: int  # beads that must be ≥ T
    value: int  # the epitope is unacceptable at T exactly when value ≥ T (0: never)
    possibly_self: bool


@dataclass(frozen=True)
class AntibodyProfile:
    """A patient's SAB result read against the patient's typing: everything a search needs.

    The `*_mfi` tables keep, for each antigen, allele and epitope, the MFI of the counted beads.
    """

    patient: Typing
    serology: SerologyMap
    rule: RollUp
    beads: tuple[Bead, ...]  # counted beads (possibly-self ones included)
    ignored_self: tuple[Bead, ...]
    self_antigens: frozenset[Antigen]
    self_epitopes: frozenset[PublicEpitope]
    antigen_mfi: Mapping[Antigen, tuple[int, ...]]
    allele_mfi: Mapping[str, int]  # two-field key → highest MFI of its beads
    epitope_mfi: Mapping[PublicEpitope, tuple[int, ...]]
    epitope_min_beads: int = DEFAULT_EPITOPE_MIN_BEADS
    epitope_share: float = DEFAULT_EPITOPE_SHARE
    possible_self: tuple[Bead, ...] = ()  # counted, but of a split the patient may carry
    allele_specific: tuple[Bead, ...] = ()  # another allele of an allele-typed self antigen
    specific_mfi: Mapping[Antigen, int] = field(default_factory=dict)  # self antigen → max MFI
    to_refine: tuple[RefineCall, ...] = ()
    possible_self_epitopes: frozenset[PublicEpitope] = frozenset()
    other_loci: tuple[Bead, ...] = ()
    _epitope_values: dict[PublicEpitope, int] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        beads: Iterable[Bead],
        patient: Typing,
        *,
        serology: SerologyMap | None = None,
        rule: RollUp = RollUp.ANY,
        loci: Iterable[Locus] = tuple(Locus),
        epitope_min_beads: int = DEFAULT_EPITOPE_MIN_BEADS,
        epitope_share: float = DEFAULT_EPITOPE_SHARE,
    ) -> AntibodyProfile:
        check_epitope_share(epitope_share)
        serology = serology or default_serology()
        wanted = frozenset(loci)
        calls = [self_of(c, serology) for c in patient.calls]
        self_antigens = frozenset(a for c in calls for a in c.antigens)
        possible_antigens = frozenset(a for c in calls for a in c.possible) - self_antigens
        # Self antigens whose every carrying call is an allele: their other alleles are foreign.
        own_alleles = own_alleles_of(calls)
        self_epitopes = frozenset(
            e for c in calls for e in certain_epitopes(c, serology) if c.antigens
        )
        possible_epitopes = (
            frozenset(e for c in calls for a in c.possible for e in serology.epitopes(a))
            - self_epitopes
        )
        counted, ignored, possible, specific, other = sort_beads(
            beads, wanted, serology, self_antigens, possible_antigens, own_alleles
        )
        antigen_mfi, allele_mfi, epitope_mfi, specific_mfi = mfi_tables(
            counted, specific, serology, self_antigens, self_epitopes
        )
        refine = []
        for c in calls:
            if not c.to_refine:
                continue
            if c.possible:
                concerned = [b for b in possible if serology.exact_antigens(b.allele) & c.possible]
            else:
                concerned = [b for b in ignored if serology.exact_antigens(b.allele) & c.antigens]
            refine.append(RefineCall(c.call, tuple(sorted(c.possible)), tuple(concerned)))
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
            epitope_share=epitope_share,
            possible_self=tuple(possible),
            allele_specific=tuple(specific),
            specific_mfi=specific_mfi,
            to_refine=tuple(refine),
            possible_self_epitopes=possible_epitopes,
            other_loci=tuple(other),
        )

    # --- What the page and the PDF show -------------------------------------------------------

    @property
    def typing_to_refine(self) -> bool:
        """True when a broad or one-field call leaves self undecided ("typage à préciser")."""
        return bool(self.to_refine)

    @property
    def allele_specific_reported(self) -> tuple[Bead, ...]:
        """The allele-specific beads worth a warning: those that read as an antibody at the
        lowest threshold an instruction uses (a bead at 100 MFI is negative by any rule)."""
        return tuple(b for b in self.allele_specific if b.mfi >= REPORTED_MFI)

    def bead_rows(self) -> list[tuple[Bead, BeadStatus]]:
        """Every bead of the serum with how it was read, by locus and allele."""
        rows = [(b, BeadStatus.COUNTED) for b in self.beads]
        rows += [(b, BeadStatus.SELF) for b in self.ignored_self]
        rows += [(b, BeadStatus.ALLELE_SPECIFIC) for b in self.allele_specific]
        rows += [(b, BeadStatus.OTHER_LOCUS) for b in self.other_loci]
        possible = set(self.possible_self)
        rows = [(b, BeadStatus.POSSIBLE_SELF if b in possible else s) for b, s in rows]
        return sorted(rows, key=lambda row: (row[0].allele.locus.value, row[0].allele.fields))

    def epitope_calls(self) -> list[EpitopeCall]:
        """Each public epitope the patient does not surely carry, with its critical value."""
        return [
            EpitopeCall(
                epitope=epitope,
                beads=len(self.epitope_mfi.get(epitope, ())),
                required=required_positive(
                    len(self.epitope_mfi.get(epitope, ())), self.epitope_share
                ),
                value=self.epitope_value(epitope),
                possibly_self=epitope in self.possible_self_epitopes,
            )
            for epitope in PublicEpitope
            if epitope not in self.self_epitopes
        ]

    @property
    def epitope_share_percent(self) -> int:
        return round(self.epitope_share * 100)

    @property
    def epitope_rule(self) -> str:
        """The epitope rule in words, with its share (shown on the page, the PDF and the CLI)."""
        return (
            f"Bw4/Bw6 inacceptable au seuil T quand au moins {self.epitope_share_percent} % "
            f"des billes portant l'épitope (et au moins {self.epitope_min_beads}) sont ≥ T"
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
        specific = {
            Allele(b.allele.locus, b.allele.fields[:2])
            for b in self.allele_specific
            if b.mfi >= threshold
        }
        epitopes = {e for e in self.epitope_mfi if self.epitope_value(e) >= threshold}
        return UnacceptableSet(
            threshold=threshold,
            rule=self.rule,
            antigens=frozenset(antigens),
            alleles=frozenset(alleles | specific),
            epitopes=frozenset(epitopes),
            allele_specific=frozenset(specific),
            specific_antigens=frozenset(
                a for a, mfi in self.specific_mfi.items() if mfi >= threshold
            ),
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
        """The MFI of the ⌈share × n⌉-th strongest bead of the epitope (0 below the minimum).

        At T ≤ that value at least ⌈share × n⌉ beads are ≥ T, above it fewer: the same call as
        `unacceptable_at`, as one number for the vectorised index (computed once per epitope).
        """
        cached = self._epitope_values.get(epitope)
        if cached is not None:
            return cached
        mfis = sorted(self.epitope_mfi.get(epitope, ()), reverse=True)
        value = 0
        if mfis and len(mfis) >= self.epitope_min_beads:
            value = mfis[required_positive(len(mfis), self.epitope_share) - 1]
        self._epitope_values[epitope] = value
        return value

    def locus_value(self, locus: Locus) -> int:
        """Value above which a donor untyped at `locus` cannot be decided."""
        values = [self.antigen_value(a) for a in self.antigen_mfi if a.locus is locus]
        values += [m for k, m in self.allele_mfi.items() if k[0] == locus.value]
        values += [self.epitope_value(e) for e in PublicEpitope if locus in e.loci]
        return max(values, default=0)

    def call_values(self, call: HlaCall) -> tuple[int, int]:
        """Return (possible, certain) critical values of a donor call.

        The call may be unacceptable at T ≤ possible (one of the splits a low-resolution call may
        stand for is, or, below allele level, an allele-specific antibody against one of its
        antigens) and surely is at T ≤ certain (all of them are).
        """
        allele_level = isinstance(call, Allele) and not call.is_group
        own = self.allele_value(call) if isinstance(call, Allele) else 0
        alternatives = self.serology.alternatives(call)
        values = [
            max([self.antigen_value(alt.antigen), *(self.epitope_value(e) for e in alt.epitopes)])
            for alt in alternatives
        ]
        specific = (
            0
            if allele_level or not self.specific_mfi
            else max((self.specific_mfi.get(alt.antigen, 0) for alt in alternatives), default=0)
        )
        return max([own, specific, *values]), max(own, min(values, default=0))

    def mfi_against(self, call: HlaCall) -> int:
        """Return the MFI of the patient's serum against a donor call (its own bead if tested).

        Below allele level, an allele-specific antibody against one of the call's antigens counts
        (the donor may carry that allele).
        """
        if isinstance(call, Allele) and not call.is_group and call.key in self.allele_mfi:
            return self.allele_mfi[call.key]
        antigens = self.serology.antigens(call)
        mfis = [m for a in antigens for m in self.antigen_mfi.get(a, ())]
        if self.specific_mfi and not (isinstance(call, Allele) and not call.is_group):
            mfis += [self.specific_mfi[a] for a in antigens if a in self.specific_mfi]
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
