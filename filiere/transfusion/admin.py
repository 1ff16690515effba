"""Read-only administration views: every write goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.transfusion.models import Donor, DonorImport


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DonorImport)
class DonorImportAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "source", "created", "updated", "imported_by")


@admin.register(Donor)
class DonorAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "region", "abo", "hla_a", "hla_b", "hla_c", "active")
    list_filter = ("region", "abo", "active")
    search_fields = ("external_id",)
