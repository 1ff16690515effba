"""The transfusion module's counts on the home page (see ``filiere.core.attention``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.network.models import Role
from filiere.patients.selectors import patients_visible_for_transfusion
from filiere.transfusion.models import AntibodyScreen
from filiere.transfusion.selectors import worklist

# A serum recorded within this many days is "new" for the transfusion specialist.
NEW_SERUM_DAYS = 14


def refractory_patients(user: User, today: Today) -> Attention | None:
    """Patients of the specialist's region in a refractoriness alert.

    The alert is a clinical rule computed from each transfusion's increments
    (``filiere.clinical.transfusion``), not a stored column: the count reuses the worklist's
    assessment (a fixed number of queries) rather than a second implementation in SQL.
    """
    count = sum(1 for row in worklist(user) if row.refractoriness.alert)
    return Attention(_("Patients en état réfractaire"), count, reverse("transfusion:worklist"))


def new_sera(user: User, today: Today) -> Attention | None:
    """Antibody screens recorded in the last 14 days for the patients the specialist follows."""
    since = today.now - dt.timedelta(days=NEW_SERUM_DAYS)
    count = AntibodyScreen.objects.filter(
        patient__in=patients_visible_for_transfusion(user), recorded_at__gte=since
    ).count()
    return Attention(
        _("Nouveaux sérums (anticorps anti-HLA, 14 derniers jours)"),
        count,
        reverse("transfusion:worklist"),
    )


def register_home_counts() -> None:
    register_attention(Role.TRANSFUSION_SPECIALIST, "refractory", refractory_patients, position=10)
    register_attention(Role.TRANSFUSION_SPECIALIST, "new_sera", new_sera, position=20)
