from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "filiere.followup"
    verbose_name = _("Suivi longitudinal")

    def ready(self) -> None:
        from filiere.followup.panels import followup_panel
        from filiere.patients.panels import register_panel

        register_panel("followup/panel.html", followup_panel, position=30)

        from filiere.followup.selectors import national_activities_of
        from filiere.patients.activities import register_activity_source

        register_activity_source(national_activities_of)
