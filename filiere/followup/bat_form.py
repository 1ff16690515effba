"""The guided ISTH-BAT interview: the next question of each domain, from the answers so far.

The questions and the scoring are those of ``filiere.clinical.isth_bat``; this module only reads
the submitted answers (``<domain>-present``, ``<domain>-q-<question>``, ``<domain>-note``) and
says, for each domain, what to show: a first question "symptom present?", then the questionnaire's
questions one at a time until the domain score is settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext

from filiere.clinical.isth_bat import (
    FEMALE_ONLY_DOMAINS,
    QUESTIONNAIRE,
    SCORING_KEY,
    Domain,
    Question,
    next_question,
    score_domain_from_answers,
)

YES, NO = "oui", "non"


def field_name(domain: Domain, part: str) -> str:
    return f"{domain.value}-{part}"


def _yes_no(value: str | None) -> bool | None:
    if value == YES:
        return True
    if value == NO:
        return False
    return None


@dataclass(frozen=True)
class QuestionRow:
    question: Question  # its text in the reader's language
    name: str
    answer: bool | None


def _translated(question: Question) -> Question:
    help_text = gettext(question.help_text) if question.help_text else ""
    return replace(question, text=gettext(question.text), help_text=help_text)


@dataclass(frozen=True)
class DomainState:
    domain: Domain
    number: int
    applicable: bool
    present: bool | None
    answers: dict[str, bool]
    note: str
    rows: tuple[QuestionRow, ...]
    score: int

    @property
    def label(self) -> str:
        return gettext(self.domain.label)

    @property
    def settled(self) -> bool:
        if not self.applicable or self.present is False:
            return True
        return self.present is True and all(row.answer is not None for row in self.rows)

    @property
    def description(self) -> str:
        if not self.applicable:
            return gettext("Non applicable")
        return gettext(SCORING_KEY[self.domain].describe(self.score))

    @property
    def present_name(self) -> str:
        return field_name(self.domain, "present")

    @property
    def note_name(self) -> str:
        return field_name(self.domain, "note")

    def as_stored(self) -> dict[str, Any]:
        """The answers kept with the assessment (checked again by the service)."""
        return {"present": bool(self.present), "answers": self.answers, "note": self.note}


def read_domain(domain: Domain, data: Mapping[str, Any], *, female: bool) -> DomainState:
    """Return what the form shows for ``domain`` given the submitted ``data``."""
    number = list(Domain).index(domain) + 1
    if domain in FEMALE_ONLY_DOMAINS and not female:
        return DomainState(domain, number, False, None, {}, "", (), 0)
    present = _yes_no(data.get(field_name(domain, "present")))
    note = str(data.get(field_name(domain, "note")) or "").strip()
    if not present:
        return DomainState(domain, number, True, present, {}, note, (), 0)
    questions = QUESTIONNAIRE[domain]
    answers: dict[str, bool] = {}
    for question in questions:
        answer = _yes_no(data.get(field_name(domain, f"q-{question.key}")))
        if answer is not None:
            answers[question.key] = answer
    following = next_question(domain, answers)
    rows = tuple(
        QuestionRow(_translated(q), field_name(domain, f"q-{q.key}"), answers.get(q.key))
        for q in questions
        if q.key in answers or q is following
    )
    score = score_domain_from_answers(domain, answers)
    # Questions answered but no longer worth asking stay shown: the clinician sees every answer.
    return DomainState(domain, number, True, True, answers, note, rows, score)


def read_all(data: Mapping[str, Any], *, female: bool) -> list[DomainState]:
    return [read_domain(domain, data, female=female) for domain in Domain]
