"""The follow-up module's counts on the home page (see ``filiere.core.attention``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.followup import selectors
from filiere.followup.models import CentreDue
from filiere.followup.observatory import ObservatoryFilters, off_label_treatments
from filiere.network.models import Role


def overdue_patients(user: User, today: Today) -> Attention | None:
    """Patients overdue for a visit at the clinician's centres, each counted once even when two
    of those centres follow them (the worklist's per-centre due dates)."""
    centre_ids = selectors.worklist_centre_ids(user) & today.centre_ids
    due = CentreDue.objects.filter(centre_id__in=centre_ids, next_due_on__lt=today.date)
    # A centre holds one due date per patient: counting distinct patients (a hash of every
    # overdue row, 20 ms for a centre of 30,000 patients) is needed across centres only.
    count = due.count() if len(centre_ids) <= 1 else due.values("schedule").distinct().count()
    return Attention(_("Patients en retard de suivi"), count, reverse("followup:worklist_home"))


def visits_to_complete(user: User, today: Today) -> Attention | None:
    """Visits recorded at the data manager's centres and flagged "à compléter"."""
    count = selectors.visits_to_complete(user).filter(centre_id__in=today.centre_ids).count()
    return Attention(_("Visites à compléter"), count, reverse("followup:visits_to_complete"))


def network_off_label_treatments(user: User, today: Today) -> Attention | None:
    if not grants_for(user).is_network_wide(Capability.OBSERVATORY):
        return None
    return Attention(
        _("Traitements hors AMM suivis"),
        off_label_treatments(ObservatoryFilters()).count(),
        reverse("followup:observatory"),
    )


def register_home_counts() -> None:
    register_attention(Role.CLINICIAN, "overdue", overdue_patients, position=10)
    register_attention(Role.DATA_MANAGER, "visits_to_complete", visits_to_complete, position=20)
    register_attention(
        Role.NETWORK_COORDINATOR, "off_label", network_off_label_treatments, position=40
    )
