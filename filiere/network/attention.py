"""The network's counts on the home page (see ``filiere.core.attention``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.network.models import Role
from filiere.network.selectors import centres_visible_to


def network_centres(user: User, today: Today) -> Attention | None:
    if not grants_for(user).is_network_wide(Capability.VIEW_STATISTICS):
        return None
    return Attention(
        _("Centres actifs"),
        centres_visible_to(user).filter(is_active=True).count(),
        reverse("network:centre_list"),
    )


def register_home_counts() -> None:
    register_attention(Role.NETWORK_COORDINATOR, "centres", network_centres, position=20)
