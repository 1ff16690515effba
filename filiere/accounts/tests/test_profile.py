"""The professional profile: RPPS validated, every change audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from filiere.accounts.models import User
from filiere.accounts.services import user_update_profile
from filiere.audit.models import AuditEvent
from filiere.lib.identifiers import luhn_key

pytestmark = pytest.mark.django_db


def test_rpps_with_a_bad_key_is_refused_in_french(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    body = "1000123456"
    bad = body + str((int(luhn_key(body)) + 1) % 10)
    response = client_for(alice).post(
        "/profil/",
        {
            "title": "dr",
            "first_name": "Alice",
            "last_name": "Durand",
            "specialty": "haematology",
            "rpps": bad,
            "phone": "",
        },
    )
    assert response.status_code == 200
    assert "Numéro RPPS invalide" in response.content.decode()
    alice.refresh_from_db()
    assert alice.rpps == ""
    assert not AuditEvent.objects.filter(action="update", object_id=str(alice.public_id)).exists()


def test_valid_rpps_is_saved_with_one_audit_event(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    body = "1000123456"
    good = body + luhn_key(body)
    response = client_for(alice).post(
        "/profil/",
        {
            "title": "dr",
            "first_name": "Alice",
            "last_name": "Durand",
            "specialty": "haematology",
            "rpps": good,
            "phone": "04 91 00 00 00",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.rpps == good
    event = AuditEvent.objects.get(action="update", object_id=str(alice.public_id))
    assert set(event.changes) == {"title", "specialty", "rpps", "phone"}


def test_unchanged_profile_writes_no_audit_event(alice: User) -> None:
    before = AuditEvent.objects.count()
    user_update_profile(actor=alice, user=alice, first_name=alice.first_name)
    assert AuditEvent.objects.count() == before


def test_model_validation_refuses_a_ten_digit_rpps(alice: User) -> None:
    alice.rpps = "1000123456"
    with pytest.raises(ValidationError) as excinfo:
        alice.full_clean()
    assert "rpps" in excinfo.value.message_dict
