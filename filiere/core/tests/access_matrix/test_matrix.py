"""The access matrix: every page and API route × one persona per role × objects of 3 centres.

Expected outcomes are in expectations.py (OWASP ASVS v5.0.0-8.1.1, 8.2.2, 8.4.1). A refused
POST must leave the database as it was: no row added or removed in the route's app, and no
audit event other than a read or a refusal.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from filiere.api import api
from filiere.audit.models import AuditEvent
from filiere.core.tests.access_matrix.expectations import (
    API,
    API_OBJECTS,
    KNOWN_DEFECTS,
    PAGES,
    POST_DATA,
    Expect,
)
from filiere.core.tests.access_matrix.routes import PAGE_OBJECTS
from filiere.core.tests.access_matrix.world import ANONYMOUS, CENTRES, PERSONAS, World
from filiere.core.tests.test_access_matrix import PERSONAL_ROUTES, PUBLIC_PAGES, our_patterns

pytestmark = pytest.mark.django_db

PATTERNS = {name: route for name, route, _ in our_patterns()}
NOT_IN_MATRIX = PUBLIC_PAGES | PERSONAL_ROUTES | {"admin:login"}
# Audit actions that record a read or a refusal, never a change.
NOT_WRITES = [
    AuditEvent.Action.VIEW,
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.PRINT,
    AuditEvent.Action.ACCESS_DENIED,
    AuditEvent.Action.REFUSED,
]
Cell = tuple[str, str]  # (centre, method)


def test_every_route_has_an_expectation() -> None:
    """A new route fails here, by name, until its row is added to the matrix's tables."""
    routes = set(PATTERNS) - NOT_IN_MATRIX
    assert not routes - set(PAGES), f"add to expectations.PAGES: {sorted(routes - set(PAGES))}"
    no_object = routes - set(PAGE_OBJECTS)
    assert not no_object, f"add to routes.PAGE_OBJECTS: {sorted(no_object)}"
    paths = {path for path, ops in api.get_openapi_schema()["paths"].items() if "get" in ops}
    assert not paths - set(API), f"add to expectations.API: {sorted(paths - set(API))}"
    assert not set(PAGES) - set(PATTERNS), "expectations.PAGES names a route that is gone"


def _page_url(world: World, name: str, centre: str) -> str:
    obj = PAGE_OBJECTS[name]
    if obj is None:
        return reverse(name)
    values = world.objects[centre][obj]
    names = re.findall(r"<(?:\w+:)?(\w+)>", PATTERNS[name])
    return reverse(name, kwargs={key: values[key] for key in names})


def _centres(name: str) -> tuple[str, ...]:
    return CENTRES if PAGE_OBJECTS.get(name) or API_OBJECTS.get(name) else ("A",)


def _allowed(expect: Expect, who: frozenset[str] | None, persona: str, centre: str) -> bool:
    if who is None:
        return False
    return persona in expect.everywhere or (persona in who and centre == "A")


def _page_outcome(response: Any, persona: str, allowed: bool, expect: Expect, method: str) -> str:
    """Return '' when the response is the expected one, else what was wrong."""
    status = response.status_code
    login = status == 302 and response["Location"].startswith("/accounts/login/")
    if method == "GET" and expect.post_only:
        # A wrong method: 405 (or the login page first, for the anonymous visitor).
        ok = status == 405 or (persona == ANONYMOUS and login)
        return "" if ok else f"{status} instead of 405"
    if persona == ANONYMOUS:
        return "" if login else f"{status} instead of the login redirect"
    if persona in expect.redirected:
        return "" if status == 302 and not login else f"{status} instead of a redirect"
    if allowed:
        bad = status >= 400 or (status == 302 and "/accounts/login/" in response["Location"])
        return f"{status}: refused to an allowed persona" if bad else ""
    return "" if status == expect.refused else f"{status} instead of {expect.refused}"


def _app_rows(name: str) -> int:
    try:
        config = apps.get_app_config(name.split(":")[0])
    except LookupError:
        return 0
    return sum(model._default_manager.count() for model in config.get_models())


def _writes() -> int:
    return AuditEvent.objects.exclude(action__in=NOT_WRITES).count()


def _finish(route: str, persona: str, wrong: dict[Cell, str]) -> None:
    """Fail on an unexpected cell; turn a known defect into a strict expected failure."""
    known, defect = KNOWN_DEFECTS.get((route, persona), (set(), ""))
    unexpected = {cell: why for cell, why in wrong.items() if cell not in known}
    assert not unexpected, f"{route} as {persona}: {unexpected}"
    if known:
        still = known & set(wrong)
        assert still == known, f"{route} as {persona}: fixed {known - still}, update KNOWN_DEFECTS"
        pytest.xfail(f"known defect: {defect}")


def _client(world: World, persona: str) -> Client:
    return world.clients[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(PAGES))
def test_page(route: str, persona: str, world: World) -> None:
    expect = PAGES[route]
    client = _client(world, persona)
    wrong: dict[Cell, str] = {}
    for centre in _centres(route):
        url = _page_url(world, route, centre)
        response = client.get(url)
        allowed = _allowed(expect, expect.get, persona, centre)
        if problem := _page_outcome(response, persona, allowed, expect, "GET"):
            wrong[(centre, "GET")] = problem
        if expect.post is None:
            continue
        allowed = _allowed(expect, expect.post, persona, centre)
        before = (_app_rows(route), _writes())
        response = client.post(url, POST_DATA.get(route, {}))
        if problem := _page_outcome(response, persona, allowed, expect, "POST"):
            wrong[(centre, "POST")] = problem
        if not allowed and (_app_rows(route), _writes()) != before:
            wrong[(centre, "POST")] = f"{response.status_code} and the database changed"
    _finish(route, persona, wrong)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", sorted(API))
def test_api_read(path: str, persona: str, world: World) -> None:
    expect = API[path]
    client = world.api_clients[persona]
    wrong: dict[Cell, str] = {}
    for centre in _centres(path):
        obj = API_OBJECTS.get(path)
        url = path.format(**world.objects[centre][obj]) if obj else path
        status = client.get(url).status_code
        if persona == ANONYMOUS:
            expected = 401
        elif _allowed(expect, expect.get, persona, centre):
            expected = 200
        else:
            expected = expect.refused
        if status != expected:
            wrong[(centre, "GET")] = f"{status} instead of {expected}"
    _finish(path, persona, wrong)
