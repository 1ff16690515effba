from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from filiere.accounts.backends import address_opens
from filiere.accounts.models import User


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset form, sending no reset link to an address added but never verified."""

    def clean_email(self) -> str:
        email = str(super().clean_email())
        users: list[Any] = getattr(self, "users", [])
        self.users = [user for user in users if address_opens(user, email)]
        return email


class ProfileForm(forms.ModelForm[User]):
    """What a user changes on her own profile; the RPPS is shown, set by an administrator."""

    class Meta:
        model = User
        fields = ["title", "first_name", "last_name", "specialty", "phone"]


class ApiTokenForm(forms.Form):
    """Name and scopes of a new token, confirmed by the password and, if any, a TOTP code.

    A token outlives the browser session that created it: whoever borrows an open session must
    not be able to mint one (ASVS v5.0.0-7.5.3).
    """

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Par exemple : script d'export du laboratoire."),
    )
    allows_write = forms.BooleanField(
        label=_("Écriture"),
        required=False,
        help_text=_("Sans cette case, le jeton ne peut que lire."),
    )
    allows_identity = forms.BooleanField(
        label=_("Identité des patients"),
        required=False,
        help_text=_("Nom, date de naissance et INS ; sans cette case, ils sont refusés au jeton."),
    )
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code de l'application d'authentification"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.totp = totp_of(user)
        if self.totp is None:
            del self.fields["code"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Through allauth, so that wrong passwords count towards the account's login limit.
        if not get_account_adapter(self.request).reauthenticate(self.user, password):
            raise forms.ValidationError(_("Mot de passe incorrect."), code="password")
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Checked only after the password: a code is single-use, a wrong password must not
        # spend it.
        if self.totp is not None and "password" in cleaned:
            code = str(cleaned.get("code", "")).strip()
            if not code or not TOTP(self.totp).validate_code(code):
                self.add_error("code", _("Code incorrect ou déjà utilisé."))
        return cleaned


def totp_of(user: User) -> Authenticator | None:
    """Return the user's TOTP authenticator when their login asks for it, else None."""
    if not get_mfa_adapter().is_mfa_enabled(user):
        return None
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
