from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "filiere.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self) -> None:
        from filiere.core import checks  # noqa: F401  (registers the system checks)
        from filiere.core.reports.tasks import write_activity_report
        from filiere.jobs.models import Job
        from filiere.jobs.services import register_job_task

        register_job_task(
            Job.Kind.ACTIVITY_REPORT,
            write_activity_report,
            back="reports:activity",
            other_files=("csv",),
        )
