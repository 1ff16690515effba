"""Admin pages of the directory: read only. Drafts are written and published through the
directory's own pages, which go through the services (validation, audit, cache)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.directory.models import CentreProfile, DiagnosticTest


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CentreProfile)
class CentreProfileAdmin(ReadOnlyAdmin):
    list_display = ["centre", "updated_at", "published_at"]
    search_fields = ["centre__name", "centre__city"]


@admin.register(DiagnosticTest)
class DiagnosticTestAdmin(ReadOnlyAdmin):
    list_display = ["name", "laboratory", "laboratory_name", "updated_at", "published_at"]
    search_fields = ["name", "laboratory__name", "laboratory_name"]
