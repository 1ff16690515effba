from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "filiere.meetings"
    verbose_name = _("Réunions de concertation pluridisciplinaire (RCP)")

    def ready(self) -> None:
        from filiere.meetings.panels import case_meetings_panel
        from filiere.patients.panels import register_panel

        register_panel("meetings/panel.html", case_meetings_panel, position=40)

        from filiere.meetings.selectors import national_activities_of
        from filiere.patients.activities import register_activity_source

        register_activity_source(national_activities_of)

        from filiere.meetings.attention import register_home_counts

        register_home_counts()

        from filiere.meetings.services.merge import CASE_RECORDS
        from filiere.patients.hooks import register_record_mover

        register_record_mover(CASE_RECORDS)

        from filiere.core.reports import register_section
        from filiere.meetings.report import case_meetings_section

        register_section("meetings", case_meetings_section, position=10)
