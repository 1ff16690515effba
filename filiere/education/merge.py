"""What a merge of two records of one person does to therapeutic education."""

from __future__ import annotations

from filiere.education.models import Participant
from filiere.patients.hooks import RecordMover, repoint
from filiere.patients.models import Patient


def _move_participations(absorbed: Patient, kept: Patient) -> dict[str, int]:
    # A session attended under either record is the kept patient's; where both records were
    # registered at the same session, the kept one's registration (and its evaluations) stays
    # and the other remains on the absorbed record, still readable.
    already = Participant.objects.filter(patient=kept).values("session")
    movable = Participant.objects.filter(patient=absorbed).exclude(session__in=already)
    return repoint(movable, kept)


EDUCATION_RECORDS = RecordMover(app="education", models=(Participant,), move=_move_participations)
