"""The forms that record a transfusion, an HLA typing and an antibody screen (CSV upload)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.testing.factories import with_form_token
from filiere.transfusion.models import (
    AntibodyBead,
    AntibodyScreen,
    HlaTyping,
    Transfusion,
    TransfusionProfile,
)
from filiere.transfusion.tests.factories import SERUM_CSV

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
ROUTES = ("transfusion:transfusion_add", "transfusion:typing_add", "transfusion:screen_add")


def _url(name: str, patient: Any) -> str:
    return reverse(name, kwargs={"public_id": patient.public_id})


def test_alice_records_a_transfusion(alice: User, patient: Any, client_for: Login) -> None:
    response = client_for(alice).post(
        _url("transfusion:transfusion_add", patient),
        with_form_token(
            {
                "ended_at": (timezone.localtime() - dt.timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "product_type": "CPA",
                "label_dose_e11": "3,8",
                "abo_relation": "identical",
                "storage_hours": "40",
                "weight_kg": "62",
                "height_cm": "165",
                "pre_count": "9",
                "post_1_minutes": "45",
                "post_1_count": "38",
                "post_2_minutes": "1200",
                "post_2_count": "27",
            }
        ),
    )
    assert response.status_code == 302
    transfusion = Transfusion.objects.get()
    assert transfusion.recorded_by == alice
    assert transfusion.post_counts.count() == 2
    assert not transfusion.bleeding


def test_the_form_records_bleeding_and_splenomegaly_at_the_time(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Issue 11: the non-immune causes that make the CCI uninterpretable are recorded."""
    response = client_for(alice).post(
        _url("transfusion:transfusion_add", patient),
        with_form_token(
            {
                "ended_at": (timezone.localtime() - dt.timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "product_type": "CPA",
                "weight_kg": "62",
                "height_cm": "165",
                "bleeding": "on",
                "splenomegaly": "on",
            }
        ),
    )
    assert response.status_code == 302
    transfusion = Transfusion.objects.get()
    assert (transfusion.bleeding, transfusion.splenomegaly, transfusion.fever) == (
        True,
        True,
        False,
    )


def test_a_transfusion_with_a_count_in_per_microlitre_shows_the_field_error(
    alice: User, patient: Any, client_for: Login
) -> None:
    response = client_for(alice).post(
        _url("transfusion:transfusion_add", patient),
        with_form_token(
            {
                "ended_at": "2024-03-01T10:00",
                "product_type": "CPA",
                "weight_kg": "62",
                "height_cm": "165",
                "pre_count": "9000",
            }
        ),
    )
    assert response.status_code == 200
    assert "unité attendue ×10⁹/L" in response.content.decode()
    assert not Transfusion.objects.exists()


def test_julien_records_a_typing(julien: User, patient: Any, client_for: Login) -> None:
    response = client_for(julien).post(
        _url("transfusion:typing_add", patient),
        with_form_token(
            {"typing": "A2 A24 B44 B51", "typed_on": "2024-01-10", "laboratory": "EFS"}
        ),
    )
    assert response.status_code == 302
    assert HlaTyping.objects.get().typing == "A2 A24 B44 B51"


def test_alice_uploads_a_sab_file(alice: User, patient: Any, client_for: Login) -> None:
    upload = SimpleUploadedFile("serum.csv", SERUM_CSV.encode(), content_type="text/csv")
    response = client_for(alice).post(
        _url("transfusion:screen_add", patient),
        with_form_token({"serum_date": "2024-02-01", "laboratory": "EFS", "file": upload}),
    )
    assert response.status_code == 302
    assert AntibodyScreen.objects.get().beads.count() == 11


def test_a_bad_sab_file_is_refused_with_a_message_nothing_saved_and_the_refusal_audited(
    alice: User, patient: Any, client_for: Login
) -> None:
    # Named .csv and announced as CSV, but with a failing negative control.
    upload = SimpleUploadedFile(
        "serum.csv", SERUM_CSV.replace("NC,420", "NC,2600").encode(), content_type="text/csv"
    )
    response = client_for(alice).post(
        _url("transfusion:screen_add", patient),
        with_form_token({"serum_date": "2024-02-01", "file": upload}),
    )
    assert response.status_code == 200
    assert "bruit de fond trop élevé, série rejetée" in response.content.decode()
    assert not AntibodyScreen.objects.exists()
    assert not AntibodyBead.objects.exists()
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.REFUSED)
    assert refusal.patient_id == patient.public_id


def test_an_image_renamed_csv_is_refused_by_content(
    alice: User, patient: Any, client_for: Login
) -> None:
    upload = SimpleUploadedFile("serum.csv", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/csv")
    response = client_for(alice).post(
        _url("transfusion:screen_add", patient),
        with_form_token({"serum_date": "2024-02-01", "file": upload}),
    )
    assert "contenu binaire" in response.content.decode()
    assert not AntibodyScreen.objects.exists()


@pytest.mark.parametrize("name", ROUTES)
def test_opening_a_form_is_an_audited_read(
    name: str, alice: User, patient: Any, client_for: Login
) -> None:
    assert client_for(alice).get(_url(name, patient)).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, actor=alice, patient_id=patient.public_id
    ).exists()


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("outsider", ["charlie", "victor"])
def test_outsiders_get_404_and_write_nothing(
    name: str, outsider: str, patient: Any, client_for: Login, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(outsider))
    assert client.get(_url(name, patient)).status_code == 404
    upload = SimpleUploadedFile("serum.csv", SERUM_CSV.encode())
    data = {"typing": "A2 A24 B44 B51", "typed_on": "2024-01-10", "serum_date": "2024-02-01"}
    assert client.post(_url(name, patient), {**data, "file": upload}).status_code == 404
    assert not HlaTyping.objects.exists()
    assert not AntibodyScreen.objects.exists()


def test_a_discordant_typing_shows_the_warning_and_the_confirmation_box(
    julien: User, patient: Any, client_for: Login
) -> None:
    """Issue 11, seen 8: the form shows the warning and a checkbox; ticked, the typing is saved."""
    client = client_for(julien)
    url = _url("transfusion:typing_add", patient)
    client.post(url, with_form_token({"typing": "A2 A24 B44 B51", "typed_on": "2024-01-10"}))
    page = client.get(url).content.decode()
    assert 'type="checkbox"' not in page
    response = client.post(
        url, with_form_token({"typing": "A1 A3 B7 B8", "typed_on": "2024-02-10"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Possible erreur d&#x27;échantillon" in page
    assert 'type="checkbox" name="confirm_discordant"' in page
    assert "Je confirme : typage discordant (erreur d&#x27;échantillon écartée)" in page
    assert HlaTyping.objects.count() == 1
    response = client.post(
        url,
        with_form_token(
            {"typing": "A1 A3 B7 B8", "typed_on": "2024-02-10", "confirm_discordant": "on"}
        ),
    )
    assert response.status_code == 302
    assert HlaTyping.objects.count() == 2


def test_a_transfusion_form_sent_twice_records_one_transfusion(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Issue 13, seen 12 (double submits): the transfusion form now carries a one-time token."""
    client = client_for(alice)
    data = with_form_token(
        {
            "ended_at": (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "product_type": "CPA",
            "weight_kg": "62",
            "height_cm": "165",
        }
    )
    first = client.post(_url("transfusion:transfusion_add", patient), data)
    second = client.post(_url("transfusion:transfusion_add", patient), data, follow=True)
    assert first.status_code == 302
    assert "Ce formulaire a déjà été envoyé." in second.content.decode()
    assert Transfusion.objects.count() == 1


def _refused_for(user: User, patient: Any) -> bool:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=user, patient_id=patient.public_id
    ).exists()


def test_charlie_of_another_centre_cannot_record_a_transfusion(
    charlie: User, patient: Any, client_for: Login
) -> None:
    """The page refuses him with the audited 404; the service trusts its caller."""
    response = client_for(charlie).post(
        _url("transfusion:transfusion_add", patient),
        {
            "ended_at": (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "product_type": "CPA",
            "label_dose_e11": "3,8",
            "abo_relation": "identical",
            "storage_hours": "40",
            "weight_kg": "62",
            "height_cm": "165",
            "pre_count": "9",
            "post_1_minutes": "45",
            "post_1_count": "38",
        },
    )
    assert response.status_code == 404
    assert not Transfusion.objects.exists()
    assert _refused_for(charlie, patient)


def test_charlie_cannot_import_a_serum_for_a_patient_of_centre_a(
    charlie: User, patient: Any, client_for: Login
) -> None:
    upload = SimpleUploadedFile("serum.csv", SERUM_CSV.encode())
    response = client_for(charlie).post(
        _url("transfusion:screen_add", patient), {"serum_date": "2024-02-01", "file": upload}
    )
    assert response.status_code == 404
    assert not AntibodyScreen.objects.exists()
    assert _refused_for(charlie, patient)


@pytest.mark.parametrize("outsider", ["charlie", "victor"])
def test_an_outsider_cannot_set_the_abo_rhd_profile(
    outsider: str, patient: Any, client_for: Login, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(outsider)
    response = client_for(user).post(
        _url("transfusion:profile_edit", patient),
        {"abo": "B", "rhd": "neg", "weight_kg": "", "height_cm": "", "measured_on": ""},
    )
    assert response.status_code == 404
    assert not TransfusionProfile.objects.exists()
    assert _refused_for(user, patient)
