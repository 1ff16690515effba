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
from filiere.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _valid_rpps(body: str = "1000123456") -> str:
    return body + luhn_key(body)


def test_a_user_cannot_change_her_own_rpps_from_her_profile(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    # Pro Santé Connect finds the account by its RPPS: a self-declared number would let a user
    # claim a colleague's card.
    response = client_for(alice).post(
        "/profil/",
        {
            "title": "dr",
            "first_name": "Alice",
            "last_name": "Durand",
            "specialty": "haematology",
            "rpps": _valid_rpps(),
            "phone": "04 91 00 00 00",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.rpps == ""
    assert alice.phone == "04 91 00 00 00"
    event = AuditEvent.objects.get(action="update", object_id=str(alice.public_id))
    assert set(event.changes) == {"title", "specialty", "phone"}


def test_the_profile_page_shows_the_rpps_read_only(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    User.objects.filter(pk=alice.pk).update(rpps=_valid_rpps())
    page = client_for(alice).get("/profil/").content.decode()
    assert _valid_rpps() in page
    assert 'name="rpps"' not in page


def test_the_service_refuses_a_self_change_of_rpps_in_french(alice: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        user_update_profile(actor=alice, user=alice, rpps=_valid_rpps(), phone="01 02")
    assert "administrateur" in excinfo.value.message_dict["rpps"][0]
    alice.refresh_from_db()
    assert (alice.rpps, alice.phone) == ("", "")
    assert not AuditEvent.objects.filter(action="update", object_id=str(alice.public_id)).exists()


def test_an_administrator_sets_a_valid_rpps_with_one_audit_event(alice: User) -> None:
    admin = make_user(email="admin@filiere.test", is_staff=True)
    user_update_profile(actor=admin, user=alice, rpps=_valid_rpps())
    alice.refresh_from_db()
    assert alice.rpps == _valid_rpps()
    event = AuditEvent.objects.get(action="update", object_id=str(alice.public_id))
    assert set(event.changes) == {"rpps"}
    assert event.actor_id == admin.pk


def test_an_rpps_with_a_bad_key_is_refused_in_french_even_to_an_administrator(
    alice: User,
) -> None:
    admin = make_user(email="admin@filiere.test", is_staff=True)
    body = "1000123456"
    bad = body + str((int(luhn_key(body)) + 1) % 10)
    with pytest.raises(ValidationError) as excinfo:
        user_update_profile(actor=admin, user=alice, rpps=bad)
    assert "Numéro RPPS invalide" in str(excinfo.value.message_dict["rpps"])
    alice.refresh_from_db()
    assert alice.rpps == ""


def test_the_administration_page_sets_the_rpps(
    alice: User, client_for: Callable[[User], Client]
) -> None:
    admin = make_user(email="admin@filiere.test", is_staff=True)
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    admin.refresh_from_db()
    response = client_for(admin).post(
        f"/gestion/accounts/user/{alice.pk}/change/",
        {
            "title": alice.title,
            "first_name": alice.first_name,
            "last_name": alice.last_name,
            "specialty": alice.specialty,
            "rpps": _valid_rpps(),
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.rpps == _valid_rpps()


def test_unchanged_profile_writes_no_audit_event(alice: User) -> None:
    before = AuditEvent.objects.count()
    user_update_profile(actor=alice, user=alice, first_name=alice.first_name)
    assert AuditEvent.objects.count() == before


def test_model_validation_refuses_a_ten_digit_rpps(alice: User) -> None:
    alice.rpps = "1000123456"
    with pytest.raises(ValidationError) as excinfo:
        alice.full_clean()
    assert "rpps" in excinfo.value.message_dict
