"""No date or time field has a fixed default: Django's check fields.W161 fires on such a default
whenever the checks run within seconds of it (a deploy check once failed at 16:00:30)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import models

from filiere.meetings.models import MeetingSeries


def test_no_date_or_time_field_has_a_fixed_default() -> None:
    fixed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("filiere.")
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField | models.TimeField)
        and field.has_default()
        and not callable(field.default)
    ]
    assert fixed == []


def test_a_new_series_still_meets_at_four_pm_by_default() -> None:
    assert MeetingSeries().default_start_time == dt.time(16, 0)
