"""Demo nomenclature: hpo3's ORPHA names and genes, the HPO's French labels when the shared
data is there, and the network's disease groups."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.nomenclature.models import DiseaseGroup
from filiere.nomenclature.services import (
    disease_group_save,
    hpo_french_import_folder,
    nomenclature_bootstrap,
)

# The network's disease groups and the ORPHA codes at their roots (network configuration, which
# a network coordinator may change; the first matching group wins).
DEFAULT_GROUPS = (
    ("thrombopenies", "Thrombopénies constitutionnelles", (275729,), ""),
    ("thrombopathies", "Thrombopathies", (275736,), "D69.1"),
    ("hemophilie-a", "Hémophilie A", (98878,), "D66"),
    ("hemophilie-b", "Hémophilie B", (98879,), "D67"),
    ("willebrand", "Maladie de Willebrand", (903,), "D68.0"),
    ("deficits-rares", "Déficits rares en facteurs", (68334,), "D68.2"),
    ("autres", "Autres", (616874,), ""),
)


def build(ctx: DemoContext) -> None:
    for result in nomenclature_bootstrap():
        if not result.skipped and result.release is not None:
            ctx.report(f"Nomenclature : {result.release} ({result.release.added} codes).")
    _hpo_french(ctx)
    for position, (slug, name, roots, icd10) in enumerate(DEFAULT_GROUPS):
        if DiseaseGroup.objects.filter(slug=slug).exists():
            continue
        disease_group_save(
            actor=SYSTEM,
            slug=slug,
            name=name,
            position=position,
            orpha_codes=roots,
            icd10_prefixes=icd10,
        )


def hpo_french_folder() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "nomenclature" / "hpo-fr"


def _hpo_french(ctx: DemoContext) -> None:
    """Load the HPO's French labels when the shared data is there (a fresh clone shows English)."""
    folder = hpo_french_folder()
    if not folder.is_dir():
        return
    result = hpo_french_import_folder(actor=SYSTEM, folder=folder)
    if not result.skipped and result.release is not None:
        ctx.report(f"Nomenclature : {result.release} ({result.release.added} libellés).")
