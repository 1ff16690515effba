from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.nomenclature.models import (
    DiseaseGroup,
    Gene,
    HpoFrenchLabel,
    Icd10Code,
    NomenclatureRelease,
    OrphaConcept,
    Transcript,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Nomenclatures change only through their import commands."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NomenclatureRelease)
class NomenclatureReleaseAdmin(ReadOnlyAdmin):
    list_display = ["system", "version", "source", "imported_at", "added", "updated", "obsoleted"]
    list_filter = ["system"]


@admin.register(OrphaConcept)
class OrphaConceptAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "name_fr", "kind", "is_obsolete"]
    list_filter = ["kind", "is_obsolete"]
    search_fields = ["=code", "name_en", "name_fr"]


@admin.register(Icd10Code)
class Icd10CodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label_fr", "label_en", "is_obsolete"]
    search_fields = ["code", "label_fr", "label_en"]


@admin.register(Gene)
class GeneAdmin(ReadOnlyAdmin):
    list_display = ["symbol", "hgnc_id", "ncbi_gene_id", "name", "is_obsolete"]
    search_fields = ["symbol", "name"]


@admin.register(HpoFrenchLabel)
class HpoFrenchLabelAdmin(ReadOnlyAdmin):
    list_display = ["hpo_id", "label", "is_obsolete"]
    list_filter = ["is_obsolete"]
    search_fields = ["=hpo_id", "label"]


@admin.register(Transcript)
class TranscriptAdmin(ReadOnlyAdmin):
    list_display = [
        "gene",
        "accession",
        "version",
        "mane_status",
        "cds_length",
        "protein_length",
        "last_release",
    ]
    list_filter = ["mane_status"]
    list_select_related = ["gene", "last_release"]
    search_fields = ["gene__symbol", "accession"]


@admin.register(DiseaseGroup)
class DiseaseGroupAdmin(ReadOnlyAdmin):
    list_display = ["position", "name", "slug", "icd10_prefixes"]
