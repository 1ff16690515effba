"""What needs attention today: the home page's counts, one block per role the user holds.

Each module registers its items in its ``AppConfig.ready()`` (as the patient-page panels do), so
that the home page stays unaware of the modules. An item's function gets the reader and the ids
of the centres where the reader holds the block's role, computes its count with one query through
the module's own selectors (never across centres the reader does not belong to), and returns None
when the item does not apply to the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise

from filiere.access import grants_for
from filiere.accounts.models import User
from filiere.network.models import Role


@dataclass(frozen=True)
class Attention:
    """One count of the home page, with the page where the user deals with it."""

    label: str | Promise
    count: int
    url: str
    when: dt.datetime | None = None  # e.g. the next meeting's start, shown beside the count
    detail: str | Promise = ""


@dataclass(frozen=True)
class Today:
    """The reader's situation: the centres where they hold the block's role, and the moment."""

    centre_ids: frozenset[int]
    now: dt.datetime

    @property
    def date(self) -> dt.date:
        return timezone.localdate(self.now)


ItemFunction = Callable[[User, Today], Attention | None]


@dataclass(frozen=True)
class Item:
    role: str
    key: str
    compute: ItemFunction
    position: int


@dataclass(frozen=True)
class Block:
    role: str
    label: str | Promise
    items: list[Attention] = field(default_factory=list)


_items: list[Item] = []


def register_attention(role: str, key: str, compute: ItemFunction, position: int = 50) -> None:
    """Add an item to the block of ``role`` (registering the same key twice keeps the first)."""
    if any(item.role == role and item.key == key for item in _items):
        return
    _items.append(Item(role, key, compute, position))
    _items.sort(key=lambda item: item.position)


def attention_for(user: User, now: dt.datetime | None = None) -> list[Block]:
    """Return a block for each role the user holds that has items, in the roles' order."""
    moment = now or timezone.now()
    centres_by_role: dict[str, set[int]] = {}
    for centre_id, roles in grants_for(user).roles_by_centre.items():
        for role in roles:
            centres_by_role.setdefault(role, set()).add(centre_id)
    blocks = []
    for role in Role:
        if role.value not in centres_by_role:
            continue
        today = Today(frozenset(centres_by_role[role.value]), moment)
        shown = [
            attention
            for item in _items
            if item.role == role.value and (attention := item.compute(user, today)) is not None
        ]
        if shown:
            blocks.append(Block(role.value, role.label, shown))
    return blocks
