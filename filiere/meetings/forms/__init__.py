"""Forms of the case-meeting pages: they parse; the services decide."""

from __future__ import annotations

from filiere.meetings.forms.cases import (
    AttachmentForm,
    CaseDetailsForm,
    CaseRequestForm,
    CorrectionForm,
    ExpertOpinionForm,
    FollowUpForm,
    RecommendationForm,
    SignForm,
    TriageForm,
)
from filiere.meetings.forms.common import (
    DATE_INPUT,
    PHYSICIAN_SPECIALTIES,
    TIME_INPUT,
    local_datetime,
)
from filiere.meetings.forms.planning import (
    MONTH_CHOICES,
    PARTICIPANT_LIST_MAX_BYTES,
    CaseMoveForm,
    InvitationAcceptForm,
    ParticipantListForm,
    RecommendationTemplateForm,
    SeriesCalendarForm,
    StatisticsForm,
)
from filiere.meetings.forms.series import (
    InvitationForm,
    MeetingForm,
    MemberAddForm,
    ParticipantAddForm,
    ParticipantUpdateForm,
    SeriesCreateForm,
    SeriesForm,
)

__all__ = [
    "DATE_INPUT",
    "MONTH_CHOICES",
    "PARTICIPANT_LIST_MAX_BYTES",
    "PHYSICIAN_SPECIALTIES",
    "TIME_INPUT",
    "AttachmentForm",
    "CaseDetailsForm",
    "CaseMoveForm",
    "CaseRequestForm",
    "CorrectionForm",
    "ExpertOpinionForm",
    "FollowUpForm",
    "InvitationAcceptForm",
    "InvitationForm",
    "MeetingForm",
    "MemberAddForm",
    "ParticipantAddForm",
    "ParticipantListForm",
    "ParticipantUpdateForm",
    "RecommendationForm",
    "RecommendationTemplateForm",
    "SeriesCalendarForm",
    "SeriesCreateForm",
    "SeriesForm",
    "SignForm",
    "StatisticsForm",
    "TriageForm",
    "local_datetime",
]
