"""Activities of the national minimum dataset that other modules record (visits, case meetings).

A module registers a source in its ``AppConfig.ready()``: a function that takes patient ids and
returns their activities in one or a few queries, so that the SDM-MR export stays batched.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from filiere.network.models import Centre


@dataclass(frozen=True)
class NationalActivity:
    id: uuid.UUID
    date: dt.date
    centre: Centre
    context_code: str
    objective_codes: tuple[str, ...]


ActivitySource = Callable[[list[int]], dict[int, list[NationalActivity]]]
_sources: list[ActivitySource] = []


def register_activity_source(source: ActivitySource) -> None:
    if source not in _sources:
        _sources.append(source)


def activities_by_patient(patient_ids: list[int]) -> dict[int, list[NationalActivity]]:
    """Return every registered module's activities of these patients, oldest first."""
    found: dict[int, list[NationalActivity]] = {}
    for source in _sources:
        for patient_id, activities in source(patient_ids).items():
            found.setdefault(patient_id, []).extend(activities)
    for activities in found.values():
        activities.sort(key=lambda activity: activity.date)
    return found
