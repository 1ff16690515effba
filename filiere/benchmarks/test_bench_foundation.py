"""The foundation's hot paths: a user's rights, the home page, the audit log page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filiere.access import forget_grants, grants_for
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.network.models import Role
from filiere.testing.factories import give_role, make_centre, make_user

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


@pytest.fixture
def busy_user(bench_size: int) -> User:
    """A user with roles at many centres (a data manager of a whole region, say)."""
    user = make_user(email="busy@hopital.test")
    for index in range(min(bench_size, 200)):
        give_role(user, make_centre(name=f"Centre {index}"), Role.DATA_MANAGER)
    return user


def test_bench_grants_for_a_user_of_many_centres(benchmark: Any, busy_user: User) -> None:
    def compute() -> int:
        forget_grants(busy_user)
        return len(grants_for(busy_user).member_centre_ids)

    assert benchmark(compute) == min(int(busy_user.memberships.count()), 200)


def test_bench_home_page(benchmark: Any, busy_user: User) -> None:
    client = Client()
    client.force_login(busy_user)
    response = benchmark(client.get, "/")
    assert response.status_code == 200


def test_bench_audit_log_first_page(benchmark: Any, bench_size: int) -> None:
    centre = make_centre()
    auditor = make_user(email="auditeur@hopital.test")
    give_role(auditor, centre, Role.AUDITOR)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(action=AuditEvent.Action.VIEW, object_type="bench")
            for _ in range(bench_size * 10)
        ]
    )
    audit_record(actor=auditor, action=AuditEvent.Action.VIEW, summary="repère")
    client = Client()
    client.force_login(auditor)
    response = benchmark(client.get, "/audit/")
    assert response.status_code == 200
    assert "repère" in response.content.decode()
