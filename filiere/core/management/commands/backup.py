from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the private files into "
        "a new directory, with a manifest of SHA-256 checksums; --key encrypts with a Fernet key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="New or empty directory.")
        parser.add_argument("--key", type=Path, help="File holding a Fernet key (encryption).")

    def handle(self, *args: Any, out: Path, key: Path | None, **_: Any) -> None:
        try:
            manifest = backup_create(out=Path(out), key=Path(key) if key else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {out}"))
        for name, described in manifest.data["files"].items():
            self.stdout.write(f"  {name:<26} {described['bytes']:>14} octets")
        self.stdout.write(f"  chiffrée : {'oui' if manifest.encrypted else 'non'}")
