"""E-mail backends that stand in for the relay (MSSanté) in the tests: one that is down, one
whose worker dies in the middle of a batch. Messages accepted go to Django's test outbox."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend

# A message whose subject holds this is the one the worker dies on.
FATAL = "[meurt]"


class RelayDown(EmailBackend):
    """The relay refuses the connection, as a stopped SMTP server does."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError(111, "Connection refused")


class WorkerKilled(BaseException):
    """The worker stops (SIGKILL, out of memory): nothing after the raise runs, no handler of
    ``Exception`` catches it."""


class DiesOnFatal(EmailBackend):
    """Accepts messages, but the worker dies while sending the one marked ``FATAL``, before the
    relay got it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if any(FATAL in message.subject for message in email_messages):
            raise WorkerKilled
        return super().send_messages(email_messages)


class SlowRelay(EmailBackend):
    """A relay that takes its time to answer: two workers handed the same message overlap."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        import time

        time.sleep(0.5)
        return super().send_messages(email_messages)
