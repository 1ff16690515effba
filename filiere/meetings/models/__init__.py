"""Case meetings (RCP): series, meetings, participants, case requests, recommendations."""

from __future__ import annotations

from filiere.meetings.models.avis_templates import RecommendationTemplate
from filiere.meetings.models.cases import AgendaItem, CaseAttachment, CaseRequest, ExpertOpinion
from filiere.meetings.models.meetings import Meeting, Participant, PresenceInterval
from filiere.meetings.models.recommendations import (
    Ratification,
    Recommendation,
    RecommendationDelivery,
    RecommendationFollowUp,
)
from filiere.meetings.models.series import (
    NON_PHYSICIAN_SPECIALTIES,
    STAFF_ROLES,
    ExternalInvitation,
    MeetingSeries,
    SeriesMember,
)

__all__ = [
    "NON_PHYSICIAN_SPECIALTIES",
    "STAFF_ROLES",
    "AgendaItem",
    "CaseAttachment",
    "CaseRequest",
    "ExpertOpinion",
    "ExternalInvitation",
    "Meeting",
    "MeetingSeries",
    "Participant",
    "PresenceInterval",
    "Ratification",
    "Recommendation",
    "RecommendationDelivery",
    "RecommendationFollowUp",
    "RecommendationTemplate",
    "SeriesMember",
]
