from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "filiere.jobs"
    label = "jobs"
    verbose_name = _("Tâches de fond")

    def ready(self) -> None:
        # The Celery app must exist before any task is sent: `shared_task` binds to it.
        from filiere.core.metrics import register_collector
        from filiere.jobs import attention, queue  # noqa: F401
        from filiere.jobs.metrics import JobFigures

        register_collector(JobFigures())
        attention.register()
