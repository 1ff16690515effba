"""The ``age_label`` filter writes an age as clinicians do, in French and in English."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from filiere.lib.ages import Age, AgePrecision

DAY, MONTH = AgePrecision.DAY, AgePrecision.MONTH


def _render(age: Age | None) -> str:
    return Template("{% load ages %}{{ age|age_label }}").render(Context({"age": age}))


@pytest.mark.parametrize(
    ("age", "french", "english"),
    [
        (Age(years=17, months=215, precision=DAY, days=6573), "17 ans", "17 years"),
        (Age(years=0, months=11, precision=MONTH), "11 mois", "11 months"),
        (Age(years=0, months=1, precision=MONTH), "1 mois", "1 month"),
        (Age(years=0, months=0, precision=DAY, days=12), "12 jours", "12 days"),
        (Age(years=0, months=0, precision=DAY, days=1), "1 jour", "1 day"),
        (Age(years=0, months=0, precision=MONTH), "moins d&#x27;un mois", "under a month"),
        (None, "", ""),
    ],
)
def test_an_age_is_written_in_years_months_or_days(
    age: Age | None, french: str, english: str
) -> None:
    with translation.override("fr"):
        assert _render(age) == french
    with translation.override("en"):
        assert _render(age) == english
