"""What a merge of two records of one person does to the transfusion file."""

from __future__ import annotations

from filiere.patients.hooks import RecordMover, repoint
from filiere.patients.models import Patient
from filiere.transfusion.models import (
    AntibodyScreen,
    Crossmatch,
    HlaTyping,
    Transfusion,
    TransfusionInstruction,
    TransfusionProfile,
)


def _move_transfusion_file(absorbed: Patient, kept: Patient) -> dict[str, int]:
    moved: dict[str, int] = {}
    for model in (Transfusion, HlaTyping, AntibodyScreen, Crossmatch):
        moved |= repoint(model._default_manager.filter(patient=absorbed), kept)
    # One profile per patient, and one numbered history of signed instructions: the absorbed
    # record's stay where they were signed when the kept patient has its own. A serum or typing
    # moved here that is newer than the kept instruction's shows it « à revoir » on the worklist.
    if not TransfusionProfile.objects.filter(patient=kept).exists():
        moved |= repoint(TransfusionProfile.objects.filter(patient=absorbed), kept)
    if not TransfusionInstruction.objects.filter(patient=kept).exists():
        moved |= repoint(TransfusionInstruction.objects.filter(patient=absorbed), kept)
    return moved


TRANSFUSION_RECORDS = RecordMover(
    app="transfusion",
    models=(
        Transfusion,
        HlaTyping,
        AntibodyScreen,
        Crossmatch,
        TransfusionProfile,
        TransfusionInstruction,
    ),
    move=_move_transfusion_file,
)
