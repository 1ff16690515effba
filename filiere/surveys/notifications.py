"""The survey's e-mails, recorded in the outbox (``jobs.services.outbox_add``) in the
transaction of the invitations and handed to the queue once it commits: a rolled-back write
sends nothing, a relay outage is retried by the worker.

The token travels only in the message: the invitation keeps its hash, and the outbox erases the
message's text once it is sent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.jobs.services import outbox_add, outbox_dispatch

KIND = "enquete.invitation"

_suppressed: ContextVar[bool] = ContextVar("surveys_mail_suppressed", default=False)


@contextlib.contextmanager
def mail_suppressed() -> Iterator[None]:
    """Invite without e-mailing anyone (the demo generator)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def respond_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:respond", args=[token])


def send_invitations(
    *, about: models.Model, title: str, introduction: str, links: Sequence[tuple[str, str]]
) -> None:
    """Queue one message per (address, token) with its personal link; sent after commit.

    No centre: the network coordinators follow their delivery.
    """
    if not links or _suppressed.get():
        return
    subject = _("Enquête de la filière : %(title)s") % {"title": title}
    ids = [
        outbox_add(
            kind=KIND,
            to=[address],
            subject=settings.EMAIL_SUBJECT_PREFIX + subject,
            body=_(
                "Bonjour,\n\n%(introduction)s\n\nVotre lien personnel (une seule réponse, "
                "anonyme dans les résultats) :\n%(url)s\n\nNe transférez pas ce message : "
                "le lien vaut réponse en votre nom.\n"
            )
            % {"introduction": introduction or title, "url": respond_url(token)},
            about=about,
        ).public_id
        for address, token in links
    ]
    transaction.on_commit(lambda: outbox_dispatch(ids))
