from __future__ import annotations

from django.urls import path

from filiere.meetings.views import (
    agenda,
    attendance,
    cases,
    invitations,
    live,
    meetings,
    participants,
    recommendations,
    series,
    statistics,
)

app_name = "meetings"
urlpatterns = [
    path("", series.index_view, name="index"),
    path("calendrier/", series.calendar_view, name="calendar"),
    path("statistiques/", statistics.statistics_view, name="statistics"),
    path("statistiques/export.csv", statistics.statistics_csv_view, name="statistics_csv"),
    path("invitation/", invitations.invitation_accept_view, name="invitation_accept"),
    path("invitation/<str:token>/", invitations.invitation_link_view, name="invitation_link"),
    # Series
    path("series/nouvelle/", series.series_create_view, name="series_create"),
    path("series/<uuid:series_id>/", series.series_detail_view, name="series_detail"),
    path("series/<uuid:series_id>/modifier/", series.series_edit_view, name="series_edit"),
    path("series/<uuid:series_id>/membres/", series.member_add_view, name="member_add"),
    path(
        "series/<uuid:series_id>/membres/<uuid:member_id>/retirer/",
        series.member_remove_view,
        name="member_remove",
    ),
    path("series/<uuid:series_id>/inviter/", series.invite_view, name="invite"),
    path(
        "series/<uuid:series_id>/reunions/nouvelle/",
        meetings.meeting_create_view,
        name="meeting_create",
    ),
    # Meetings
    path("reunions/<uuid:meeting_id>/", meetings.meeting_detail_view, name="meeting_detail"),
    path("reunions/<uuid:meeting_id>/modifier/", meetings.meeting_edit_view, name="meeting_edit"),
    path("reunions/<uuid:meeting_id>/statut/", meetings.meeting_status_view, name="meeting_status"),
    path(
        "reunions/<uuid:meeting_id>/inscription/",
        participants.meeting_register_view,
        name="meeting_register",
    ),
    path(
        "reunions/<uuid:meeting_id>/invitation.ics",
        participants.meeting_ics_view,
        name="meeting_ics",
    ),
    path(
        "reunions/<uuid:meeting_id>/emargement.csv",
        attendance.attendance_csv_view,
        name="attendance_csv",
    ),
    path(
        "reunions/<uuid:meeting_id>/participants/",
        participants.participant_add_view,
        name="participant_add",
    ),
    path(
        "reunions/<uuid:meeting_id>/participants/<uuid:participant_id>/",
        participants.participant_update_view,
        name="participant_update",
    ),
    path(
        "reunions/<uuid:meeting_id>/participants/<uuid:participant_id>/attestation.pdf",
        attendance.certificate_view,
        name="certificate",
    ),
    path("reunions/<uuid:meeting_id>/seance/", live.meeting_live_view, name="meeting_live"),
    path("reunions/<uuid:meeting_id>/quorum/", live.quorum_view, name="meeting_quorum"),
    path(
        "reunions/<uuid:meeting_id>/participants/<uuid:participant_id>/presence/",
        live.attendance_view,
        name="attendance",
    ),
    path(
        "reunions/<uuid:meeting_id>/ordre-du-jour/<uuid:item_id>/",
        live.agenda_item_view,
        name="agenda_item",
    ),
    # Case requests
    path("demandes/", cases.my_cases_view, name="my_cases"),
    path("demandes/nouvelle/", cases.case_create_view, name="case_create"),
    path("demandes/<uuid:case_id>/", cases.case_detail_view, name="case_detail"),
    path("demandes/<uuid:case_id>/modifier/", cases.case_edit_view, name="case_edit"),
    path("demandes/<uuid:case_id>/triage/", cases.case_triage_view, name="case_triage"),
    path(
        "demandes/<uuid:case_id>/registre/",
        cases.snapshot_refresh_view,
        name="snapshot_refresh",
    ),
    path("demandes/<uuid:case_id>/pieces/", cases.attachment_upload_view, name="attachment_upload"),
    path(
        "demandes/<uuid:case_id>/pieces/<uuid:attachment_id>/",
        cases.attachment_download_view,
        name="attachment_download",
    ),
    path("demandes/<uuid:case_id>/avis-ecrit/", cases.expert_opinion_view, name="expert_opinion"),
    path("demandes/<uuid:case_id>/suivi/", cases.follow_up_view, name="follow_up"),
    path(
        "demandes/<uuid:case_id>/avis/",
        recommendations.recommendation_edit_view,
        name="recommendation_edit",
    ),
    path(
        "demandes/<uuid:case_id>/avis/signer/",
        recommendations.recommendation_sign_view,
        name="recommendation_sign",
    ),
    path(
        "demandes/<uuid:case_id>/avis/corriger/",
        recommendations.recommendation_correct_view,
        name="recommendation_correct",
    ),
    path(
        "demandes/<uuid:case_id>/avis/<uuid:recommendation_id>.pdf",
        recommendations.recommendation_pdf_view,
        name="recommendation_pdf",
    ),
    path(
        "demandes/<uuid:case_id>/ratifications/<uuid:ratification_id>.pdf",
        recommendations.ratification_pdf_view,
        name="ratification_pdf",
    ),
    # Agenda document, yearly calendar, moving a case, avis templates (m5-agenda)
    path("reunions/<uuid:meeting_id>/ordre-du-jour.pdf", agenda.agenda_pdf_view, name="agenda_pdf"),
    path(
        "reunions/<uuid:meeting_id>/ordre-du-jour/envoyer/",
        agenda.agenda_send_view,
        name="agenda_send",
    ),
    path("reunions/<uuid:meeting_id>/deplacer/", agenda.case_move_view, name="case_move"),
    path(
        "series/<uuid:series_id>/calendrier-annuel/",
        series.series_calendar_view,
        name="series_calendar",
    ),
    path(
        "series/<uuid:series_id>/modeles-avis/nouveau/",
        series.avis_template_create_view,
        name="avis_template_create",
    ),
    path(
        "series/<uuid:series_id>/modeles-avis/<uuid:template_id>/",
        series.avis_template_edit_view,
        name="avis_template_edit",
    ),
    path(
        "series/<uuid:series_id>/modeles-avis/<uuid:template_id>/retirer/",
        series.avis_template_withdraw_view,
        name="avis_template_withdraw",
    ),
]
# Documents for the hospital record and continuing education (issue 12, build 6)
urlpatterns += [
    path("mes-reunions/", meetings.my_meetings_view, name="my_meetings"),
    path(
        "reunions/<uuid:meeting_id>/attestations.zip",
        attendance.certificates_zip_view,
        name="certificates_zip",
    ),
    path(
        "demandes/<uuid:case_id>/avis/<uuid:recommendation_id>/copie-dossier.pdf",
        recommendations.recommendation_record_copy_view,
        name="recommendation_record_copy",
    ),
]

# Running a big session (issue 12, build 5): lists of participants, « tous présents »,
# presentation mode.
urlpatterns += [
    path(
        "reunions/<uuid:meeting_id>/participants/liste/",
        participants.participant_list_view,
        name="participant_list",
    ),
    path(
        "reunions/<uuid:meeting_id>/participants/membres-serie/",
        participants.series_members_add_view,
        name="series_members_add",
    ),
    path(
        "reunions/<uuid:meeting_id>/presence/tous/",
        live.attendance_all_view,
        name="attendance_all",
    ),
    path(
        "reunions/<uuid:meeting_id>/presentation/",
        live.presentation_view,
        name="presentation",
    ),
]
