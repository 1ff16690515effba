"""What other modules do when the registry changes which centres follow a patient, or merges
two records of one person.

The registry's services call ``care_episodes_changed`` in their own transaction after every
change of care episodes (inclusion, a new centre, end of follow-up, merge); a module that keeps
data per following centre (follow-up due dates) registers a listener when it starts. Unlike a
model signal, the call is visible in the service that makes the change, and nothing bypasses it
silently: care episodes are written by these services only.

A merge of two records of one person moves each app's records through the ``RecordMover`` that
app registers: the app knows which of its records may be doubled on the kept patient and which
may not (one transfusion profile, one signed instruction history, one observation per HPO term).
A test checks that every model pointing at a patient has its mover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from filiere.patients.models import Patient

CareEpisodeListener = Callable[[list[int]], object]

_listeners: list[CareEpisodeListener] = []


def register_care_episode_listener(listener: CareEpisodeListener) -> None:
    """Call ``listener`` with the ids of the patients whose care episodes changed."""
    if listener not in _listeners:
        _listeners.append(listener)


def care_episodes_changed(patient_ids: Iterable[int]) -> None:
    ids = sorted(set(patient_ids))
    if not ids:
        return
    for listener in _listeners:
        listener(ids)


# --- Merging two records of the same person ----------------------------------------------


@dataclass(frozen=True)
class RecordMover:
    """How one app moves its records when a duplicate patient is merged into the kept one.

    ``models`` names every model of the app that points at a patient, so that a test can prove
    no link is forgotten; ``move(absorbed, kept)`` repoints what belongs to the kept record and
    returns the counts by model label. What cannot move (a second record where the kept patient
    may have only one) stays on the absorbed record, which remains readable.
    """

    app: str
    models: tuple[type[Model], ...]
    move: Callable[[Patient, Patient], dict[str, int]]


_movers: dict[str, RecordMover] = {}


def register_record_mover(mover: RecordMover) -> None:
    _movers[mover.app] = mover


def record_movers() -> list[RecordMover]:
    return list(_movers.values())


def repoint(rows: QuerySet[Any], kept: Patient, field: str = "patient") -> dict[str, int]:
    """Point ``rows`` at ``kept`` through ``field``; the count under the model's label."""
    label = rows.model._meta.label_lower + ("" if field == "patient" else f".{field}")
    return {label: rows.update(**{field: kept})}


def records_merged(absorbed: Patient, kept: Patient) -> dict[str, int]:
    """Let every app move its records of ``absorbed`` onto ``kept``; the counts moved."""
    moved: dict[str, int] = {}
    for mover in _movers.values():
        moved |= mover.move(absorbed, kept)
    return {label: count for label, count in moved.items() if count}
