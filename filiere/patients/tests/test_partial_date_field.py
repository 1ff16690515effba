"""The partial-date field refuses in the language of the page (found by test_form_properties)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from filiere.patients.forms import PartialDateField


@pytest.mark.parametrize(
    ("typed", "french", "english"),
    [
        ("31/02/2020", "Jour invalide : 31/2/2020.", "Invalid day: 31/2/2020."),
        ("13/2020", "Mois invalide : 13.", "Invalid month: 13."),
        ("0000", "Année invalide : 0.", "Invalid year: 0."),
        (
            "hier",
            "Date non reconnue : « hier » (attendu AAAA, MM/AAAA ou JJ/MM/AAAA).",
            "Date not recognised: “hier” (expected YYYY, MM/YYYY or DD/MM/YYYY).",
        ),
    ],
)
def test_a_partial_date_refusal_is_shown_in_the_pages_language(
    typed: str, french: str, english: str
) -> None:
    field = PartialDateField()
    with pytest.raises(ValidationError) as refusal:
        field.clean(typed)
    with translation.override("fr"):
        assert list(refusal.value) == [french]
    with translation.override("en"):
        assert list(refusal.value) == [english]
