"""Who acts: a signed-in user, or the network's own work.

Imports, the demo, scheduled recomputes and the steps a service takes on its own behalf act as
``SYSTEM``: an explicit actor, not a missing one. ``SYSTEM`` holds no capability (``grants_for``
gives it none), so a policy asked about it refuses; services that check a user's right skip the
check only for ``SYSTEM``, never for a forgotten actor. Its audit events carry no user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from filiere.accounts.models import User


class SystemActor:
    pk = None
    id = None
    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "Filière (système)"


SYSTEM: Final = SystemActor()

Actor: TypeAlias = "User | SystemActor"


def acting_user(actor: Actor | None) -> User | None:
    """The user behind ``actor``, for the columns that name one (``created_by``…): none for the
    system's work nor for an anonymous visitor."""
    if actor is None or isinstance(actor, SystemActor) or not actor.is_authenticated:
        return None
    return actor
