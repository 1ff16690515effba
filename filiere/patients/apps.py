from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "filiere.patients"
    verbose_name = _("Registre des patients")

    def ready(self) -> None:
        from filiere.patients.corrections import register_registry_records

        register_registry_records()

        from filiere.patients.attention import register_home_counts

        register_home_counts()

        from filiere.patients.hooks import register_record_mover
        from filiere.patients.services.duplicates import REGISTRY_RECORDS

        register_record_mover(REGISTRY_RECORDS)

        from filiere.core.reports import register_section
        from filiere.patients.report import registry_section

        register_section("patients", registry_section, position=20)

        from filiere.jobs.services import register_job_task
        from filiere.patients.services.national_exports import JOB_KINDS
        from filiere.patients.tasks import export_centre

        for kind in JOB_KINDS.values():
            register_job_task(kind, export_centre, back="patients:exports")
