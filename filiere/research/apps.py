from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "filiere.research"
    label = "research"
    verbose_name = _("Extractions pour la recherche")

    def ready(self) -> None:
        from filiere.jobs.models import Job
        from filiere.jobs.services import register_job_task
        from filiere.research.tasks import produce_extract

        register_job_task(Job.Kind.RESEARCH_EXTRACT, produce_extract, back="research:list")
