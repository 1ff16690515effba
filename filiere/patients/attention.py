"""The registry's counts on the home page (see ``filiere.core.attention``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.network.models import Role
from filiere.patients.models import Patient
from filiere.patients.selectors import open_duplicates_for


def duplicates_to_review(user: User, today: Today) -> Attention | None:
    return Attention(
        _("Doublons potentiels à examiner"),
        open_duplicates_for(user).count(),
        reverse("patients:duplicates"),
    )


def network_patients(user: User, today: Today) -> Attention | None:
    if not grants_for(user).is_network_wide(Capability.VIEW_STATISTICS):
        return None
    return Attention(
        _("Patients dans le registre"),
        Patient.objects.filter(merged_into__isnull=True).count(),
        reverse("network:centre_list"),
    )


def register_home_counts() -> None:
    register_attention(Role.DATA_MANAGER, "duplicates", duplicates_to_review, position=10)
    register_attention(Role.NETWORK_COORDINATOR, "patients", network_patients, position=10)
