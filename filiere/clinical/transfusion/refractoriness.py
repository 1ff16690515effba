"""Platelet refractoriness: N consecutive ineffective transfusions of suitable products.

Sources (shared/reference/transfusion.md §1.3): the network's slide (inefficacy on two successive
transfusions), Williams (CCI < 7,500 on two sequential transfusions), ASCO (refractoriness is
called only on ABO-compatible products stored < 72 h).

How a transfusion acts on the run of consecutive ineffective transfusions, in order:
- effective, whatever the product: ends the run. A patient who responds even to an old or
  ABO-incompatible product is not refractory.
- ineffective with an ABO-compatible product stored < 72 h: extends the run.
- ineffective with an unsuitable product (ABO-incompatible, stored ≥ 72 h, ABO relation or
  storage time unknown), or not assessable (missing counts): skipped. The product may explain
  the failure and a missing count says nothing; neither counts nor breaks the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from filiere.clinical.transfusion.checks import InvalidInput, check_positive
from filiere.clinical.transfusion.efficacy import Product, TransfusionAssessment, Verdict
from filiere.lib.i18n import gettext_noop


class Pattern(StrEnum):
    IMMUNE_SUSPECTED = "immune_suspected"  # low at 1 h
    NON_IMMUNE = "non_immune"  # fine at 1 h, low at 24 h: consumption
    UNDETERMINED = "undetermined"  # no 1 h count to tell

    @property
    def label(self) -> str:
        return _PATTERN_LABELS[self]


# The texts of the alert are marked for the catalogue; the page translates them.
_PATTERN_LABELS = {
    Pattern.IMMUNE_SUSPECTED: gettext_noop("rendement faible dès 1 h : cause immune suspectée"),
    Pattern.NON_IMMUNE: gettext_noop(
        "rendement correct à 1 h mais faible à 24 h : consommation, cause non immune probable"
    ),
    Pattern.UNDETERMINED: gettext_noop("profil indéterminé : pas de numération à 1 h"),
}


class LabTest(StrEnum):
    HLA_CLASS_I_SCREEN = "anti_hla_class_i_screen"
    HLA_CLASS_I_IDENTIFICATION = "anti_hla_class_i_identification"
    HPA_ANTIBODIES = "anti_hpa"
    CD36_ANTIBODIES = "anti_cd36"

    @property
    def label(self) -> str:
        return _TEST_LABELS[self]


_TEST_LABELS = {
    LabTest.HLA_CLASS_I_SCREEN: gettext_noop("dépistage des anticorps anti-HLA de classe I"),
    LabTest.HLA_CLASS_I_IDENTIFICATION: gettext_noop(
        "identification des anticorps anti-HLA de classe I (billes à antigène unique, SAB)"
    ),
    LabTest.HPA_ANTIBODIES: gettext_noop("recherche d'anticorps anti-HPA (MAIPA)"),
    LabTest.CD36_ANTIBODIES: gettext_noop("recherche d'anticorps anti-CD36"),
}


@dataclass(frozen=True)
class LabOrder:
    test: LabTest
    condition: str | None = None


# HLA class I explains 80–90 % of immune refractoriness, HPA 10–20 %; anti-CD36 arises only in
# CD36-deficient patients, rare in Europe (0/1,127 French donors) and 3–11 % in Africa and Asia.
_IMMUNE_WORKUP = (
    LabOrder(LabTest.HLA_CLASS_I_SCREEN),
    LabOrder(LabTest.HLA_CLASS_I_IDENTIFICATION, gettext_noop("si le dépistage est positif")),
    LabOrder(LabTest.HPA_ANTIBODIES),
    LabOrder(
        LabTest.CD36_ANTIBODIES,
        gettext_noop(
            "si déficit en CD36 connu ou suspecté (patients d'origine africaine ou asiatique)"
        ),
    ),
)
# Non-immune consumption is the likeliest cause only once no alloantibody is found (Williams).
_NON_IMMUNE_WORKUP = (
    LabOrder(LabTest.HLA_CLASS_I_SCREEN, gettext_noop("pour écarter une cause immune")),
)
LOOK_FOR_CONSUMPTION = gettext_noop(
    "rechercher une consommation : fièvre, infection, sepsis, saignement actif, splénomégalie, "
    "CIVD, chirurgie, médicaments (amphotéricine B…)"
)
DRAW_ONE_HOUR_COUNT = gettext_noop(
    "prélever une numération 10 à 60 min après la fin de la prochaine transfusion "
    "pour distinguer cause immune et consommation"
)


class Exclusion(StrEnum):
    """Why a transfusion cannot extend the run."""

    NOT_ASSESSABLE = "not_assessable"
    ABO_INCOMPATIBLE = "abo_incompatible"
    ABO_UNKNOWN = "abo_unknown"
    STORED_TOO_LONG = "stored_too_long"
    STORAGE_UNKNOWN = "storage_unknown"


class RunRole(StrEnum):
    COUNTED = "counted"
    RESET = "reset"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class RefractorinessSettings:
    consecutive_ineffective: int = 2
    max_storage_hours: float = 72.0  # products must be stored strictly less than this

    def __post_init__(self) -> None:
        if self.consecutive_ineffective < 1:
            raise InvalidInput("consecutive_ineffective", "doit valoir au moins 1")
        check_positive("max_storage_hours", self.max_storage_hours)


DEFAULT_REFRACTORINESS_SETTINGS = RefractorinessSettings()


@dataclass(frozen=True)
class RunStep:
    """What one transfusion (``position`` in the input sequence) did to the run."""

    position: int
    verdict: Verdict
    role: RunRole
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class RefractorinessAssessment:
    """``run`` holds the positions of the counted transfusions since the last effective one."""

    alert: bool
    run: tuple[int, ...]
    pattern: Pattern | None
    tests: tuple[LabOrder, ...]
    advice: tuple[str, ...]
    steps: tuple[RunStep, ...]
    settings: RefractorinessSettings


def product_exclusions(
    product: Product, settings: RefractorinessSettings = DEFAULT_REFRACTORINESS_SETTINGS
) -> tuple[Exclusion, ...]:
    """Return why the product cannot serve to call refractoriness (empty when it can)."""
    found: list[Exclusion] = []
    if product.abo is None:
        found.append(Exclusion.ABO_UNKNOWN)
    elif not product.abo.is_compatible:
        found.append(Exclusion.ABO_INCOMPATIBLE)
    if product.storage_hours is None:
        found.append(Exclusion.STORAGE_UNKNOWN)
    elif product.storage_hours >= settings.max_storage_hours:
        found.append(Exclusion.STORED_TOO_LONG)
    return tuple(found)


def _step(
    position: int, assessment: TransfusionAssessment, settings: RefractorinessSettings
) -> RunStep:
    exclusions = product_exclusions(assessment.transfusion.product, settings)
    if assessment.verdict is Verdict.EFFECTIVE:
        return RunStep(position, assessment.verdict, RunRole.RESET, exclusions)
    if assessment.verdict is Verdict.NOT_ASSESSABLE:
        return RunStep(
            position, assessment.verdict, RunRole.SKIPPED, (Exclusion.NOT_ASSESSABLE, *exclusions)
        )
    role = RunRole.SKIPPED if exclusions else RunRole.COUNTED
    return RunStep(position, assessment.verdict, role, exclusions)


def _pattern(run: Sequence[TransfusionAssessment]) -> Pattern:
    one_hour = [assessment.one_hour.verdict for assessment in run]
    if Verdict.INEFFECTIVE in one_hour:
        return Pattern.IMMUNE_SUSPECTED
    if all(verdict is Verdict.EFFECTIVE for verdict in one_hour):
        return Pattern.NON_IMMUNE
    return Pattern.UNDETERMINED


def assess_refractoriness(
    assessments: Sequence[TransfusionAssessment],
    settings: RefractorinessSettings = DEFAULT_REFRACTORINESS_SETTINGS,
) -> RefractorinessAssessment:
    """Return the refractoriness alert for a patient's transfusions, oldest first."""
    steps = tuple(_step(position, item, settings) for position, item in enumerate(assessments))
    run: list[int] = []
    for step in steps:
        if step.role is RunRole.RESET:
            run.clear()
        elif step.role is RunRole.COUNTED:
            run.append(step.position)
    alert = len(run) >= settings.consecutive_ineffective
    if not alert:
        return RefractorinessAssessment(False, tuple(run), None, (), (), steps, settings)
    pattern = _pattern([assessments[position] for position in run])
    tests: tuple[LabOrder, ...]
    advice: tuple[str, ...]
    if pattern is Pattern.NON_IMMUNE:
        tests = _NON_IMMUNE_WORKUP
        advice = (LOOK_FOR_CONSUMPTION,)
    elif pattern is Pattern.IMMUNE_SUSPECTED:
        tests, advice = _IMMUNE_WORKUP, ()
    else:
        tests, advice = _IMMUNE_WORKUP, (DRAW_ONE_HOUR_COUNT,)
    return RefractorinessAssessment(True, tuple(run), pattern, tests, advice, steps, settings)
