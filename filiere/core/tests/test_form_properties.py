"""Properties of the main forms, whatever is typed into them (Hypothesis).

For the registration, visit, bleed, treatment, transfusion and RCP request forms: any text in
any field never makes the form raise; a value the form refuses is refused on that very field,
with a message written in French and translated (it differs from its English rendering); a
valid value comes back as typed. Each form starts from a valid submission and one field is
changed at a time, so a refusal can only come from the changed field.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django import forms
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filiere.followup.forms import BleedingEventForm, TreatmentForm, VisitForm
from filiere.followup.models import BleedingEvent
from filiere.meetings.forms import CaseRequestForm
from filiere.meetings.models import MeetingSeries
from filiere.network.models import Centre
from filiere.patients.forms import RegistrationForm
from filiere.patients.models import Diagnosis
from filiere.transfusion.forms import TransfusionForm

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

PROPERTIES = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Per field: a form has up to 30 fields, each tried on its own.
ANY_TEXT = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Setting:
    """What the forms choose from: one centre, one RCP series."""

    centres: Any
    series: Any


@dataclass(frozen=True)
class FormCase:
    name: str
    build: Callable[[dict[str, Any], Setting], forms.Form]
    baseline: Callable[[Setting], dict[str, Any]]
    # Field -> strategy of (what is typed, what the form must give back).
    valid: dict[str, st.SearchStrategy[tuple[Any, Any]]]

    def __str__(self) -> str:
        return self.name


def _dates(low: dt.date, high: dt.date) -> st.SearchStrategy[tuple[Any, Any]]:
    return st.dates(low, high).map(lambda day: (day.isoformat(), day))


def _french_decimals(places: int, high: int) -> st.SearchStrategy[tuple[Any, Any]]:
    """A decimal typed with a French decimal comma (the fields are localised)."""
    values = st.decimals(min_value=0, max_value=high, places=places, allow_nan=False)
    return values.map(lambda value: (str(value).replace(".", ","), value))


def _integers(low: int, high: int) -> st.SearchStrategy[tuple[Any, Any]]:
    return st.integers(low, high).map(lambda value: (str(value), value))


def _words(max_size: int) -> st.SearchStrategy[tuple[Any, Any]]:
    letters = st.characters(categories=["L"], max_codepoint=0x24F)
    text = st.text(letters, min_size=1, max_size=max_size)
    return text.map(lambda word: (word, word))


def _choices(values: list[str]) -> st.SearchStrategy[tuple[Any, Any]]:
    return st.sampled_from(values).map(lambda value: (value, value))


def _centre(setting: Setting) -> str:
    return str(setting.centres.get().pk)


def _first_choice(form: forms.Form, name: str) -> str:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    choices = cast(list[tuple[str, str]], field.choices)  # a flat list on these fields
    return next(str(value) for value, _ in choices if value)


FORMS = [
    FormCase(
        "inscription",
        lambda data, s: RegistrationForm(data, centres=s.centres),
        lambda s: {
            "birth_name": "Martin",
            "birth_first_names": "Camille Marie",
            "first_given_name": "Camille",
            "birth_date": "1990-05-17",
            "sex": "F",
            "status": "provisional",
            "centre": _centre(s),
            "inclusion_date": "15/01/2020",
            "referred_by": ["ORG-019"],
        },
        {
            "birth_name": _words(100),
            "first_given_name": _words(100),
            "birth_date": _dates(dt.date(1900, 1, 1), dt.date(2026, 1, 1)),
            "sex": _choices(["F", "M", "U"]),
            "birth_place_insee": st.from_regex(r"\A[0-9]{5}\Z").map(lambda v: (v, v)),
        },
    ),
    FormCase(
        "visite",
        lambda data, s: VisitForm(data, centres=s.centres),
        lambda s: {
            "centre": _centre(s),
            "visited_on": "2024-01-10",
            "context": _first_choice(VisitForm(centres=s.centres), "context"),
            "objective": _first_choice(VisitForm(centres=s.centres), "objective"),
        },
        {
            "visited_on": _dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
            "weight_kg": _french_decimals(1, 300),
            "platelet_count": _french_decimals(1, 2000),
            "haemoglobin": _french_decimals(1, 25),
        },
    ),
    FormCase(
        "saignement",
        lambda data, s: BleedingEventForm(data, centres=s.centres),
        lambda s: {
            "centre": _centre(s),
            "occurred_on": "2024-01-10",
            "site": "epistaxis",
            "severity": BleedingEvent.Severity.values[0],
        },
        {
            "occurred_on": _dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
            "hospital_days": _integers(0, 10_000),
            "severity": _choices(BleedingEvent.Severity.values),
        },
    ),
    FormCase(
        "traitement",
        lambda data, s: TreatmentForm(
            data,
            centres=s.centres,
            diagnoses=Diagnosis.objects.none(),
            events=BleedingEvent.objects.none(),
        ),
        lambda s: {
            "centre": _centre(s),
            "kind": "prescription",
            "atc_code": "B02AA02",
            "indication": "prophylaxis",
            "started_on": "2024-01-10",
            "regulatory_status": "within_ma",
        },
        {
            "started_on": _dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
            "dose": _french_decimals(2, 100_000),
            "doses_count": _integers(1, 10_000),
        },
    ),
    FormCase(
        "transfusion",
        lambda data, s: TransfusionForm(data),
        lambda s: {
            "ended_at": "2026-01-05T10:30",
            "product_type": _first_choice(TransfusionForm(), "product_type"),
            "weight_kg": "70,5",
            "height_cm": "172",
            "post_1_minutes": "60",
            "post_2_minutes": "1200",
        },
        {
            "weight_kg": _french_decimals(1, 9999),
            "height_cm": _french_decimals(1, 999),
            "pooled_donations": _integers(1, 12),
            "storage_hours": _integers(0, 24 * 8),
            "pre_count": _french_decimals(1, 9999),
            # Typed in Paris time; from 4 h on, never in the hour that summer time skips or
            # repeats (such a time is refused: it names no moment, or two).
            "ended_at": st.builds(
                lambda day, time: dt.datetime.combine(day, time.replace(second=0), tzinfo=PARIS),
                st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
                st.times(dt.time(4), dt.time(23, 59)).map(lambda t: t.replace(microsecond=0)),
            ).map(lambda moment: (moment.strftime("%Y-%m-%dT%H:%M"), moment)),
        },
    ),
    FormCase(
        "demande RCP",
        lambda data, s: CaseRequestForm(data, series=s.series, centres=s.centres),
        lambda s: {
            "series": str(s.series.get().pk),
            "patient_mode": "existing",
            "pseudonym": "MHE-ABCD-EFGH",
            "question_type": "diagnostic",
            "question": "Quel diagnostic retenir ?",
            "clinical_summary": "Épistaxis répétées depuis l'enfance.",
        },
        {
            "question": _words(2000),
            "bleeding_score": _integers(0, 56),
            "patient_informed_on": _dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
        },
    ),
]

# What a field may receive from a browser or a hand-written request.
ANYTHING = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8"), max_size=3000),
    st.integers().map(str),
    st.floats().map(str),
    st.decimals().map(str),
    st.dates().map(str),
    st.datetimes().map(str),
    st.from_regex(r"\A-?[0-9]{1,4}[,.][0-9]{1,4}\Z"),
)


@pytest.fixture
def setting(db: None) -> Setting:
    from filiere.testing.factories import make_centre
    from filiere.testing.meetings import make_series

    centre = make_centre()
    series = make_series(centre)
    return Setting(
        centres=Centre.objects.filter(pk=centre.pk),
        series=MeetingSeries.objects.filter(pk=series.pk),
    )


def _messages(form: forms.Form, field: str, language: str) -> list[str]:
    with translation.override(language):
        return [str(message) for message in form.errors.get(field, [])]


def _sent(form_case: FormCase, setting: Setting, field: str, value: Any) -> dict[str, Any]:
    form = form_case.build({}, setting)
    if isinstance(form.fields[field], forms.MultipleChoiceField):
        value = [value]
    return form_case.baseline(setting) | {field: value}


def _anything_in(form_case: FormCase, setting: Setting, field: str) -> Callable[[], None]:
    @ANY_TEXT
    @given(value=ANYTHING)
    def check(value: str) -> None:
        with translation.override("fr"):
            form = form_case.build(_sent(form_case, setting, field, value), setting)
            valid = form.is_valid()
        if valid:
            return
        assert field in form.errors, (field, value, form.errors)
        french = _messages(form, field, "fr")
        assert all(message.strip() for message in french), french
        assert french != _messages(form, field, "en"), f"{field}: {french} not translated"

    return check


@pytest.mark.parametrize("form_case", FORMS, ids=str)
def test_the_valid_submission_is_valid(form_case: FormCase, setting: Setting) -> None:
    """The starting point of the properties below is accepted as it is."""
    form = form_case.build(form_case.baseline(setting), setting)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("form_case", FORMS, ids=str)
def test_anything_typed_is_parsed_or_refused_on_its_field_in_french(
    form_case: FormCase, setting: Setting
) -> None:
    """Whatever a field receives, the form answers; a refusal names that field, in French."""
    fields = [
        name
        for name, field in form_case.build({}, setting).fields.items()
        if not isinstance(field, forms.FileField)
    ]
    for field in fields:  # every field, each with its own examples
        _anything_in(form_case, setting, field)()


@pytest.mark.parametrize("form_case", FORMS, ids=str)
def test_a_valid_value_comes_back_as_typed(form_case: FormCase, setting: Setting) -> None:
    """A valid value in one field leaves the form valid and is given back unchanged."""
    values = st.sampled_from(sorted(form_case.valid)).flatmap(
        lambda name: form_case.valid[name].map(lambda pair: (name, *pair))
    )

    @PROPERTIES
    @given(values)
    def check(typed: tuple[str, Any, Any]) -> None:
        field, raw, expected = typed
        form = form_case.build(_sent(form_case, setting, field, raw), setting)
        assert form.is_valid(), (field, raw, form.errors)
        cleaned = form.cleaned_data[field]
        if isinstance(expected, Decimal):
            assert isinstance(cleaned, Decimal)
            assert cleaned == expected
        else:
            assert cleaned == expected

    check()
