from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from filiere.meetings.services import follow_up_reminders_send


class Command(BaseCommand):
    help = (
        "Ask each requesting physician, three months after the recommendation, whether it was "
        "applied (one e-mail per follow-up, once). Run it daily (cron or systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = follow_up_reminders_send()
        self.stdout.write(f"Suivis d'avis RCP : {count} relance(s) envoyée(s).")
