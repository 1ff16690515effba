"""Read-only administration: follow-up data changes only through its services (pages, API,
commands), which validate and audit every write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.followup.models import AtcCode, DoseRange, FollowUpRule


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DoseRangeInline(admin.TabularInline[DoseRange, AtcCode]):
    model = DoseRange
    readonly_fields = ["route", "unit", "usual_low", "usual_high", "lowest", "highest"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AtcCode)
class AtcCodeAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "label",
        "treatment_class",
        "routes",
        "is_obsolete",
        "source",
        "imported_at",
    ]
    list_filter = ["treatment_class", "is_obsolete"]
    search_fields = ["code", "label"]
    inlines = [DoseRangeInline]


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(ReadOnlyAdmin):
    list_display = ["disease_group", "severity", "interval_months", "note", "updated_at"]
