"""The survey's e-mails, sent after the transaction commits (never for a rolled-back write).

One function sends them all, so that the messages can move to an outbox without touching the
service. The token travels only in the message: the database keeps its hash.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


def send_invitations(*, title: str, introduction: str, links: Sequence[tuple[str, str]]) -> None:
    """E-mail each (address, token) its personal link once the invitations are committed."""
    if not links or _suppressed.get():
        return
    subject = settings.EMAIL_SUBJECT_PREFIX + _("Enquête de la filière : %(title)s") % {
        "title": title
    }

    def send() -> None:
        connection = get_connection()
        messages = [
            EmailMessage(
                subject=subject,
                body=_(
                    "Bonjour,\n\n%(introduction)s\n\nVotre lien personnel (une seule réponse, "
                    "anonyme dans les résultats) :\n%(url)s\n\nNe transférez pas ce message : "
                    "le lien vaut réponse en votre nom.\n"
                )
                % {"introduction": introduction or title, "url": respond_url(token)},
                to=[address],
                connection=connection,
            )
            for address, token in links
        ]
        try:
            connection.send_messages(messages)
        except OSError:
            # The invitations are committed; a relay outage must not turn them into an error.
            logger.exception("Survey e-mails not sent (%d message(s))", len(messages))

    transaction.on_commit(send)
