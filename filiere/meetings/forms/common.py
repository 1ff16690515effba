"""What the meeting forms share: the physician specialties, date and time inputs."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from filiere.accounts.models import User
from filiere.meetings.models import (
    NON_PHYSICIAN_SPECIALTIES,
)

PHYSICIAN_SPECIALTIES = [
    (code, label) for code, label in User.Specialty.choices if code not in NON_PHYSICIAN_SPECIALTIES
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())
