"""What a merge of two records of one person does to the follow-up."""

from __future__ import annotations

from filiere.followup.models import (
    AdverseEvent,
    BleedingEvent,
    BleedingScore,
    FollowUpSchedule,
    Treatment,
    Visit,
)
from filiere.patients.hooks import RecordMover, repoint
from filiere.patients.models import Patient


def _move_follow_up(absorbed: Patient, kept: Patient) -> dict[str, int]:
    moved: dict[str, int] = {}
    for model in (Visit, BleedingScore, BleedingEvent, Treatment, AdverseEvent):
        moved |= repoint(model._default_manager.filter(patient=absorbed), kept)
    # The due dates are derived: the care-episode listener recomputes both patients' after the
    # merge, from the visits moved here.
    return moved


FOLLOW_UP_RECORDS = RecordMover(
    app="followup",
    models=(Visit, BleedingScore, BleedingEvent, Treatment, AdverseEvent, FollowUpSchedule),
    move=_move_follow_up,
)
