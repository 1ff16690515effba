"""Pure rules of the case-meeting workflow: status flow, completeness, agenda slots, file types.

No Django here: the services translate these answers into validation errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# --- Status flow of a case request ---------------------------------------------------------

SUBMITTED = "submitted"
RETURNED = "returned"
DECLINED = "declined"
ACCEPTED = "accepted"
DISCUSSED = "discussed"
SIGNED = "signed"
DELIVERED = "delivered"
FOLLOWED_UP = "followed_up"

TRANSITIONS: Mapping[str, frozenset[str]] = {
    SUBMITTED: frozenset({ACCEPTED, RETURNED, DECLINED}),
    RETURNED: frozenset({SUBMITTED, DECLINED}),
    DECLINED: frozenset(),
    # A case on an agenda may be moved to another meeting (stays accepted) or sent back.
    ACCEPTED: frozenset({ACCEPTED, DISCUSSED, RETURNED}),
    DISCUSSED: frozenset({SIGNED}),
    SIGNED: frozenset({DELIVERED}),
    DELIVERED: frozenset({FOLLOWED_UP}),
    FOLLOWED_UP: frozenset(),
}


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


# --- Completeness of a request ----------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the completeness check reads from a request."""

    question_type: str
    question: str
    proposal: str
    clinical_summary: str
    is_urgent: bool
    urgency_justification: str
    patient_informed_on: dt.date | None
    patient_not_opposed: bool
    off_label_drug: str
    planned_procedure: str
    diagnoses: int
    phenotypes: int
    platelet_workups: int
    genetic_findings: int
    attachments: int
    patient_sex: str = ""


@dataclass(frozen=True)
class Gap:
    field: str
    message: str
    blocking: bool = True


MIN_QUESTION_LENGTH = 15
PROPOSAL_NEEDED = frozenset({"therapeutic", "off_label"})
PROCEDURE_NEEDED = frozenset({"surgery", "pregnancy"})


def completeness_gaps(facts: CaseFacts, today: dt.date) -> list[Gap]:
    """Return what is missing before the case can go on an agenda (blocking) or would help."""
    gaps: list[Gap] = []
    if len(facts.question.strip()) < MIN_QUESTION_LENGTH:
        gaps.append(Gap("question", "La question posée à la RCP est absente ou trop brève."))
    if not facts.clinical_summary.strip():
        gaps.append(Gap("clinical_summary", "Le résumé clinique est vide."))
    if facts.patient_informed_on is None or not facts.patient_not_opposed:
        gaps.append(
            Gap(
                "patient_not_opposed",
                "Le patient doit avoir été informé et ne pas s'opposer à la discussion de son "
                "dossier en RCP : indiquez sa non-opposition et la date de l'information.",
            )
        )
    elif facts.patient_informed_on > today:
        gaps.append(Gap("patient_informed_on", "La date d'information du patient est future."))
    if facts.is_urgent and not facts.urgency_justification.strip():
        gaps.append(Gap("urgency_justification", "L'urgence n'est pas justifiée."))
    if facts.question_type in PROPOSAL_NEEDED and not facts.proposal.strip():
        gaps.append(Gap("proposal", "La proposition envisagée par le demandeur manque."))
    if facts.question_type == "off_label" and not facts.off_label_drug.strip():
        gaps.append(Gap("off_label_drug", "Le médicament envisagé hors AMM n'est pas indiqué."))
    if facts.question_type == "pregnancy" and facts.patient_sex == "M":
        gaps.append(
            Gap(
                "question_type",
                "Type de question « Grossesse, accouchement » impossible : le patient est de "
                "sexe masculin.",
            )
        )
    if facts.question_type in PROCEDURE_NEEDED and not facts.planned_procedure.strip():
        gaps.append(
            Gap("planned_procedure", "Le geste ou la grossesse envisagés ne sont pas décrits.")
        )
    if facts.diagnoses == 0 and facts.phenotypes == 0:
        gaps.append(
            Gap(
                "registry",
                "Ni diagnostic ni phénotype au registre : le dossier clinique est vide.",
                blocking=False,
            )
        )
    if facts.platelet_workups == 0:
        gaps.append(Gap("registry", "Aucun bilan plaquettaire au registre.", blocking=False))
    if facts.attachments == 0:
        gaps.append(Gap("attachments", "Aucune pièce jointe (comptes rendus).", blocking=False))
    return gaps


# --- Agenda slots -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    label: str
    start: dt.datetime
    minutes: int

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


def first_overlap(candidate: Slot, others: Iterable[Slot]) -> Slot | None:
    """Return the first slot that shares time with ``candidate`` (touching ends do not)."""
    for other in sorted(others, key=lambda s: s.start):
        if candidate.start < other.end and other.start < candidate.end:
            return other
    return None


def first_free_start(
    meeting_start: dt.datetime, meeting_end: dt.datetime, minutes: int, others: Iterable[Slot]
) -> dt.datetime | None:
    """Return the earliest start where ``minutes`` fit in the meeting without sharing time with
    another slot (the first gap long enough, not the end of the last slot), or None if full."""
    length = dt.timedelta(minutes=minutes)
    candidate = meeting_start
    for slot in sorted(others, key=lambda s: s.start):
        if slot.start - candidate >= length:
            return candidate
        candidate = max(candidate, slot.end)
    return candidate if candidate + length <= meeting_end else None


# --- Attachments: the type is read from the content, never from the name ---------------------

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS: Mapping[str, frozenset[str]] = {
    PDF: frozenset({".pdf"}),
    PNG: frozenset({".png"}),
    JPEG: frozenset({".jpg", ".jpeg"}),
}


def sniff_content_type(head: bytes) -> str | None:
    """Return the type announced by the first bytes (magic numbers), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def extension_matches(name: str, content_type: str) -> bool:
    lowered = name.lower()
    dot = lowered.rfind(".")
    return dot >= 0 and lowered[dot:] in EXTENSIONS.get(content_type, frozenset())


# --- Delays ---------------------------------------------------------------------------------


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# --- Presence and discussion intervals -----------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of time; ``end`` is None while it lasts (a participant still in the room)."""

    start: dt.datetime
    end: dt.datetime | None = None


def present_during(spans: Iterable[Span], start: dt.datetime, end: dt.datetime) -> bool:
    """Whether any stretch of presence overlaps [start, end] (a point when start == end).

    A departure at the very instant the discussion opens does not count; an arrival at the
    instant it closes does."""
    return any(s.start <= end and (s.end is None or s.end > start) for s in spans)


def minutes_present(spans: Iterable[Span], closed_at: dt.datetime | None) -> int:
    """Whole minutes of presence, summed over the stretches (an open one ends at closing)."""
    seconds = 0.0
    for span in spans:
        end = span.end or closed_at
        if end is not None and end > span.start:
            seconds += (end - span.start).total_seconds()
    return int(seconds // 60)


# --- Wording of documents ------------------------------------------------------------------


def rcp_title(series_name: str) -> str:
    """« RCP Pathologies plaquettaires » for a series named with or without its « RCP »."""
    name = series_name.strip()
    first = name.split(maxsplit=1)[0] if name else ""
    return name if first.upper() == "RCP" else f"RCP {name}".strip()


def sentence(text: str) -> str:
    """The text as a sentence ending with one full stop (never « .. »)."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."


def coordination_role(title: str) -> str:
    """How the signer is named: by their title when it says their sex (Mme, M.), else by the
    function (« Dr », « Pr » say nothing of it)."""
    if title == "mme":
        return "coordonnatrice de la RCP"
    if title == "m":
        return "coordonnateur de la RCP"
    return "pour la coordination de la RCP"
