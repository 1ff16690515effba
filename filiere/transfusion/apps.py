from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfusionConfig(AppConfig):
    name = "filiere.transfusion"
    verbose_name = _("Transfusion de plaquettes")

    def ready(self) -> None:
        from filiere.patients.panels import register_panel
        from filiere.transfusion.selectors import panel_summary

        register_panel("transfusion/panel.html", panel_summary, position=60)

        from filiere.transfusion.attention import register_home_counts

        register_home_counts()

        from filiere.patients.hooks import register_record_mover
        from filiere.transfusion.merge import TRANSFUSION_RECORDS

        register_record_mover(TRANSFUSION_RECORDS)

        from filiere.core.reports import register_section
        from filiere.transfusion.report import transfusion_section

        register_section("transfusion", transfusion_section, position=40)
