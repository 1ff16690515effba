"""The registrants' e-mails, recorded in the outbox (``jobs.services.outbox_add``) in the
transaction of the registration and handed to the queue once it commits: a rolled-back
registration sends nothing. The personal link's token travels only in the message."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filiere.events.models import Event, Registration
from filiere.jobs.services import outbox_add, outbox_dispatch

CONFIRMATION = "evenement.inscription"
PROMOTION = "evenement.place_liberee"

_suppressed: ContextVar[bool] = ContextVar("events_mail_suppressed", default=False)


@contextlib.contextmanager
def mail_suppressed() -> Iterator[None]:
    """Register without e-mailing anyone (the demo generator)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def personal_url(token: str) -> str:
    return settings.SITE_URL + reverse("events:registration", args=[token])


def when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    return date_format(start, "d/m/Y") + " " + start.strftime("%H:%M")


def send_confirmation(registration: Registration, token: str, *, position: int | None) -> None:
    """Tell the registrant she has a seat, or her rank on the waiting list, with her link."""
    if _suppressed.get():
        return
    event = registration.event
    if position is None:
        state = _("Votre place est confirmée.")
    else:
        state = _(
            "L'événement est complet : vous êtes en position %(position)d sur la liste "
            "d'attente. Vous recevrez un e-mail si une place se libère."
        ) % {"position": position}
    mail = outbox_add(
        kind=CONFIRMATION,
        to=[registration.email],
        subject=settings.EMAIL_SUBJECT_PREFIX
        + _("Inscription : %(title)s") % {"title": event.title},
        body=_(
            "Bonjour,\n\nNous avons bien reçu votre inscription à « %(title)s » (%(when)s).\n"
            "%(state)s\n\nVotre lien personnel (annuler, télécharger votre attestation) :\n"
            "%(url)s\n\nNe transférez pas ce message : le lien vaut inscription à votre nom.\n"
        )
        % {"title": event.title, "when": when(event), "state": state, "url": personal_url(token)},
        about=event,
        centre=event.centre,
    )
    transaction.on_commit(lambda: outbox_dispatch([mail.public_id]))


def send_promotion(registration: Registration) -> None:
    """Tell the first of the waiting list that a seat was freed for her."""
    if _suppressed.get():
        return
    event = registration.event
    mail = outbox_add(
        kind=PROMOTION,
        to=[registration.email],
        subject=settings.EMAIL_SUBJECT_PREFIX
        + _("Une place s'est libérée : %(title)s") % {"title": event.title},
        body=_(
            "Bonjour,\n\nUne place s'est libérée pour « %(title)s » (%(when)s) : votre "
            "inscription est confirmée.\nPour annuler, utilisez le lien personnel reçu lors de "
            "votre inscription.\n"
        )
        % {"title": event.title, "when": when(event)},
        about=event,
        centre=event.centre,
    )
    transaction.on_commit(lambda: outbox_dispatch([mail.public_id]))
