"""What a merge of two records of one person does to the case meetings."""

from __future__ import annotations

from filiere.meetings.models import CaseRequest
from filiere.patients.hooks import RecordMover, repoint
from filiere.patients.models import Patient


def _move_cases(absorbed: Patient, kept: Patient) -> dict[str, int]:
    # A case discussed under either record is the kept patient's history; the avis keep the
    # registry snapshot they were given on.
    return repoint(CaseRequest.objects.filter(patient=absorbed), kept)


CASE_RECORDS = RecordMover(app="meetings", models=(CaseRequest,), move=_move_cases)
