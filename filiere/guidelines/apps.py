from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "filiere.guidelines"
    label = "guidelines"
    verbose_name = _("Protocoles nationaux (PNDS) et plan d'action")

    def ready(self) -> None:
        from filiere.core.reports import register_section
        from filiere.guidelines.report import guidelines_section

        register_section("guidelines", guidelines_section, position=60)
