"""Input and output schemas of the case-meeting API (never a model returned as is)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema


class CaseIn(Schema):
    series_id: uuid.UUID
    patient_id: uuid.UUID = Field(
        description="Un patient du registre suivi par l'un de vos centres."
    )
    question_type: str = Field(
        description="diagnostic, therapeutic, off_label, pregnancy, surgery, genetic, "
        "follow_up ou other."
    )
    question: str = Field(max_length=5000)
    proposal: str = Field("", max_length=5000)
    is_urgent: bool = False
    urgency_justification: str = Field("", max_length=2000)
    patient_informed_on: dt.date | None = Field(
        None, description="Date de l'information du patient (obligatoire)."
    )
    patient_not_opposed: bool = Field(
        False, description="Le patient ne s'oppose pas à la discussion de son dossier (requis)."
    )
    clinical_summary: str = Field(max_length=20000)
    current_treatments: str = Field("", max_length=5000)
    bleeding_score: int | None = Field(None, ge=0, le=56)
    planned_procedure: str = Field("", max_length=5000)
    off_label_drug: str = Field("", max_length=200)
    treating_physician: str = Field("", max_length=300)
    additional_recipients: list[str] = Field(default_factory=list)


class AgendaOut(Schema):
    meeting_id: uuid.UUID
    meeting_starts_at: dt.datetime
    slot_starts_at: dt.datetime
    purpose: str
    outcome: str


class RecommendationOut(Schema):
    id: uuid.UUID
    version: int
    signed_at: dt.datetime
    quorum_met: bool
    pdf_url: str


class CaseOut(Schema):
    id: uuid.UUID
    series: str
    patient_pseudonym: str
    patient_age_years: int
    question_type: str
    question: str
    is_urgent: bool
    status: str
    status_note: str
    submitted_at: dt.datetime
    agenda: list[AgendaOut]
    recommendations: list[RecommendationOut]


class MeetingOut(Schema):
    id: uuid.UUID
    series: str
    kind: str
    status: str
    starts_at: dt.datetime
    duration_minutes: int
    video_link: str
