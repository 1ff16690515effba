"""Helpers shared by the follow-up pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.network.models import Centre
from filiere.patients.models import CareEpisode, Patient


def writing_centres(user: User, patient: Patient) -> QuerySet[Centre]:
    """The user's centres where they may write and which follow the patient."""
    following = CareEpisode.objects.filter(patient=patient, centre=OuterRef("pk"))
    return Centre.objects.filter(
        Exists(following), pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).order_by("name")


def cleaned_without(form: forms.Form, *names: str) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in names}
