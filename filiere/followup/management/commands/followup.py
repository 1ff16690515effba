from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.access.actors import SYSTEM
from filiere.followup import services


class Command(BaseCommand):
    help = (
        "Follow-up. import-atc [PATH]: load the network's ATC table of haemostatic treatments "
        "(default: the shipped table); default-rules: add the national cohort's default "
        "follow-up rhythm for groups without one; refresh: recompute every patient's next due "
        "visit (run it daily, after the registry's changes of the day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import-atc", "default-rules", "refresh"])
        parser.add_argument("path", nargs="?", type=Path)

    def handle(self, *args: Any, action: str, path: Path | None, **options: Any) -> None:
        if action == "import-atc":
            source = path or services.ATC_FILE
            if not source.is_file():
                raise CommandError(f"{source} : fichier introuvable.")
            try:
                result = services.atc_import_file(actor=SYSTEM, path=source)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{source.name} : {result.added} ajoutés, {result.updated} modifiés, "
                    f"{result.obsoleted} devenus obsolètes."
                )
            )
        elif action == "default-rules":
            defaults = services.followup_rules_install_defaults(actor=SYSTEM, background=False)
            self.stdout.write(
                self.style.SUCCESS(f"{defaults.created} rythme(s) de suivi ajouté(s).")
            )
        else:
            refreshed = services.schedules_refresh_all(
                on_progress=lambda done, total: self.stdout.write(f"  … {done}/{total}")
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Échéances : {refreshed.created} créée(s), {refreshed.updated} mise(s) à "
                    f"jour, {refreshed.deleted} supprimée(s)."
                )
            )
