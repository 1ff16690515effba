"""instruction_save: a new version each time, never overwritten, signed by a regional specialist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.instructions import InstructionParams
from filiere.transfusion.models import TransfusionInstruction
from filiere.transfusion.services import instruction_save
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_pool,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(patient: Any) -> Any:
    """A patient with a typing, a serum and a donor pool to search."""
    record_typing(patient)
    record_screen(patient)
    make_pool()
    return patient


def test_julien_saves_version_1_with_the_table_and_donor_snapshot(julien: User, ready: Any) -> None:
    instruction = make_instruction(ready, julien, threshold=3000, patient_abo="A")

    assert instruction.version == 1
    assert instruction.author == julien
    assert instruction.region == "93"
    assert instruction.serum_date == ready.antibody_screens.get().serum_date
    # At 3,000 MFI: A11 (6,000) and Cw7 (12,000) are unacceptable; A3 (2,500) no longer is.
    assert instruction.unacceptable == ["A11", "Cw7"]
    row = next(r for r in instruction.table if r["threshold"] == 3000)
    assert row["nation"]["eligible"] == 4  # clean-1, clean-2, clean-lille, a3
    assert row["region"]["eligible"] == 3  # the three of region 93
    assert row["nation"]["to_retype"] == 1  # no-c: untyped at C
    ids = [d["id"] for d in instruction.donors]
    # Compatible from 500 MFI first; among them ABO identical (A) before the minor mismatch (O).
    assert ids == ["clean-1", "clean-lille", "clean-2", "a3"]
    assert "cw7" not in ids
    assert "inactive" not in ids
    assert instruction.pool_size == 7
    assert {"grade", "summed_mfi", "abo", "cregs", "platelet_antigens"} <= set(
        instruction.donors[0]
    )


def test_saving_again_makes_version_2_and_keeps_version_1(julien: User, ready: Any) -> None:
    first = make_instruction(ready, julien, threshold=3000)
    second = make_instruction(ready, julien, threshold=10000, rule="all")

    assert second.version == 2
    first.refresh_from_db()
    assert (first.version, first.threshold) == (1, 3000)
    assert TransfusionInstruction.objects.filter(patient=ready).count() == 2


def test_each_save_is_audited_with_the_patient(julien: User, ready: Any) -> None:
    instruction = make_instruction(ready, julien)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, object_id=str(instruction.public_id)
    )
    assert event.patient_id == ready.public_id
    assert "v1" in event.summary


def test_without_serum_there_is_no_instruction(julien: User, patient: Any) -> None:
    record_typing(patient)
    with pytest.raises(ValidationError):
        instruction_save(
            actor=julien,
            patient=patient,
            params=InstructionParams(),
            valid_until=timezone.localdate() + dt.timedelta(days=30),
        )


@pytest.mark.parametrize(
    ("params", "valid_days", "field"),
    [
        (InstructionParams(threshold=2500), 30, "threshold"),
        (InstructionParams(rule="some"), 30, "rule"),
        (InstructionParams(), -1, "valid_until"),
        (InstructionParams(), 400, "valid_until"),
    ],
)
def test_invalid_settings_name_their_field(
    julien: User, ready: Any, params: InstructionParams, valid_days: int, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        instruction_save(
            actor=julien,
            patient=ready,
            params=params,
            valid_until=timezone.localdate() + dt.timedelta(days=valid_days),
        )
    assert field in error.value.message_dict


def test_the_database_keeps_one_row_per_version(julien: User, ready: Any) -> None:
    instruction = make_instruction(ready, julien)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransfusionInstruction.objects.create(
            patient=ready,
            version=instruction.version,
            threshold=1000,
            rule="any",
            screen=instruction.screen,
            serum_date=instruction.serum_date,
            typing=instruction.typing,
            region="93",
            valid_until=instruction.valid_until,
            pool_size=0,
        )


def test_the_nightly_recompute_sees_new_donors_without_changing_the_saved_version(
    julien: User, ready: Any
) -> None:
    from django.core.management import call_command

    from filiere.transfusion.donor_pool import current_pool
    from filiere.transfusion.instructions import recompute_instruction
    from filiere.transfusion.services import donors_import
    from filiere.transfusion.tests.factories import donor

    instruction = make_instruction(ready, julien, threshold=3000)
    donors_import(actor=SYSTEM, donors=[donor("new", "A2 A24 B44 B51 Cw5")], source="nuit")

    result = recompute_instruction(instruction, current_pool())
    assert (result.saved_eligible_nation, result.eligible_nation) == (4, 5)
    assert result.changed
    instruction.refresh_from_db()
    assert next(r for r in instruction.table if r["threshold"] == 3000)["nation"]["eligible"] == 4

    from io import StringIO

    out = StringIO()
    call_command("transfusion_recompute", stdout=out)
    assert "4 → 5 donneurs éligibles" in out.getvalue()
    assert "1 consigne(s) recalculée(s), 1 modifiée(s)." in out.getvalue()
