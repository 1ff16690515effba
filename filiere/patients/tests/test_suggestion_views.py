"""The ORPHA suggestions of the diagnosis form: options a listbox can hold, found whatever the
accents and case typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_orpha_suggestions_are_options_carrying_their_code(
    client_for: Callable[[User], Client], alice: User, nomenclature: None
) -> None:
    """ "thrombasthenie" (no accent) finds "Thrombasthénie de Glanzmann" (before: nothing)."""
    response = client_for(alice).get("/patients/orpha/", {"orpha_code": "thrombasthenie"})
    html = response.content.decode()
    assert '<li role="option" id="orpha-option-849" data-value="ORPHA:849"' in html
    assert "Thrombasthénie de Glanzmann" in html


def test_no_orpha_suggestion_is_a_disabled_option(
    client_for: Callable[[User], Client], alice: User, nomenclature: None
) -> None:
    html = client_for(alice).get("/patients/orpha/", {"orpha_code": "zzzz"}).content.decode()
    assert 'aria-disabled="true"' in html
    assert "Aucun code ORPHA." in html


def test_the_diagnosis_field_is_a_combobox_with_its_listbox_beside_it(
    client_for: Callable[[User], Client], alice: User, patient_a: Patient
) -> None:
    url = f"/patients/{patient_a.public_id}/diagnostics/nouveau/"
    html = client_for(alice).get(url).content.decode()
    assert 'role="combobox"' in html
    assert 'aria-controls="id_orpha_code_suggestions"' in html
    assert 'hx-target="#id_orpha_code_suggestions"' in html
    assert '<ul id="id_orpha_code_suggestions" class="suggestions" role="listbox"' in html
