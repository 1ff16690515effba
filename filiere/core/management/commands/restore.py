from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `filiere backup` into an empty PostgreSQL database and an "
        "empty private files directory, after checking every file against its checksum."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="The backup directory.")
        parser.add_argument("--key", type=Path, help="The Fernet key file, if encrypted.")

    def handle(self, *args: Any, source: Path, key: Path | None, **_: Any) -> None:
        try:
            manifest = backup_restore(source=Path(source), key=Path(key) if key else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde du {manifest.data['created_at']} "
                f"(version {manifest.data['app_version']}) restaurée."
            )
        )
        self.stdout.write("  Lancez ensuite `filiere migrate` si cette version est plus récente.")
