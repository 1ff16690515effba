"""Test personas: a clinician of centre A, an outsider of centre B, an auditor, a coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from filiere.accounts.models import User
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_centre, make_user


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` are skipped on SQLite, saying so."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)


@pytest.fixture
def centre_a(db: None) -> Centre:
    return make_centre(name="CRPP Marseille (A)", short_name="Centre A")


@pytest.fixture
def centre_b(db: None) -> Centre:
    return make_centre(name="CCMR Lille (B)", short_name="Centre B", city="Lille", region="32")


@pytest.fixture
def alice(centre_a: Centre) -> User:
    """A clinician of centre A."""
    user = make_user(email="alice@hopital.test", first_name="Alice", last_name="Durand")
    give_role(user, centre_a, Role.CLINICIAN)
    return user


@pytest.fixture
def charlie(centre_b: Centre) -> User:
    """A clinician of centre B: an outsider to everything of centre A."""
    user = make_user(email="charlie@hopital.test", first_name="Charlie", last_name="Bernard")
    give_role(user, centre_b, Role.CLINICIAN)
    return user


@pytest.fixture
def auditor(centre_a: Centre) -> User:
    user = make_user(email="audit@filiere.test", first_name="Paul", last_name="Roux")
    give_role(user, centre_a, Role.AUDITOR)
    return user


@pytest.fixture
def network_coordinator(centre_a: Centre) -> User:
    user = make_user(email="coord@filiere.test", first_name="Marc", last_name="Dubois")
    give_role(user, centre_a, Role.NETWORK_COORDINATOR)
    return user


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """Return a test client logged in as the given user (second factor already passed)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def nomenclature(db: None) -> None:
    """The network's seed ORPHA codes, a few HGNC genes and ICD-10 codes."""
    from filiere.testing.factories import load_test_nomenclature

    load_test_nomenclature()


@pytest.fixture
def patient_a(centre_a: Centre, nomenclature: None) -> object:
    """A patient followed by centre A only."""
    from filiere.testing.factories import make_patient

    return make_patient(centre_a, birth_name="Lefèvre", first_given_name="Élodie")


@pytest.fixture(autouse=True)
def _french_again_after_each_test() -> Iterator[None]:
    """A request in English leaves English active in the thread (LocaleMiddleware activates the
    language and nothing deactivates it): the next test would read English messages."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings: Settings, tmp_path: Path) -> None:
    """Uploaded files (case attachments…) go to a temporary directory, never to var/."""
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


from filiere.testing.national_check import national_check  # noqa: E402, F401 - a shared fixture


@pytest.fixture(autouse=True, scope="session")
def _test_flush_may_empty_the_audit_trail() -> Iterator[None]:
    """Transactional tests empty every table after them (on SQLite with DELETE, which the audit
    trigger refuses outside a purge): the flush, and only it, runs as one."""
    from django.core.management.commands import flush

    from filiere.audit.sqlite_guard import audit_delete_permitted

    original = flush.Command.handle

    def handle(self: flush.Command, *args: Any, **options: Any) -> None:
        with audit_delete_permitted():
            original(self, *args, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]
