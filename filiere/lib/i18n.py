"""Marking the words of the pure packages for translation without importing Django.

``makemessages`` (xgettext) collects every string passed to a function named ``gettext_noop``,
whatever its module; the pure code keeps its French text, and the page translates it with
``django.utils.translation.gettext`` when it shows it.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged: the call only puts it in the translation catalogue."""
    return message
