"""The job queue: one Celery app, configured from Django's settings (the ``CELERY_*`` names).

Each app keeps its tasks in its own ``tasks.py`` (found by ``autodiscover_tasks``); a task calls
the same service as the management command that does the same work by hand. Tasks acknowledge
their message only once done (``acks_late``), so a worker killed mid-task leaves the message to
another: every task must be safe to run twice.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")

app = Celery("filiere")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

COMMANDS = {"worker": "worker", "scheduler": "beat"}


def run(args: list[str]) -> int:
    """``filiere worker …`` runs ``celery worker …``; ``filiere scheduler …`` runs
    ``celery beat …`` (the schedule is ``CELERY_BEAT_SCHEDULE`` in the settings)."""
    return app.start([COMMANDS[args[0]], "--loglevel", "INFO", *args[1:]]) or 0
