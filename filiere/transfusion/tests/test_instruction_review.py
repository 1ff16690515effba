"""Instructions that follow the patient (issue 11, defect 4): a newer serum or typing makes the
current instruction "à revoir" everywhere it is shown, and the nightly recompute uses the
patient's latest serum and typing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.transfusion.donor_pool import current_pool
from filiere.transfusion.instructions import recompute_instruction
from filiere.transfusion.selectors import instruction_review
from filiere.transfusion.services import antibody_screen_import, hla_typing_record
from filiere.transfusion.tests.factories import (
    DONORS,
    donor,
    make_instruction,
    make_pool,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]

# The serum of the issue: new anti-A1, -A3, -B7 and -B8 at 15,000.
NEW_SERUM = """\
bead,mfi
NC,400
PC,18000
A*01:01,15000
A*03:01,15000
A*11:01,6000
B*07:02,15000
B*08:01,15000
B*44:02,80
C*07:02,12000
"""


@pytest.fixture
def instructed(patient: Any, julien: User) -> Any:
    """A patient with a valid instruction at 3,000 MFI whose list includes a B7 donor."""
    record_typing(patient)
    record_screen(patient)
    make_pool((*DONORS, donor("b7", "A2 A24 B7 B51 Cw5")))
    instruction = make_instruction(patient, julien, threshold=3000)
    assert "b7" in [d["id"] for d in instruction.donors]
    return patient


def _new_serum(patient: Any) -> Any:
    return antibody_screen_import(
        actor=SYSTEM,
        patient=patient,
        serum_date=timezone.localdate() - dt.timedelta(days=1),
        file_name="nouveau.csv",
        data=NEW_SERUM.encode(),
    )


def test_a_newer_serum_marks_the_instruction_to_review_on_the_worklist(
    julien: User, instructed: Any, client_for: Login
) -> None:
    """Issue 11 defect 4: the worklist no longer shows the older instruction as simply valid."""
    before = client_for(julien).get("/transfusion/").content.decode()
    assert 'data-testid="review"' not in before
    serum = _new_serum(instructed)

    html = client_for(julien).get("/transfusion/").content.decode()

    assert 'data-testid="review"' in html
    assert f"nouveau sérum du {serum.serum_date:%d/%m/%Y}" in html


def test_the_instruction_pages_say_which_serum_is_newer(
    julien: User, instructed: Any, client_for: Login
) -> None:
    instruction = instructed.transfusion_instructions.get()
    serum = _new_serum(instructed)
    client = client_for(julien)
    ids = {"public_id": instructed.public_id}
    pages = [
        reverse(
            "transfusion:instruction_detail",
            kwargs={**ids, "instruction_id": instruction.public_id},
        ),
        reverse("transfusion:patient", kwargs=ids),
        reverse("transfusion:instruction", kwargs=ids),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'data-testid="review-notice"' in html, url
        assert f"un sérum du {serum.serum_date:%d/%m/%Y}" in html, url


def test_a_newer_typing_marks_the_instruction_to_review_and_a_new_version_clears_it(
    julien: User, instructed: Any
) -> None:
    instruction = instructed.transfusion_instructions.get()
    assert not instruction_review(instruction).needed
    typing = hla_typing_record(
        actor=SYSTEM,
        patient=instructed,
        typing="A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 C*15:02",
        typed_on=timezone.localdate(),
    )
    review = instruction_review(instruction)
    assert review.needed
    assert (review.typed_on, review.serum_date) == (typing.typed_on, None)

    newer = make_instruction(instructed, julien, threshold=3000)

    assert newer.typing == typing
    assert not instruction_review(newer).needed


def test_an_older_serum_entered_late_does_not_mark_the_instruction(
    julien: User, instructed: Any
) -> None:
    """A serum drawn before the instruction's own (a historical result typed in late) is not the
    patient's latest: nothing to review."""
    antibody_screen_import(
        actor=SYSTEM,
        patient=instructed,
        serum_date=timezone.localdate() - dt.timedelta(days=200),
        file_name="ancien.csv",
        data=NEW_SERUM.encode(),
    )
    assert not instruction_review(instructed.transfusion_instructions.get()).needed


def test_the_nightly_recompute_uses_the_latest_serum_and_reports_the_change(
    julien: User, instructed: Any
) -> None:
    """Issue 11 defect 4: the recompute no longer reruns the saved serum only."""
    instruction = instructed.transfusion_instructions.get()
    _new_serum(instructed)

    result = recompute_instruction(instruction, current_pool())

    assert result.newer_serum
    assert "b7" not in result.donor_ids
    assert {"A1", "A3", "B7", "B8"} <= set(result.added_unacceptable)
    out = StringIO()
    call_command("transfusion_recompute", stdout=out)
    assert "À REVOIR" in out.getvalue()
    assert "nouveaux inacceptables : A1, A3, B7, B8" in out.getvalue()
    instruction.refresh_from_db()
    assert "b7" in [d["id"] for d in instruction.donors]  # the saved version is unchanged


def test_the_nightly_job_counts_the_instructions_a_new_serum_changed(
    julien: User, instructed: Any
) -> None:
    """The scheduled job runs the command's recompute, in shares handed to the workers: one
    instruction, changed by the newer serum, and the saved version left as it was."""
    from filiere.transfusion.tasks import recompute_instruction_share, recompute_instructions

    assert recompute_instructions.delay().get() == {"patients": 1, "shares": 1}
    share = [instructed.pk]
    assert recompute_instruction_share.delay(share).get() == {"recomputed": 1, "changed": 0}
    _new_serum(instructed)
    assert recompute_instruction_share.delay(share).get() == {"recomputed": 1, "changed": 1}
    # A share holds only its patients.
    assert recompute_instruction_share.delay([]).get() == {"recomputed": 0, "changed": 0}
    instruction = instructed.transfusion_instructions.get()
    assert "b7" in [d["id"] for d in instruction.donors]
