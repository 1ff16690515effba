"""Crossmatches and the donor of each transfusion (issue 11, build 5): a positive crossmatch sets
the donor aside like a hard filter, a negative one is shown, and an earlier transfusion from a
donor shows its outcome when the donor is proposed again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.models import Crossmatch
from filiere.transfusion.services import crossmatch_record
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_pool,
    make_transfusion,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def ready(patient: Any) -> Any:
    record_typing(patient)
    record_screen(patient)
    make_pool()
    return patient


def _crossmatch(patient: Any, donor: str, result: str, actor: Actor = SYSTEM) -> Crossmatch:
    return crossmatch_record(
        actor=actor,
        patient=patient,
        donor_identifier=donor,
        result=result,
        tested_on=timezone.localdate() - dt.timedelta(days=1),
    )


def _row(instruction: Any, threshold: int) -> dict[str, Any]:
    return next(r for r in instruction.table if r["threshold"] == threshold)


def test_a_positive_crossmatch_removes_the_donor_from_the_list_and_the_counts(
    julien: User, ready: Any
) -> None:
    """A positive crossmatch covers HLA and HPA antibodies alike (transfusion.md §2.1): the donor
    is neither counted nor proposed, in the saved instruction as on the page."""
    before = make_instruction(ready, julien, threshold=3000)
    assert "clean-1" in [d["id"] for d in before.donors]

    _crossmatch(ready, "clean-1", Crossmatch.Result.POSITIVE, julien)
    after = make_instruction(ready, julien, threshold=3000)

    assert "clean-1" not in [d["id"] for d in after.donors]
    assert _row(after, 3000)["nation"]["eligible"] == _row(before, 3000)["nation"]["eligible"] - 1
    assert _row(after, 3000)["region"]["eligible"] == _row(before, 3000)["region"]["eligible"] - 1
    assert after.crossmatched == ["clean-1"]


def test_a_negative_crossmatch_is_shown_beside_the_donor(
    julien: User, ready: Any, client_for: Login
) -> None:
    _crossmatch(ready, "clean-2", Crossmatch.Result.NEGATIVE, julien)
    instruction = make_instruction(ready, julien, threshold=3000)
    donor = next(d for d in instruction.donors if d["id"] == "clean-2")
    assert donor["crossmatch_negative"] == [
        f"{timezone.localdate() - dt.timedelta(days=1):%d/%m/%Y}"
    ]
    html = client_for(julien).get(reverse("transfusion:instruction", args=[ready.public_id]))
    assert 'data-testid="crossmatch-negative"' in html.content.decode()


def test_the_latest_crossmatch_of_a_donor_decides(julien: User, ready: Any) -> None:
    _crossmatch(ready, "clean-1", Crossmatch.Result.POSITIVE, julien)
    crossmatch_record(
        actor=julien,
        patient=ready,
        donor_identifier="clean-1",
        result=Crossmatch.Result.NEGATIVE,
        tested_on=timezone.localdate(),
    )
    instruction = make_instruction(ready, julien, threshold=3000)
    assert "clean-1" in [d["id"] for d in instruction.donors]


def test_a_crossmatch_with_an_unknown_donor_is_refused_and_nothing_is_saved(
    julien: User, ready: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        _crossmatch(ready, "nobody", Crossmatch.Result.POSITIVE, julien)
    assert "Identifiant du donneur" in error.value.message_dict["donor_identifier"][0]
    assert not Crossmatch.objects.exists()


def test_the_crossmatch_form_records_and_audits(
    julien: User, ready: Any, client_for: Login
) -> None:
    url = reverse("transfusion:crossmatch_add", args=[ready.public_id])
    response = client_for(julien).post(
        url,
        {"donor_identifier": "a3", "result": "positive", "tested_on": timezone.localdate()},
    )
    assert response.status_code == 302
    assert Crossmatch.objects.get().donor_identifier == "a3"
    assert AuditEvent.objects.filter(object_type="transfusion.crossmatch").exists()


def test_the_crossmatch_result_is_never_preselected(
    julien: User, ready: Any, client_for: Login
) -> None:
    """Seen on the instruction page: the result select opened on « positif », so a crossmatch
    saved without looking excluded a good donor (or, reordered, kept a bad one)."""
    page = client_for(julien).get(reverse("transfusion:instruction", args=[ready.public_id]))
    assert "— choisir —" in page.content.decode()
    url = reverse("transfusion:crossmatch_add", args=[ready.public_id])
    response = client_for(julien).post(
        url, {"donor_identifier": "a3", "result": "", "tested_on": timezone.localdate()}
    )
    assert response.status_code == 200
    assert "Résultat" in response.content.decode()
    assert not Crossmatch.objects.exists()


def test_an_outsider_cannot_record_a_crossmatch(
    charlie: User, ready: Any, client_for: Login
) -> None:
    url = reverse("transfusion:crossmatch_add", args=[ready.public_id])
    response = client_for(charlie).post(
        url,
        {"donor_identifier": "a3", "result": "positive", "tested_on": timezone.localdate()},
    )
    assert response.status_code == 404
    assert not Crossmatch.objects.exists()


def test_an_earlier_transfusion_from_a_proposed_donor_shows_its_outcome(
    julien: User, ready: Any, client_for: Login
) -> None:
    """The outcome is the per-transfusion verdict of the efficacy module (CCI at 1 h by
    default: Stanworth et al., Br J Haematol 2015)."""
    make_transfusion(ready, counts=(8, 12, 9), donor_identifier="clean-1")  # CCI 1 h < 7.5
    make_transfusion(ready, counts=(10, 45, 35), donor_identifier="clean-2")

    instruction = make_instruction(ready, julien, threshold=3000)

    by_id = {d["id"]: d for d in instruction.donors}
    assert [p["verdict"] for p in by_id["clean-1"]["previous"]] == ["ineffective"]
    assert [p["verdict"] for p in by_id["clean-2"]["previous"]] == ["effective"]
    assert by_id["a3"]["previous"] == []
    detail = reverse(
        "transfusion:instruction_detail", args=[ready.public_id, instruction.public_id]
    )
    html = client_for(julien).get(detail).content.decode()
    assert html.count('data-testid="previous-transfusion"') == 2


def test_the_transfusion_form_records_the_donor(
    julien: User, ready: Any, client_for: Login
) -> None:
    from filiere.transfusion.forms import TransfusionForm

    assert "donor_identifier" in TransfusionForm().fields
    transfusion = make_transfusion(ready, counts=(10, 45, 35), donor_identifier=" clean-1 ")
    assert transfusion.donor_identifier == "clean-1"
