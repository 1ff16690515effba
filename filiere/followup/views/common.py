"""Helpers shared by the follow-up pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.network.models import Centre
from filiere.patients.models import CareEpisode, Patient


def apply_errors(form: forms.BaseForm, error: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's errors beside the form's fields (``aliases`` maps service → form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = aliases.get(field, field)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def writing_centres(user: User, patient: Patient) -> QuerySet[Centre]:
    """The user's centres where they may write and which follow the patient."""
    following = CareEpisode.objects.filter(patient=patient, centre=OuterRef("pk"))
    return Centre.objects.filter(
        Exists(following), pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).order_by("name")


def cleaned_without(form: forms.Form, *names: str) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in names}
