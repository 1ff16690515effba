"""The public pages' cache: the published directory, read once and kept until the next
publication (or ``TIMEOUT``, so that a change of a centre's address shows within minutes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

GENERATION_KEY = "directory:generation"
TIMEOUT = 600


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, timeout=None)
    return int(generation)


def directory_cached(name: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept in the cache under ``name`` until the next publication."""
    key = f"directory:{_generation()}:{name}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT)
    return found


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def directory_cache_clear() -> None:
    """Forget every cached public page: now, and again once the publication is committed (a
    reader between the two may have cached the old version)."""
    _bump()
    transaction.on_commit(_bump)
