"""Platelet refractoriness: N consecutive ineffective transfusions of suitable products.

The network's rule: refractoriness is two consecutive transfusions of ABO-compatible, fresh
products (stored < 72 h) with a poor 1 h CCI, in the absence of bleeding, fever, sepsis,
splenomegaly or DIC at the time of the transfusion (Stanworth et al., Br J Haematol
2015;171:297–305; Williams: CCI < 7,500 on two sequential transfusions; ASCO: ABO-compatible
products stored < 72 h only). The window judged is a setting (``RunBasis``): the 1 h verdict by
default, or the transfusion's overall verdict (1 h and 24 h), as the slides read it.

How a transfusion acts on the run of consecutive ineffective transfusions, in order:
- effective, whatever the product: ends the run. A patient who responds even to an old or
  ABO-incompatible product is not refractory.
- ineffective with a non-immune cause recorded: skipped, its CCI is not interpretable.
- ineffective with an ABO-incompatible or old product: skipped, the product may explain it.
- ineffective with an ABO relation or product age unknown, or not assessable (a count or the
  dose missing): unassessable. It neither counts nor breaks the run, but it is never silent: it
  lists what is missing, and when the unassessable failures would complete a run, the alert
  says refractoriness cannot be excluded.
- ineffective with an ABO-compatible product stored < 72 h: extends the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from filiere.clinical.transfusion.checks import InvalidInput, check_positive
from filiere.clinical.transfusion.efficacy import (
    NonImmuneCause,
    Product,
    TransfusionAssessment,
    Verdict,
    WindowVerdict,
)
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
# Once the anti-HLA antibodies were identified (a SAB result), ordering the screen again is noise:
# the next step is the instruction that selects HLA-compatible donors, then its follow-up.
ESTABLISH_INSTRUCTION = gettext_noop(
    "anticorps anti-HLA déjà identifiés (SAB) : établir la consigne transfusionnelle "
    "(CPA HLA compatibles)"
)
FOLLOW_INSTRUCTION = gettext_noop(
    "consigne transfusionnelle en cours : transfuser les CPA qu'elle propose et contrôler la "
    "numération 10 à 60 min après chacun ; si le rendement reste faible, rechercher des "
    "anticorps anti-HPA et un nouveau sérum anti-HLA"
)
DRAW_ONE_HOUR_COUNT = gettext_noop(
    "prélever une numération 10 à 60 min après la fin de la prochaine transfusion "
    "pour distinguer cause immune et consommation"
)


class Exclusion(StrEnum):
    """Why an ineffective transfusion cannot extend the run, though it is assessable."""

    ABO_INCOMPATIBLE = "abo_incompatible"
    STORED_TOO_LONG = "stored_too_long"
    NON_IMMUNE_CAUSE = "non_immune_cause"


class Missing(StrEnum):
    """A datum without which the transfusion cannot be assessed for refractoriness."""

    ABO_RELATION = "abo_relation"
    PRODUCT_AGE = "product_age"
    PRE_COUNT = "pre_count"
    ONE_HOUR_COUNT = "one_hour_count"
    POST_COUNT = "post_count"
    DOSE = "dose"

    @property
    def label(self) -> str:
        return _MISSING_LABELS[self]


_MISSING_LABELS = {
    Missing.ABO_RELATION: "la relation ABO du produit",
    Missing.PRODUCT_AGE: "l'âge du produit (heures de conservation)",
    Missing.PRE_COUNT: "la numération avant transfusion",
    Missing.ONE_HOUR_COUNT: "une numération 10 à 60 min après la fin",
    Missing.POST_COUNT: "une numération dans une fenêtre (10–60 min ou 18–24 h)",
    Missing.DOSE: "la dose (étiquette ou nombre de dons du mélange)",
}


class RunBasis(StrEnum):
    """The verdict that counts: the 1 h window (network rule) or the whole transfusion."""

    ONE_HOUR = "one_hour"
    OVERALL = "overall"


class RunRole(StrEnum):
    COUNTED = "counted"
    RESET = "reset"
    SKIPPED = "skipped"
    UNASSESSABLE = "unassessable"


@dataclass(frozen=True)
class RefractorinessSettings:
    consecutive_ineffective: int = 2
    max_storage_hours: float = 72.0  # products must be stored strictly less than this
    basis: RunBasis = RunBasis.ONE_HOUR

    def __post_init__(self) -> None:
        if self.consecutive_ineffective < 1:
            raise InvalidInput("consecutive_ineffective", "doit valoir au moins 1")
        check_positive("max_storage_hours", self.max_storage_hours)


DEFAULT_REFRACTORINESS_SETTINGS = RefractorinessSettings()


@dataclass(frozen=True)
class Workup:
    """What the patient's record already holds: an anti-HLA identification (a SAB result, which
    implies a positive screen) and a transfusion instruction. The alert orders only what is
    still missing and says what comes next."""

    hla_antibodies_identified: bool = False
    instruction: bool = False


NO_WORKUP = Workup()


@dataclass(frozen=True)
class RunStep:
    """What one transfusion (``position`` in the input sequence) did to the run.

    ``verdict`` is the verdict judged (1 h by default); ``missing`` says what to fill in.
    """

    position: int
    verdict: Verdict
    role: RunRole
    exclusions: tuple[Exclusion, ...]
    missing: tuple[Missing, ...] = ()
    causes: tuple[NonImmuneCause, ...] = ()


@dataclass(frozen=True)
class RefractorinessAssessment:
    """``run`` holds the positions of the counted transfusions since the last effective one.

    ``cannot_exclude`` is set, without ``alert``, when ineffective transfusions left
    unassessable by missing data would complete the run: ``unassessed`` lists them and
    ``missing`` what to fill in.
    """

    alert: bool
    run: tuple[int, ...]
    pattern: Pattern | None
    tests: tuple[LabOrder, ...]
    advice: tuple[str, ...]
    steps: tuple[RunStep, ...]
    settings: RefractorinessSettings
    cannot_exclude: bool = False
    unassessed: tuple[int, ...] = ()
    missing: tuple[Missing, ...] = ()


def product_exclusions(
    product: Product, settings: RefractorinessSettings = DEFAULT_REFRACTORINESS_SETTINGS
) -> tuple[Exclusion, ...]:
    """Return why a known product cannot serve to call refractoriness (empty when it can)."""
    found: list[Exclusion] = []
    if product.abo is not None and not product.abo.is_compatible:
        found.append(Exclusion.ABO_INCOMPATIBLE)
    if product.storage_hours is not None and product.storage_hours >= settings.max_storage_hours:
        found.append(Exclusion.STORED_TOO_LONG)
    return tuple(found)


def product_missing(product: Product) -> tuple[Missing, ...]:
    """Return what is unknown about the product that the rule needs."""
    found: list[Missing] = []
    if product.abo is None:
        found.append(Missing.ABO_RELATION)
    if product.storage_hours is None:
        found.append(Missing.PRODUCT_AGE)
    return tuple(found)


def _judged(assessment: TransfusionAssessment, basis: RunBasis) -> Verdict:
    if basis is RunBasis.ONE_HOUR:
        return assessment.one_hour.verdict
    return assessment.verdict


def _counts_missing(assessment: TransfusionAssessment, basis: RunBasis) -> tuple[Missing, ...]:
    found: list[Missing] = []
    if assessment.transfusion.pre_count_e9_per_l is None:
        found.append(Missing.PRE_COUNT)
    if assessment.provenance.dose.value_e11 is None:
        found.append(Missing.DOSE)
    windows: tuple[WindowVerdict, ...] = (assessment.one_hour,)
    if basis is RunBasis.OVERALL:
        windows = (assessment.one_hour, assessment.twenty_four_hours)
    if all(window.count is None for window in windows):
        found.append(Missing.ONE_HOUR_COUNT if basis is RunBasis.ONE_HOUR else Missing.POST_COUNT)
    return tuple(found)


def _step(
    position: int, assessment: TransfusionAssessment, settings: RefractorinessSettings
) -> RunStep:
    product = assessment.transfusion.product
    verdict = _judged(assessment, settings.basis)
    if verdict is Verdict.EFFECTIVE:
        return RunStep(position, verdict, RunRole.RESET, ())
    causes = tuple(c for c in NonImmuneCause if c in assessment.transfusion.non_immune_causes)
    missing = product_missing(product)
    if verdict is Verdict.NOT_ASSESSABLE:
        missing = (*_counts_missing(assessment, settings.basis), *missing)
        return RunStep(position, verdict, RunRole.UNASSESSABLE, (), missing, causes)
    if causes:
        return RunStep(
            position, verdict, RunRole.SKIPPED, (Exclusion.NON_IMMUNE_CAUSE,), (), causes
        )
    exclusions = product_exclusions(product, settings)
    if exclusions:
        return RunStep(position, verdict, RunRole.SKIPPED, exclusions)
    if missing:
        return RunStep(position, verdict, RunRole.UNASSESSABLE, (), missing)
    return RunStep(position, verdict, RunRole.COUNTED, ())


def _pattern(run: Sequence[TransfusionAssessment]) -> Pattern:
    one_hour = [assessment.one_hour.verdict for assessment in run]
    if Verdict.INEFFECTIVE in one_hour:
        return Pattern.IMMUNE_SUSPECTED
    if all(verdict is Verdict.EFFECTIVE for verdict in one_hour):
        return Pattern.NON_IMMUNE
    return Pattern.UNDETERMINED


_HLA_TESTS = frozenset({LabTest.HLA_CLASS_I_SCREEN, LabTest.HLA_CLASS_I_IDENTIFICATION})


def _next_steps(
    tests: tuple[LabOrder, ...], advice: tuple[str, ...], workup: Workup
) -> tuple[tuple[LabOrder, ...], tuple[str, ...]]:
    """Drop the anti-HLA tests already resulted; say what comes next instead."""
    if not workup.hla_antibodies_identified:
        return tests, advice
    remaining = tuple(order for order in tests if order.test not in _HLA_TESTS)
    if len(remaining) == len(tests):
        return tests, advice
    step = FOLLOW_INSTRUCTION if workup.instruction else ESTABLISH_INSTRUCTION
    return remaining, (step, *advice)


def assess_refractoriness(
    assessments: Sequence[TransfusionAssessment],
    settings: RefractorinessSettings = DEFAULT_REFRACTORINESS_SETTINGS,
    workup: Workup = NO_WORKUP,
) -> RefractorinessAssessment:
    """Return the refractoriness alert for a patient's transfusions, oldest first.

    ``workup`` says what the record already holds, so that the alert orders what is missing.
    """
    steps = tuple(_step(position, item, settings) for position, item in enumerate(assessments))
    run: list[int] = []
    unassessed: list[int] = []
    for step in steps:
        if step.role is RunRole.RESET:
            run.clear()
            unassessed.clear()
        elif step.role is RunRole.COUNTED:
            run.append(step.position)
        elif step.role is RunRole.UNASSESSABLE and step.verdict is Verdict.INEFFECTIVE:
            unassessed.append(step.position)
    alert = len(run) >= settings.consecutive_ineffective
    if not alert:
        # Failures left unassessed by missing data could be the run: say so, never stay silent.
        cannot_exclude = bool(unassessed) and (
            len(run) + len(unassessed) >= settings.consecutive_ineffective
        )
        missing = tuple(
            dict.fromkeys(m for position in unassessed for m in steps[position].missing)
        )
        return RefractorinessAssessment(
            False,
            tuple(run),
            None,
            (),
            (),
            steps,
            settings,
            cannot_exclude=cannot_exclude,
            unassessed=tuple(unassessed) if cannot_exclude else (),
            missing=missing if cannot_exclude else (),
        )
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
    tests, advice = _next_steps(tests, advice, workup)
    return RefractorinessAssessment(True, tuple(run), pattern, tests, advice, steps, settings)
