"""The record as French clinicians read it: decimal commas everywhere, labelled INS OIDs, and a
merged record's old address leading to the record it was merged into."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import pytest
from django.contrib.messages import get_messages
from django.db.models import Field
from django.forms import ChoiceField
from django.test import Client
from django.utils import translation

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.forms import IdentityForm
from filiere.patients.models import Patient
from filiere.patients.services import duplicate_merge, platelet_workup_record
from filiere.testing.factories import give_role, make_centre, make_patient, make_user

ClientFor = Callable[[User], Client]


def test_the_timeline_writes_a_platelet_count_with_a_decimal_comma(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    """The work-up table shows « 159,0 »; the timeline said « 159.0 G/L »."""
    platelet_workup_record(
        actor=SYSTEM,
        patient=patient_a,
        sampled_on=dt.date(2024, 3, 1),
        platelet_count=Decimal("159.0"),
    )
    html = client_for(alice).get(f"/patients/{patient_a.public_id}/").content.decode()
    assert "159,0 G/L" in html
    assert "159.0" not in html


def test_the_ins_oids_are_offered_with_their_names_in_national_order() -> None:
    """Référentiel INS: .8 INS-NIR, .9 INS-NIA, .10 INS-NIR de test (as in the SDM-MR CDA
    examples), .11 INS-NIR de démonstration."""
    field = IdentityForm().fields["ins_oid"]
    assert isinstance(field, ChoiceField)
    with translation.override("fr"):
        choices = [
            (value, str(label)) for value, label in cast(list[tuple[str, Any]], field.choices)
        ]
    assert choices[1:] == [
        ("1.2.250.1.213.1.4.8", "INS-NIR (1.2.250.1.213.1.4.8)"),
        ("1.2.250.1.213.1.4.9", "INS-NIA (1.2.250.1.213.1.4.9)"),
        ("1.2.250.1.213.1.4.10", "INS-NIR de test (1.2.250.1.213.1.4.10)"),
        ("1.2.250.1.213.1.4.11", "INS-NIR de démonstration (1.2.250.1.213.1.4.11)"),
    ]


@pytest.fixture
def merged(centre_a: Centre, centre_b: Centre, nomenclature: None) -> tuple[Patient, Patient]:
    """Lina Roux, registered twice (centres A and B); the record of centre B merged into A's."""
    kept = make_patient(
        centre_a, birth_name="Roux", first_given_name="Lina", birth_date=dt.date(2010, 1, 2)
    )
    absorbed = make_patient(
        centre_b, birth_name="ROUX", first_given_name="Lina", birth_date=dt.date(2010, 1, 2)
    )
    data_manager = make_user(email="dm@hopital.test")
    give_role(data_manager, centre_a, Role.DATA_MANAGER)
    give_role(data_manager, centre_b, Role.DATA_MANAGER)
    duplicate_merge(actor=data_manager, suspicion=DuplicateSuspicion.objects.get(), keep=kept)
    return kept, absorbed


def test_a_merged_records_address_leads_to_the_kept_record(
    merged: tuple[Patient, Patient], charlie: User, client_for: ClientFor
) -> None:
    kept, absorbed = merged
    client = client_for(charlie)
    response = client.get(f"/patients/{absorbed.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{kept.public_id}/"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Ce dossier a été fusionné dans le dossier {kept.pseudonym}."


def test_a_merged_record_stays_a_plain_404_for_an_outsider(
    merged: tuple[Patient, Patient], client_for: ClientFor
) -> None:
    outsider = make_user(email="dora@hopital.test")
    give_role(outsider, make_centre(name="CCMR Brest (C)", short_name="Centre C"), Role.CLINICIAN)
    kept, absorbed = merged
    response = client_for(outsider).get(f"/patients/{absorbed.public_id}/")
    assert response.status_code == 404
    assert kept.pseudonym not in response.content.decode()


def test_the_platelet_glycoprotein_labels_read_as_a_percentage_of_control_in_english() -> None:
    from filiere.patients.models import PlateletWorkup

    with translation.override("en"):
        labels = [
            str(cast(Field[Any, Any], PlateletWorkup._meta.get_field(name)).verbose_name)
            for name in ("cd41_cd61_expression", "cd42b_expression", "gpvi_expression")
        ]
    assert labels == [
        "αIIbβ3 CD41/CD61 expression (% of control)",
        "GPIb CD42b expression (% of control)",
        "GPVI expression (% of control)",
    ]
