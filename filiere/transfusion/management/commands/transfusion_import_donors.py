from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.access.actors import SYSTEM
from filiere.hla.donors import DonorFileError, read_donors_csv
from filiere.transfusion.domain import allele_catalogue
from filiere.transfusion.services import donors_import


class Command(BaseCommand):
    help = (
        "Import the HLA-typed donor file of the blood establishment (CSV, format in the README: "
        "id, region, abo, hla_a, hla_b, and optional columns). Donors are matched on their id; "
        "a bad line stops the import before anything is written. Then run "
        "`filiere transfusion_recompute`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Donor CSV file.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path} : fichier introuvable.")
        try:
            donors = read_donors_csv(path, catalogue=allele_catalogue())
        except DonorFileError as exc:
            raise CommandError(str(exc)) from exc
        load = donors_import(actor=SYSTEM, donors=donors, source=path.name)
        self.stdout.write(
            self.style.SUCCESS(f"{len(donors)} donneur(s) importé(s) depuis {path.name} ({load}).")
        )
