"""A clinically meaningful choice is never pre-selected: the select starts on « — choisir — »
and the empty value is refused with a French message naming the field.

Before: a hurried clinician saved ACMG class 1 (benign), sex female, "no sign" as the age at
first signs, a visit of type "other", an AMM status or an allergic reaction that "recovered"
without having chosen any of them."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from filiere.followup.forms import AdverseEventForm, TreatmentForm, VisitForm
from filiere.followup.models import BleedingEvent, Treatment
from filiere.network.models import Centre
from filiere.patients.forms import DiagnosisForm, GeneticFindingForm, IdentityForm
from filiere.patients.models import Diagnosis

pytestmark = pytest.mark.django_db

CHOSEN_FIELDS: list[tuple[Any, dict[str, Any], str, str]] = [
    (GeneticFindingForm, {}, "acmg_class", "Classe ACMG"),
    (IdentityForm, {}, "sex", "Sexe"),
    (DiagnosisForm, {"centres": Centre.objects.none()}, "onset_category", "Âge aux premiers"),
    (DiagnosisForm, {"centres": Centre.objects.none()}, "clinical_dx_category", "clinique"),
    (DiagnosisForm, {"centres": Centre.objects.none()}, "genetic_dx_category", "génétique"),
    (VisitForm, {"centres": Centre.objects.none()}, "context", "Type de visite"),
    (VisitForm, {"centres": Centre.objects.none()}, "objective", "Objectif"),
    (
        TreatmentForm,
        {
            "centres": Centre.objects.none(),
            "diagnoses": Diagnosis.objects.none(),
            "events": BleedingEvent.objects.none(),
        },
        "regulatory_status",
        "Statut réglementaire",
    ),
    (
        AdverseEventForm,
        {"centres": Centre.objects.none(), "treatments": Treatment.objects.none()},
        "category",
        "Catégorie",
    ),
    (
        AdverseEventForm,
        {"centres": Centre.objects.none(), "treatments": Treatment.objects.none()},
        "outcome",
        "Évolution",
    ),
]


@pytest.mark.parametrize(("form_class", "kwargs", "name", "label"), CHOSEN_FIELDS)
def test_the_select_starts_empty_and_the_empty_value_is_refused_by_name(
    form_class: Any, kwargs: dict[str, Any], name: str, label: str
) -> None:
    blank = form_class(**kwargs)
    field = blank.fields[name]
    assert isinstance(field, forms.ChoiceField)
    assert field.widget.choices[0] == ("", "— choisir —")
    assert blank[name].value() in (None, "")
    assert 'value="" selected' in str(blank[name])

    posted = form_class({name: ""}, **kwargs)
    assert not posted.is_valid()
    (message,) = posted.errors[name]
    assert message.startswith("Choisissez"), message
    assert label in message, message
