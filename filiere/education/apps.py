from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "filiere.education"
    label = "education"
    verbose_name = _("Éducation thérapeutique du patient (ETP)")

    def ready(self) -> None:
        from filiere.education.merge import EDUCATION_RECORDS
        from filiere.patients.hooks import register_record_mover

        register_record_mover(EDUCATION_RECORDS)

        from filiere.core.reports import register_section
        from filiere.education.report import education_section

        register_section("education", education_section, position=50)
