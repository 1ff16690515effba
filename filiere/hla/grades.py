"""Antigen matching grades (Duquesnoy 1977) and class I cross-reactive groups (CREG).

Shown beside each proposed donor; not a compatibility rule (CREG matching did not predict platelet
outcome in Nambiar et al., Blood 2006;107:1680).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from filiere.hla.nomenclature import Antigen, HlaCall, Locus, Typing
from filiere.hla.serology import SerologyMap

# Class I CREGs as tabulated by BorchLab/deepMatchR (MIT), transcribed in
# shared/data/hla/tables/creg_class_I.csv; membership differs between sources (transfusion.md §2.2).
CREGS: Mapping[str, frozenset[str]] = {
    name: frozenset(members.split())
    for name, members in {
        "1C": "A1 A3 A9 A23 A24 A11 A29 A30 A31 A36 A80",
        "2C": "A2 A9 A23 A24 A28 A68 A69 B17 B57 B58",
        "10C": "A10 A25 A26 A34 A66 A11 A28 A68 A69 A32 A33 A43 A74",
        "5C": "B5 B51 B52 B15 B62 B63 B75 B76 B77 B17 B57 B58 B18 B21 B49 B50 B35 B46 B53 B70 "
        "B71 B72 B73 B78",
        "7C": "B7 B8 B13 B22 B54 B55 B56 B27 B40 B60 B61 B41 B42 B47 B48 B59 B67 B81 B82",
        "8C": "B8 B14 B64 B65 B16 B38 B39 B18 B59 B67",
        "12C": "B12 B44 B45 B13 B21 B49 B50 B37 B40 B60 B61 B41 B47",
        "Bw4": "A23 A24 A25 A32 B13 B27 B37 B38 B44 B47 B49 B51 B52 B53 B57 B58 B59 B63 B77",
        "Bw6": "B7 B8 B18 B35 B39 B41 B42 B45 B46 B48 B50 B54 B55 B56 B60 B61 B62 B64 B65 B67 "
        "B71 B72 B73 B75 B76 B78 B81 B82",
    }.items()
}
# Bw4 and Bw6 are public epitopes rather than private cross-reactivity: they are displayed but do
# not make an antigen "cross-reactive" for the grade, or nearly every B antigen would be.
GRADING_CREGS = ("1C", "2C", "10C", "5C", "7C", "8C", "12C")

# Duquesnoy et al. 1977, as tabulated by the KJBT
# (shared/data/hla/tables/duquesnoy_match_grades.csv).
GRADE_MEANINGS: Mapping[str, str] = {
    "A": "4 antigènes HLA-A/B du donneur identiques au receveur",
    "B1U": "antigènes détectés identiques ; 3 antigènes détectés",
    "B2U": "antigènes détectés identiques ; 2 antigènes détectés",
    "B1X": "3 identiques, 1 à réaction croisée (même CREG)",
    "B2UX": "2 identiques, 1 à réaction croisée ; 3 antigènes détectés",
    "B2X": "2 identiques, 2 à réaction croisée",
    "B3UX": "1 identique, 2 à réaction croisée ; 3 antigènes détectés",
    "B3X": "1 identique, 3 à réaction croisée",
    "B4X": "4 antigènes à réaction croisée",
    "C": "1 antigène incompatible (sans réaction croisée)",
    # D is not in the table found; commonly stated in the literature (transfusion.md §2.2).
    "D": "2 antigènes incompatibles ou plus",
}


def cregs_of(antigen: Antigen, serology: SerologyMap) -> tuple[str, ...]:
    name = serology.normalize(antigen).name
    return tuple(c for c, members in CREGS.items() if name in members)


@dataclass(frozen=True)
class MatchGrade:
    grade: str | None  # None when the donor or the patient lacks HLA-A or HLA-B typing
    identical: tuple[str, ...]
    cross_reactive: tuple[str, ...]
    mismatched: tuple[str, ...]
    blanks: int
    cregs: tuple[tuple[str, tuple[str, ...]], ...]  # donor antigen → its CREGs

    @property
    def meaning(self) -> str:
        return GRADE_MEANINGS.get(self.grade or "", "grade non calculable (typage A/B incomplet)")


# Ranking order of the grades, best first: A and BU give the best increments, BX intermediate,
# C and D poor (Duquesnoy et al. 1977, transfusion.md §2.2); within B, fewer antigens not
# identical first and, at equal count, a blank (U) before a cross-reactive antigen (X), as in the
# Duquesnoy table. Every grade `grade_of` can return is listed.
GRADE_ORDER: tuple[str, ...] = (
    "A",
    "B1U",
    "B2U",
    "B1X",
    "B2UX",
    "B2X",
    "B3UX",
    "B3X",
    "B4UX",
    "B4X",
    "C",
    "D",
)
UNGRADED_RANK = len(GRADE_ORDER)  # after D: the typing does not allow a grade


def grade_rank(grade: str | None) -> int:
    """Return the position of `grade` in the ranking (0 = A, best; ungraded last)."""
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else UNGRADED_RANK


def grade_of(*, cross: int, mismatched: int, blanks: int, gradable: bool) -> str | None:
    """Return the grade of a donor from the counts of its A/B antigens (Duquesnoy 1977)."""
    if not gradable:
        return None
    if mismatched >= 2:
        return "D"
    if mismatched:
        return "C"
    if not cross and not blanks:
        return "A"
    return f"B{cross + blanks}{'U' if blanks else ''}{'X' if cross else ''}"


class Position(IntEnum):
    """What one donor HLA-A/B antigen is to the patient."""

    IDENTICAL = 0
    CROSS_REACTIVE = 1
    MISMATCHED = 2


def _same(donor: Antigen, patient: Antigen, serology: SerologyMap) -> bool:
    # A broad matches any of its splits (transfusion.md §2.2 step 2); two splits never match.
    return (
        donor == patient
        or donor in serology.splits_of(patient)
        or patient in serology.splits_of(donor)
    )


class Grader:
    """Classifies donor HLA-A/B calls against one patient (the patient's antigens and CREGs read
    once, each donor call classified once)."""

    def __init__(self, patient: Typing, serology: SerologyMap) -> None:
        self.serology = serology
        self.patient_antigens = [
            a
            for locus in (Locus.A, Locus.B)
            for c in patient.at(locus)
            for a in serology.exact_antigens(c)
        ]
        self.patient_gradable = bool(patient.at(Locus.A)) and bool(patient.at(Locus.B))
        # A donor antigen is cross-reactive when it shares a grading CREG with any patient
        # antigen: the union of the patient's CREGs answers for all of them at once.
        self._patient_cregs = frozenset(
            c for p in self.patient_antigens for c in cregs_of(p, serology)
        ) & frozenset(GRADING_CREGS)
        self._positions: dict[HlaCall, Position | None] = {}

    def antigens(self, call: HlaCall) -> frozenset[Antigen]:
        return self.serology.exact_antigens(call)

    def position(self, call: HlaCall) -> Position | None:
        """Return the class of a donor call, or None when it names no antigen (a blank)."""
        if call not in self._positions:
            self._positions[call] = self._classify(call)
        return self._positions[call]

    def _classify(self, call: HlaCall) -> Position | None:
        antigens = self.antigens(call)
        if not antigens:
            return None
        serology = self.serology
        if any(_same(a, p, serology) for a in antigens for p in self.patient_antigens):
            return Position.IDENTICAL
        if any(self._patient_cregs.intersection(cregs_of(a, serology)) for a in antigens):
            return Position.CROSS_REACTIVE
        return Position.MISMATCHED


def match_grade(donor: Typing, patient: Typing, serology: SerologyMap) -> MatchGrade:
    """Return the Duquesnoy grade of `donor` for `patient` (HLA-A and -B antigens)."""
    grader = Grader(patient, serology)
    found: dict[Position, list[str]] = {position: [] for position in Position}
    cregs: list[tuple[str, tuple[str, ...]]] = []
    blanks = 0
    gradable = grader.patient_gradable
    for locus in (Locus.A, Locus.B):
        calls = [c for c in donor.at(locus) if grader.antigens(c)]
        if not calls:
            gradable = False
        blanks += max(0, 2 - len(calls))
        for call in calls:
            antigens = grader.antigens(call)
            for antigen in sorted(antigens):
                cregs.append((antigen.name, cregs_of(antigen, serology)))
            position = grader.position(call)
            assert position is not None  # noqa: S101 - calls without antigen were left out
            found[position].append("/".join(a.name for a in sorted(antigens)))
    return MatchGrade(
        grade=grade_of(
            cross=len(found[Position.CROSS_REACTIVE]),
            mismatched=len(found[Position.MISMATCHED]),
            blanks=blanks,
            gradable=gradable,
        ),
        identical=tuple(found[Position.IDENTICAL]),
        cross_reactive=tuple(found[Position.CROSS_REACTIVE]),
        mismatched=tuple(found[Position.MISMATCHED]),
        blanks=blanks,
        cregs=tuple(cregs),
    )
