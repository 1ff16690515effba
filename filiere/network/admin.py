"""Admin pages for centres and memberships; every save goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from filiere.network.models import Centre, Membership
from filiere.network.services import (
    CENTRE_FIELDS,
    centre_create,
    centre_update,
    membership_grant,
    membership_revoke,
)


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin[Centre]):
    list_display = ["name", "kind", "finess", "city", "region", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "short_name", "finess", "city"]
    fields = list(CENTRE_FIELDS)
    autocomplete_fields = ["parent"]

    def save_model(
        self, request: HttpRequest, obj: Centre, form: ModelForm[Centre], change: bool
    ) -> None:
        if change:
            current = Centre.objects.get(pk=obj.pk)
            values = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = centre_update(actor=request.user, centre=current, **values)  # type: ignore[arg-type]
        else:
            values = {
                name: form.cleaned_data[name] for name in CENTRE_FIELDS if name in form.cleaned_data
            }
            saved = centre_create(actor=request.user, **values)  # type: ignore[arg-type]
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Centres are deactivated, never deleted: patients' histories refer to them.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role", "centre"]
    search_fields = ["user__email", "user__last_name", "centre__name"]
    autocomplete_fields = ["user", "centre"]
    fields = ["user", "centre", "role"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a role is granted or withdrawn, not edited

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        saved = membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=form.cleaned_data["user"],
            centre=form.cleaned_data["centre"],
            role=form.cleaned_data["role"],
        )
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            membership_revoke(actor=request.user, membership=membership)  # type: ignore[arg-type]
