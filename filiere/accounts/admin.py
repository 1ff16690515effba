"""Admin pages for accounts; creation, profile changes and deactivation go through services."""

from __future__ import annotations

from typing import Any

# Imported first so that its registration exists to be replaced below.
import allauth.mfa.admin  # noqa: F401
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from filiere.accounts.models import ApiToken, User
from filiere.accounts.services import user_create, user_update_access, user_update_profile

PROFILE = ["title", "first_name", "last_name", "specialty", "rpps", "phone"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "last_name", "first_name", "specialty", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "specialty", "is_demo"]
    search_fields = ["email", "last_name", "first_name", "rpps"]
    ordering = ["last_name", "first_name"]
    fields = ["email", *PROFILE, "is_active", "is_staff", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The e-mail is the login: it is set at creation and changed only by the user's own flow.
        return [*self.readonly_fields, "email"] if obj else list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        actor: User = request.user  # type: ignore[assignment]
        data = form.cleaned_data
        if not change:
            saved = user_create(
                actor=actor,
                email=data["email"],
                **{name: data[name] for name in PROFILE if name in data},
                is_staff=data.get("is_staff", False),
            )
            obj.pk, obj.public_id = saved.pk, saved.public_id
            obj._state.adding = False
            return
        current = User.objects.get(pk=obj.pk)
        profile = {name: data[name] for name in form.changed_data if name in PROFILE}
        if profile:
            user_update_profile(actor=actor, user=current, **profile)
        if {"is_active", "is_staff"} & set(form.changed_data):
            user_update_access(
                actor=actor, user=current, is_active=data["is_active"], is_staff=data["is_staff"]
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail refers to them


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    search_fields = ["user__email", "name"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = list(readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    """Who has which second factor; never its secret (the ``data`` column is not shown)."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
