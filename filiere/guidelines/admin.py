"""Admin pages of the PNDS and the action plan: read only. Projects, groups, meetings, versions
and actions are written through the app's own pages, which go through the services (validation,
step history, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.guidelines.models import GuidelineProject, PlanAction


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GuidelineProject)
class GuidelineProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "target_date", "led_by_network", "other_network"]
    list_filter = ["status", "led_by_network"]
    search_fields = ["title", "other_network"]


@admin.register(PlanAction)
class PlanActionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "owner", "status", "due_date"]
    list_filter = ["status"]
    search_fields = ["number", "title", "working_group"]
