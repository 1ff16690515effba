from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.access.actors import SYSTEM
from filiere.nomenclature import services, sources


class Command(BaseCommand):
    help = (
        "Import nomenclatures. "
        "import-orphanet PATH…: Orphadata XML (product 1, 3, 6) or the network's ORPHA TSV; "
        "import-genes PATH: gene TSV (column 'gene'); import-icd10 PATH: ICD-10 TSV; "
        "import-hpo-fr DIR: the HPO's French translation (hp-fr-preprocessed.babelon.tsv and "
        "hp-fr.synonyms.tsv); "
        "import-transcripts PATH: NCBI's MANE summary (MANE.GRCh38.v1.x.summary.txt[.gz]); "
        "bootstrap: the ORPHA names and genes shipped by hpo3, the network's group codes and "
        "the main genes' MANE transcripts. "
        "Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=[
                "import-orphanet",
                "import-genes",
                "import-icd10",
                "import-hpo-fr",
                "import-transcripts",
                "bootstrap",
            ],
        )
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args: Any, action: str, paths: list[Path], **options: Any) -> None:
        if action == "bootstrap":
            for result in services.nomenclature_bootstrap():
                self._report(result)
            return
        if not paths:
            raise CommandError("Indiquez au moins un fichier.")
        if action == "import-hpo-fr":
            for folder in paths:
                if not folder.is_dir():
                    raise CommandError(f"{folder} : dossier introuvable.")
                try:
                    result = services.hpo_french_import_folder(actor=SYSTEM, folder=folder)
                except sources.NomenclatureFileError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"{folder.name} : ", ending="")
                self._report(result)
            return
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path} : fichier introuvable.")
            try:
                if action == "import-orphanet":
                    result = services.orpha_import_file(actor=SYSTEM, path=path)
                elif action == "import-transcripts":
                    result = services.transcript_import_file(actor=SYSTEM, path=path)
                elif action == "import-genes":
                    result = services.gene_import_records(
                        actor=SYSTEM,
                        genes=sources.read_gene_tsv(path),
                        version=path.name,
                        checksum=services.file_checksum(path),
                    )
                else:
                    result = services.icd10_import_records(
                        actor=SYSTEM,
                        codes=sources.read_icd10_tsv(path),
                        version=path.name,
                        checksum=services.file_checksum(path),
                    )
            except sources.NomenclatureFileError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path.name} : ", ending="")
            self._report(result)

    def _report(self, result: services.ImportResult) -> None:
        release = result.release
        if result.skipped or release is None:
            self.stdout.write(self.style.WARNING(result.message + " Rien n'a changé."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{release} : {release.added} ajoutés, {release.updated} modifiés, "
                f"{release.obsoleted} devenus obsolètes."
            )
        )
