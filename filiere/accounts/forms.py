from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["title", "first_name", "last_name", "specialty", "rpps", "phone"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Par exemple : script d'export du laboratoire."),
    )
