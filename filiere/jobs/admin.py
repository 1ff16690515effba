"""Read-only administration: the IT team sees every job (a stuck one, a failed one); jobs change
only through their services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from filiere.jobs.models import Job, OutgoingMail


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = [
        "kind",
        "status",
        "done",
        "total",
        "centre",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin[OutgoingMail]):
    """The outbox as the IT team reads it; coordinators resend from « Messages non remis »."""

    list_display = ["subject", "kind", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["body"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
