from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import Recomputed, instructions_recompute


class Command(BaseCommand):
    help = (
        "Run every valid transfusion instruction again on today's donor pool with the patient's "
        "latest serum and HLA typing (after a donor import or a new serum) and list those whose "
        "serum, typing or eligible donors changed. Saved instructions are not changed: a newer "
        "serum or typing shows them « à revoir » on the worklist."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        pool = current_pool()
        self.stdout.write(
            f"Fichier : {len(pool.index)} donneurs (chargé en {pool.load_seconds:.1f} s)"
        )
        summary = instructions_recompute(
            pool, on_progress=lambda done, total: self.stdout.write(f"  … {done}/{total}")
        )
        for result in summary.changed:
            self.stdout.write(_report(result))
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.recomputed} consigne(s) recalculée(s), "
                f"{len(summary.changed)} modifiée(s)."
            )
        )


def _report(result: Recomputed) -> str:
    instruction = result.instruction
    line = (
        f"  {instruction.patient.pseudonym} v{instruction.version} "
        f"({instruction.threshold} MFI) : {result.saved_eligible_nation} → "
        f"{result.eligible_nation} donneurs éligibles"
    )
    if result.newer_serum:
        line += (
            f" ; À REVOIR : sérum du {result.screen.serum_date:%d/%m/%Y} plus récent que celui "
            f"de la consigne ({instruction.serum_date:%d/%m/%Y})"
        )
        if result.added_unacceptable:
            line += f", nouveaux inacceptables : {', '.join(result.added_unacceptable)}"
    if result.newer_typing:
        line += f" ; À REVOIR : nouveau typage HLA du {result.typing.typed_on:%d/%m/%Y}"
    return line
