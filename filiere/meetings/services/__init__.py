"""Every write of the case-meeting module: atomic, validated, audited, e-mails after commit.

Refused input rolls back and leaves one REFUSED event in the audit trail. The services trust
their caller on who acts: the views and API routes ask ``filiere.access.meetings`` first and
refuse with the audited 404; the demo and the system's own steps act as ``SYSTEM``. What they
check is the input and the state (a case's status, a meeting of the same series, dates).
"""

from __future__ import annotations

from filiere.meetings.services.agenda import agenda_item_reschedule, case_move, meeting_agenda_send
from filiere.meetings.services.attachments import (
    attachment_add,
    attachment_downloaded,
    attachment_path,
)
from filiere.meetings.services.avis_templates import (
    earlier_avis_reused,
    earlier_signed_avis,
    recommendation_template_create,
    recommendation_template_update,
    recommendation_template_withdraw,
    templates_for,
)
from filiere.meetings.services.cases import (
    CaseDetails,
    case_accept,
    case_accept_urgent,
    case_decline,
    case_request_submit,
    case_request_update,
    case_return,
    case_snapshot_refresh,
    case_viewed,
    cases_viewed,
    completeness_gaps,
    expert_opinion_record,
)
from filiere.meetings.services.follow_ups import (
    Reminders,
    follow_up_answer,
    follow_up_reminders_send,
)
from filiere.meetings.services.meetings import (
    agenda_item_discussion_close,
    agenda_item_discussion_open,
    meeting_cancel,
    meeting_close,
    meeting_create,
    meeting_open,
    meeting_update,
    statistics_exported,
)
from filiere.meetings.services.participants import (
    attendance_certificate_issued,
    attendance_certificates_archived,
    attendance_check_in,
    attendance_check_in_all,
    attendance_check_out,
    attendance_exported,
    cases_discussed_during,
    meeting_register_self,
    participant_add,
    participant_list_check,
    participant_update,
    participants_add_list,
    participants_add_series_members,
)
from filiere.meetings.services.ratification import ratification_downloaded, recommendation_ratify
from filiere.meetings.services.recommendations import (
    recommendation_correct,
    recommendation_save,
    recommendation_sign,
    recommendation_sign_as_shown,
)
from filiere.meetings.services.record_copy import (
    recommendation_downloaded,
    recommendation_record_copy,
)
from filiere.meetings.services.series import (
    external_physician_invite,
    invitation_accept,
    invitation_for_token,
    series_calendar_create,
    series_calendar_preview,
    series_create,
    series_member_add,
    series_member_remove,
    series_update,
)

__all__ = [  # noqa: RUF022 (the agenda, calendar and template services close the list)
    "CaseDetails",
    "Reminders",
    "agenda_item_discussion_close",
    "agenda_item_discussion_open",
    "agenda_item_reschedule",
    "attachment_add",
    "attachment_downloaded",
    "attachment_path",
    "attendance_certificate_issued",
    "attendance_certificates_archived",
    "attendance_check_in",
    "attendance_check_in_all",
    "attendance_check_out",
    "attendance_exported",
    "case_accept",
    "case_accept_urgent",
    "case_decline",
    "case_request_submit",
    "case_request_update",
    "case_return",
    "case_snapshot_refresh",
    "case_viewed",
    "cases_discussed_during",
    "cases_viewed",
    "completeness_gaps",
    "expert_opinion_record",
    "external_physician_invite",
    "follow_up_answer",
    "follow_up_reminders_send",
    "invitation_accept",
    "invitation_for_token",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meeting_open",
    "meeting_register_self",
    "meeting_update",
    "participant_add",
    "participant_list_check",
    "participant_update",
    "participants_add_list",
    "participants_add_series_members",
    "ratification_downloaded",
    "recommendation_correct",
    "recommendation_downloaded",
    "recommendation_ratify",
    "recommendation_record_copy",
    "recommendation_save",
    "recommendation_sign",
    "recommendation_sign_as_shown",
    "series_create",
    "series_member_add",
    "series_member_remove",
    "series_update",
    "statistics_exported",
    "case_move",
    "earlier_avis_reused",
    "earlier_signed_avis",
    "meeting_agenda_send",
    "recommendation_template_create",
    "recommendation_template_update",
    "recommendation_template_withdraw",
    "series_calendar_create",
    "series_calendar_preview",
    "templates_for",
]
