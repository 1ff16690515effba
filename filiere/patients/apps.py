from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "filiere.patients"
    verbose_name = _("Registre des patients")

    def ready(self) -> None:
        from filiere.patients.corrections import register_registry_records

        register_registry_records()
