"""Read-only administration views: every write goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filiere.meetings.models import Meeting, MeetingSeries, SeriesMember


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ("name", "centre", "minimum_specialties", "is_active")


@admin.register(SeriesMember)
class SeriesMemberAdmin(ReadOnlyAdmin):
    list_display = ("series", "user", "role")
    list_filter = ("role",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    # Case requests are patient records: they stay out of the administration pages.
    list_display = ("series", "starts_at", "kind", "status")
    list_filter = ("kind", "status")
