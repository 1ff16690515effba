from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "filiere.events"
    label = "events"
    verbose_name = _("Événements de la filière")

    def ready(self) -> None:
        from filiere.core.reports import register_section
        from filiere.events.report import events_section

        register_section("events", events_section, position=70)
