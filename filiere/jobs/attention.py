"""The undelivered e-mails on the home page (see ``filiere.core.attention``): shown only when
some are waiting, to the RCP coordinators (their centres' messages) and the network
coordinators (all)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.jobs.selectors import undelivered_mail
from filiere.network.models import Role


def _attention(count: int) -> Attention | None:
    if not count:
        return None
    return Attention(_("Messages non remis"), count, reverse("jobs:undelivered_mail"))


def centre_mail_undelivered(user: User, today: Today) -> Attention | None:
    """The messages of the centres where the user coordinates RCPs that have not left."""
    mails = undelivered_mail(user, now=today.now).filter(centre_id__in=today.centre_ids)
    return _attention(mails.count())


def network_mail_undelivered(user: User, today: Today) -> Attention | None:
    """Every message of the network that has not left."""
    return _attention(undelivered_mail(user, now=today.now).count())


def register() -> None:
    register_attention(Role.RCP_COORDINATOR, "mail_undelivered", centre_mail_undelivered, 90)
    register_attention(Role.NETWORK_COORDINATOR, "mail_undelivered", network_mail_undelivered, 90)
