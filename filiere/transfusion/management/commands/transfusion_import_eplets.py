from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.access.actors import SYSTEM
from filiere.transfusion.services import eplets_import


class Command(BaseCommand):
    help = (
        "Load a class I eplet table (HLAMatchmaker, as tabulated by the hlaR package: "
        "MHC_I_eplet_v3.csv) for the donor ranking: among donors equally compatible, fewer "
        "mismatched eplets rank first. The same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Eplet CSV file (hlaR format).")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path} : fichier introuvable.")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name} : le fichier n'est pas en UTF-8.") from exc
        try:
            result = eplets_import(actor=SYSTEM, text=text, source=path.name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        release = result.release
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Table d'eplets {release.source} chargée : {release.alleles} allèles, "
                    f"{release.eplets} eplets."
                )
            )
        else:
            self.stdout.write(f"Table d'eplets {release.source} déjà chargée ({release}).")
