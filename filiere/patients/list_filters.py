"""Filters other modules add to the patient list (e.g. follow-up: « en retard », « à venir »).

The registry owns the list; a module that knows something about patients the registry does not
(a due date) registers a filter by name when it starts. The list's form keeps the value; an
unregistered name filters nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

if TYPE_CHECKING:
    from filiere.patients.models import Patient

ListFilter = Callable[["QuerySet[Patient]", str, dt.date], "QuerySet[Patient]"]

_filters: dict[str, ListFilter] = {}


def register_list_filter(name: str, apply: ListFilter) -> None:
    _filters[name] = apply


def apply_list_filter(
    name: str, patients: QuerySet[Patient], value: str, today: dt.date
) -> QuerySet[Patient]:
    apply = _filters.get(name)
    return patients if apply is None or not value else apply(patients, value, today)
