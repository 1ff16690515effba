"""Scoring an assessment: which answers count (up to the diagnosis), the population and its
cut-off, the total."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from filiere.clinical.isth_bat.questionnaire import _check_answer_keys, score_domain_from_answers
from filiere.clinical.isth_bat.scoring_key import (
    ADULT_AGE,
    SCORING_KEY,
    BatVersion,
    Domain,
    IsthBatError,
    Population,
    Sex,
    is_applicable,
    validate_score,
)
from filiere.lib.i18n import gettext_noop


@dataclass(frozen=True, slots=True)
class Answer:
    """One "oui"/"non" answer of the interview, dated when the symptom or treatment is.

    ``before_diagnosis`` records the interviewer's judgement when no exact date is known.
    """

    domain: Domain
    question: str
    yes: bool
    occurred_on: dt.date | None = None
    before_diagnosis: bool | None = None


def counts_before_diagnosis(answer: Answer, diagnosis_date: dt.date | None) -> bool:
    """Return True if the answer is about the time before or at the diagnosis.

    An answer dated after the diagnosis, or marked as after it, is excluded: treatments given
    once the disorder is known would otherwise inflate the score. Without a diagnosis date (the
    patient is being investigated) every answer not marked as later counts.
    """
    if answer.occurred_on is not None and diagnosis_date is not None:
        before = answer.occurred_on <= diagnosis_date
        if answer.before_diagnosis is not None and answer.before_diagnosis != before:
            raise IsthBatError(
                f"{answer.domain.label} : la réponse est datée du "
                f"{answer.occurred_on:%d/%m/%Y} mais marquée "
                f"{'antérieure' if answer.before_diagnosis else 'postérieure'} au diagnostic "
                f"du {diagnosis_date:%d/%m/%Y}.",
                domain=answer.domain,
            )
        return before
    return answer.before_diagnosis is not False


# --- Total and interpretation --------------------------------------------------------------


def population_for(*, sex: Sex, age_years: int) -> Population:
    """Return the reference population for the age at assessment (children: under 18)."""
    if age_years < 0:
        raise IsthBatError("L'âge ne peut être négatif.")
    if age_years < ADULT_AGE:
        return Population.CHILD
    return Population.ADULT_MAN if sex is Sex.MALE else Population.ADULT_WOMAN


@dataclass(frozen=True, slots=True)
class DomainScore:
    domain: Domain
    score: int
    applicable: bool = True

    @property
    def description(self) -> str:
        if not self.applicable:
            return gettext_noop("Non applicable")
        return SCORING_KEY[self.domain].describe(self.score)


@dataclass(frozen=True, slots=True)
class BatResult:
    """A scored ISTH-BAT: the 14 domain scores, the total and its interpretation."""

    version: BatVersion
    scores: tuple[DomainScore, ...]
    total: int
    population: Population
    cutoff: int
    abnormal: bool

    @property
    def domain_scores(self) -> dict[Domain, int]:
        return {item.domain: item.score for item in self.scores}

    @property
    def not_applicable(self) -> frozenset[Domain]:
        return frozenset(item.domain for item in self.scores if not item.applicable)

    @property
    def population_label(self) -> str:
        return self.population.label


def score_assessment(
    domain_scores: Mapping[Domain, int],
    *,
    sex: Sex,
    age_years: int,
    version: BatVersion = BatVersion.ISTH_BAT,
) -> BatResult:
    """Return the total and its interpretation from the domain scores.

    A domain left out scores 0. For a man, menorrhagia and post-partum haemorrhage are not
    applicable: they score 0 and any other score is refused.
    """
    population = population_for(sex=sex, age_years=age_years)
    scores: list[DomainScore] = []
    for domain in Domain:
        score = validate_score(domain, domain_scores.get(domain, 0))
        applicable = is_applicable(domain, sex)
        if not applicable and score != 0:
            raise IsthBatError(
                f"{domain.label} : non applicable chez un homme, le score doit être 0.",
                domain=domain,
            )
        scores.append(DomainScore(domain, score, applicable))
    total = sum(item.score for item in scores)
    return BatResult(
        version=version,
        scores=tuple(scores),
        total=total,
        population=population,
        cutoff=population.cutoff,
        abnormal=total >= population.cutoff,
    )


def score_questionnaire(
    answers: Iterable[Answer],
    *,
    sex: Sex,
    age_years: int,
    diagnosis_date: dt.date | None,
    version: BatVersion = BatVersion.ISTH_BAT,
) -> BatResult:
    """Return the scored ISTH-BAT from the interview's answers.

    Answers after the diagnosis are left out; a question answered "oui" for one episode before
    the diagnosis is "oui" for its domain.
    """
    by_domain: dict[Domain, dict[str, bool]] = {domain: {} for domain in Domain}
    for answer in answers:
        _check_answer_keys(answer.domain, [answer.question])
        if not counts_before_diagnosis(answer, diagnosis_date):
            continue
        domain_answers = by_domain[answer.domain]
        domain_answers[answer.question] = domain_answers.get(answer.question, False) or answer.yes
    return score_assessment(
        {domain: score_domain_from_answers(domain, given) for domain, given in by_domain.items()},
        sex=sex,
        age_years=age_years,
        version=version,
    )
