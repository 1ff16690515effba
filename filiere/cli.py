"""The `filiere` command: Django's management commands, plus fast commands that need no database.

filiere demo [--size N]                  build the demo network (management command)
filiere transfusion assess …             transfusion efficacy, pure computation, JSON output
filiere hla unacceptable|search …        HLA antibody analysis and donor search, JSON output
filiere worker [celery worker options]   run the background jobs (Celery, Redis as broker)
filiere scheduler [celery beat options]  send the daily jobs of CELERY_BEAT_SCHEDULE to the queue
filiere <any manage.py command> …        e.g. filiere migrate, filiere createsuperuser
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["transfusion", "assess"]:
        from filiere.clinical.cli import main as transfusion_main

        return transfusion_main(args[1:])
    if args[:1] == ["hla"] and len(args) > 1 and args[1] in {"unacceptable", "search"}:
        from filiere.hla.cli import main as hla_main

        return hla_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    if args[:1] in (["worker"], ["scheduler"]):
        from filiere.jobs.queue import run

        return run(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["filiere", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
