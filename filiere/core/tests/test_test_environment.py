"""The test suite keeps Django's guard against ORM calls from async code outside browser tests
(Playwright's event loop is the only reason to lift it, for the browser's lifetime)."""

from __future__ import annotations

import asyncio
import os

import pytest
from django.core.exceptions import SynchronousOnlyOperation

from filiere.accounts.models import User


def test_async_unsafe_calls_are_not_allowed_outside_browser_tests() -> None:
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ


@pytest.mark.django_db
def test_an_orm_call_from_a_coroutine_is_refused() -> None:
    async def count_users() -> int:
        return User.objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count_users())
