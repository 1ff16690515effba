from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.meetings.services import follow_up_reminders_send


class Command(BaseCommand):
    help = (
        "Ask each requesting physician, three months after the recommendation, whether it was "
        "applied, and once more 30 days later without an answer. Run it daily (cron or systemd "
        "timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Jour de référence (AAAA-MM-JJ ; par défaut aujourd'hui)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compter les relances dues sans rien envoyer ni enregistrer.",
        )

    def handle(self, *args: Any, date: str | None, dry_run: bool, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date : date invalide « {date} » (AAAA-MM-JJ).") from error
        sent = follow_up_reminders_send(today=day, dry_run=dry_run)
        verb = "à envoyer (simulation, rien n'est envoyé)" if dry_run else "envoyée(s)"
        self.stdout.write(
            f"Suivis d'avis RCP : {sent.first} relance(s) et {sent.second} seconde(s) "
            f"relance(s) {verb}."
        )
