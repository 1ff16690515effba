"""Issue 11, defects 9–11 on the pages: the confirmation of unusual values, the weight, height,
BSA and blood volume of each transfusion, the prefilled forms, the falling counts, the chart's
time axis, and the alert that orders what is missing next."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import User
from filiere.testing.factories import with_form_token
from filiere.transfusion.models import Transfusion, TransfusionProfile
from filiere.transfusion.selectors import transfusion_history
from filiere.transfusion.services import transfusion_profile_update
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_refractory,
    make_transfusion,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _url(name: str, patient: Any) -> str:
    return reverse(name, kwargs={"public_id": patient.public_id})


def _form(**values: str) -> dict[str, str]:
    data = {
        "ended_at": (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "product_type": "CPA",
        "label_dose_e11": "0,01",
        "abo_relation": "identical",
        "storage_hours": "40",
        "weight_kg": "62",
        "height_cm": "165",
        "pre_count": "9",
        "post_1_minutes": "45",
        "post_1_count": "38",
    }
    return data | values


def test_an_unusual_dose_asks_for_a_confirmation_then_is_recorded(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Follows the unusual drug-dose confirmation of filiere.followup: the refusal shows an
    unticked box; ticked, the dose is recorded with who confirmed it and when."""
    client = client_for(alice)
    url = _url("transfusion:transfusion_add", patient)
    first = client.post(url, with_form_token(_form())).content.decode()
    assert 'type="checkbox" name="values_confirmed"' in first
    assert "hors de la plage usuelle" in first
    assert not Transfusion.objects.exists()
    assert client.post(url, with_form_token(_form(values_confirmed="on"))).status_code == 302
    assert Transfusion.objects.get().values_confirmed_by == alice
    page = client.get(_url("transfusion:patient", patient)).content.decode()
    assert 'data-testid="values-confirmed"' in page


def test_the_form_starts_from_the_patients_last_weight_and_height(
    alice: User, patient: Any, client_for: Login
) -> None:
    """Weight and height had to be retyped for every transfusion."""
    make_transfusion(patient, counts=(8, 40, 30), weight_kg=Decimal("63.5"))
    html = client_for(alice).get(_url("transfusion:transfusion_add", patient)).content.decode()
    assert 'name="weight_kg" value="63,5"' in html
    assert 'name="height_cm" value="175,0"' in html
    assert 'data-testid="prefill"' in html


def test_each_transfusion_shows_weight_height_bsa_and_blood_volume(
    alice: User, patient: Any, client_for: Login
) -> None:
    """70 kg, 175 cm: BSA √(175 × 70 / 3600) = 1.84 m² (Mosteller 1987); the patient is a
    woman: 70 mL/kg × 70 kg = 4.90 L (French VST table, transfusion.md §1.2)."""
    make_transfusion(patient, counts=(8, 40, 30))
    html = client_for(alice).get(_url("transfusion:patient", patient)).content.decode()
    cell = html.split('data-testid="body-size"')[1].split("</td>")[0]
    assert "70,0 kg · 175 cm" in cell
    assert "SC 1,84 m² · VST 4,90 L" in cell
    assert "(70 mL/kg)" in cell


def test_a_falling_count_reads_baisse_not_a_negative_index(
    alice: User, patient: Any, client_for: Login
) -> None:
    """PI = P_post − P_pré (transfusion.md §1.1): below the pre-count it is a fall."""
    make_transfusion(patient, counts=(20, 15, 12))
    html = client_for(alice).get(_url("transfusion:patient", patient)).content.decode()
    assert "CCI : baisse (seuil 7,5)" in html
    assert 'data-testid="falling"' in html
    assert "CCI -" not in html


def test_the_chart_is_on_a_time_axis_without_empty_series(patient: Any) -> None:
    """Points were spaced evenly whatever the dates, and an empty RTP axis was kept."""
    now = timezone.now()
    for days in (30, 29, 2):
        make_transfusion(patient, counts=(8, 40, 30), ended_at=now - dt.timedelta(days=days))
    make_transfusion(
        patient, counts=(8, 40, 30), ended_at=now - dt.timedelta(days=1), pre_count=None
    )
    data = transfusion_history(patient).chart_data()
    xs = [point["x"] for point in data["series"]["cci_1h"]]
    assert len(xs) == 3  # the transfusion without pre-count has no index: no point
    assert xs[1] - xs[0] == 24 * 3600 * 1000
    assert xs[2] - xs[1] == 27 * 24 * 3600 * 1000
    assert data["last"] - data["first"] == 29 * 24 * 3600 * 1000
    json.dumps(data)


def test_the_chart_leaves_out_a_series_without_values(patient: Any) -> None:
    make_transfusion(
        patient,
        counts=(8, 40, 30),
        post_counts=[],
    )
    assert transfusion_history(patient).chart_data()["series"] == {}


def test_the_alert_says_what_is_missing_next_once_a_sab_and_an_instruction_exist(
    julien: User, patient: Any, client_for: Login
) -> None:
    """The alert ordered an anti-HLA screen although a SAB result and an instruction existed;
    the next step is transfusing by the instruction (HLA-matched platelets help once
    antibodies are found, Kreuger 2019, transfusion.md §1.3)."""
    make_refractory(patient)
    client = client_for(julien)
    before = client.get(_url("transfusion:patient", patient)).content.decode()
    assert "Dépistage des anticorps anti-HLA de classe I" in before
    make_instruction(patient)
    after = client.get(_url("transfusion:patient", patient)).content.decode()
    assert "Dépistage des anticorps anti-HLA de classe I" not in after
    assert "Consigne transfusionnelle en cours" in after
    panel = client.get(reverse("transfusion:worklist")).content.decode()
    assert "Dépistage" not in panel


def test_the_profile_page_records_abo_rhd_and_the_instruction_starts_from_it(
    julien: User, patient: Any, client_for: Login
) -> None:
    """ABO/RhD reset on every visit of the instruction page: stored once, prefilled after."""
    client = client_for(julien)
    response = client.post(
        _url("transfusion:profile_edit", patient),
        with_form_token(
            {"abo": "B", "rhd": "neg", "weight_kg": "", "height_cm": "", "measured_on": ""}
        ),
    )
    assert response.status_code == 302
    assert str(TransfusionProfile.objects.get(patient=patient)) == "B−"
    page = client.get(_url("transfusion:patient", patient)).content.decode()
    assert "<strong>B−</strong>" in page
    record_typing(patient)
    record_screen(patient)
    instruction = client.get(_url("transfusion:instruction", patient)).content.decode()
    assert '<option value="B" selected>' in instruction


def test_the_profile_form_starts_from_the_stored_values(
    julien: User, patient: Any, client_for: Login
) -> None:
    transfusion_profile_update(actor=julien, patient=patient, abo="AB", rhd="pos")
    html = client_for(julien).get(_url("transfusion:profile_edit", patient)).content.decode()
    assert '<option value="AB" selected>' in html
    assert '<option value="pos" selected>' in html
