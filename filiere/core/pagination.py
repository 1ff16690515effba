"""Bounded pagination, shared by the list pages and the API lists.

A page number comes from the query string: anything but a plain decimal number between 1 and
``MAX_PAGE`` is ignored on a page (the first page is shown) and refused in French by the API
(422 naming the parameter). Unbounded, a number such as 99999999999999999999 reached the
database as an OFFSET past 2**63 and ended in a 500; ``str.isdigit()`` also accepts « ² »,
which ``int()`` then refuses.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Query, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

# 10,000 pages of 50 rows: far past any list a user pages through, far below any overflow.
MAX_PAGE = 10_000
MAX_OFFSET = 1_000_000
MAX_LIMIT = 500

# The ``page`` parameter of an API list.
ApiPage = Annotated[
    int, Query(1, ge=1, le=MAX_PAGE, description=f"Numéro de page, de 1 à {MAX_PAGE}.")
]


def page_from_query(raw: str | None) -> int:
    """Return the page number asked in a query string, or 1 when it is not a valid one."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        return 1
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else 1


def page_slice(page: int, size: int, *, one_more: bool = False) -> slice:
    """The rows of page ``page`` (from 1); ``one_more`` adds the row that says a next exists."""
    start = (page - 1) * size
    return slice(start, start + size + (1 if one_more else 0))


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """django-ninja's limit/offset pagination with both numbers bounded."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_LIMIT,
            description=f"Nombre de lignes, de 1 à {MAX_LIMIT}.",
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"Lignes sautées, de 0 à {MAX_OFFSET}."
        )
