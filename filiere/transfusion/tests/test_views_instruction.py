"""The dynamic instruction page, its live results, saving a version, a version and its PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.models import TransfusionInstruction
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_pool,
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


def _url(name: str, patient: Any, **extra: Any) -> str:
    return reverse(name, kwargs={"public_id": patient.public_id, **extra})


def test_the_page_shows_six_thresholds_by_region_and_nation_and_the_ranked_donors(
    julien: User, ready: Any, client_for: Login
) -> None:
    response = client_for(julien).get(_url("transfusion:instruction", ready))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-row-threshold=") == 6
    assert 'data-threshold="2000"' in html  # the default threshold
    assert "<code>clean-1</code>" in html
    assert "<code>cw7</code>" not in html
    assert 'data-testid="save-instruction"' in html
    assert 'hx-get="' + _url("transfusion:instruction_results", ready) in html


def test_changing_the_threshold_recomputes_the_results_live(
    alice: User, ready: Any, client_for: Login
) -> None:
    url = _url("transfusion:instruction_results", ready)
    low = client_for(alice).get(url, {"threshold": "500", "rule": "any"}).content.decode()
    high = client_for(alice).get(url, {"threshold": "10000", "rule": "any"}).content.decode()
    assert 'data-threshold="500"' in low
    assert 'data-threshold="10000"' in high
    assert "<code>a3</code>" not in low  # anti-A3 at 2,500 ≥ 500
    assert "<code>a11</code>" in high  # anti-A11 at 6,000 < 10,000
    assert "<html" not in low  # a fragment for htmx


def test_each_live_update_is_an_audited_read(alice: User, ready: Any, client_for: Login) -> None:
    client_for(alice).get(_url("transfusion:instruction_results", ready), {"threshold": "5000"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=alice)
    assert event.patient_id == ready.public_id
    assert "5000" in event.summary


def test_a_clinician_sees_the_page_but_has_no_save_button(
    alice: User, ready: Any, client_for: Login
) -> None:
    html = client_for(alice).get(_url("transfusion:instruction", ready)).content.decode()
    assert 'data-testid="save-instruction"' not in html


def test_without_serum_the_page_asks_for_one(julien: User, patient: Any, client_for: Login) -> None:
    html = client_for(julien).get(_url("transfusion:instruction", patient)).content.decode()
    assert 'data-testid="missing-data"' in html


def test_julien_saves_an_instruction_and_lands_on_the_version(
    julien: User, ready: Any, client_for: Login
) -> None:
    response = client_for(julien).post(
        _url("transfusion:instruction_save", ready),
        {
            "threshold": "5000",
            "rule": "all",
            "patient_abo": "O",
            "negative_for": ["HPA-1a"],
            "valid_until": "2099-01-01",
            "note": "Grade B accepté faute de donneur A.",
        },
    )
    assert response.status_code == 200  # the form stays: a year at most
    assert "au plus un an" in response.content.decode()
    assert not TransfusionInstruction.objects.exists()

    from django.utils import timezone

    valid = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = client_for(julien).post(
        _url("transfusion:instruction_save", ready),
        {
            "threshold": "5000",
            "rule": "all",
            "patient_abo": "O",
            "negative_for": ["HPA-1a"],
            "valid_until": valid,
            "note": "Grade B accepté faute de donneur A.",
        },
    )
    instruction = TransfusionInstruction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(
        "transfusion:instruction_detail", ready, instruction_id=instruction.public_id
    )
    assert (instruction.threshold, instruction.rule, instruction.patient_abo) == (5000, "all", "O")
    assert instruction.negative_for == ["HPA-1a"]


@pytest.mark.parametrize("outsider", ["alice", "charlie", "victor"])
def test_only_a_regional_specialist_may_save(
    outsider: str, ready: Any, client_for: Login, request: pytest.FixtureRequest
) -> None:
    """alice (the patient's clinician) may look but not sign; charlie and victor see nothing.
    The page refuses with the audited 404 (the service trusts its caller)."""
    user = request.getfixturevalue(outsider)
    response = client_for(user).post(
        _url("transfusion:instruction_save", ready),
        {"threshold": "2000", "rule": "any", "valid_until": "2030-01-01"},
    )
    assert response.status_code == 404
    assert not TransfusionInstruction.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=user, patient_id=ready.public_id
    ).exists()


def test_save_refuses_get(julien: User, ready: Any, client_for: Login) -> None:
    assert client_for(julien).get(_url("transfusion:instruction_save", ready)).status_code == 405


def test_a_saved_version_and_its_pdf(
    julien: User, alice: User, ready: Any, client_for: Login
) -> None:
    instruction = make_instruction(ready, julien, threshold=3000)
    detail = _url("transfusion:instruction_detail", ready, instruction_id=instruction.public_id)
    pdf = _url("transfusion:instruction_pdf", ready, instruction_id=instruction.public_id)

    html = client_for(alice).get(detail).content.decode()
    assert 'data-testid="threshold">3\u202f000<' in html
    assert "A11, Cw7" in html

    response = client_for(alice).get(pdf)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    printed = AuditEvent.objects.get(action=AuditEvent.Action.PRINT)
    assert (printed.actor, printed.patient_id) == (alice, ready.public_id)


def test_a_version_is_not_reachable_through_another_patient(
    julien: User, alice: User, ready: Any, centre_a: Any, client_for: Login
) -> None:
    from filiere.testing.factories import make_patient

    instruction = make_instruction(ready, julien)
    other = make_patient(centre_a)
    url = _url("transfusion:instruction_detail", other, instruction_id=instruction.public_id)
    assert client_for(alice).get(url).status_code == 404


@pytest.mark.parametrize("outsider", ["charlie", "victor"])
@pytest.mark.parametrize(
    "name",
    [
        "transfusion:instruction",
        "transfusion:instruction_results",
        "transfusion:instruction_detail",
        "transfusion:instruction_pdf",
    ],
)
def test_outsiders_get_404_everywhere(
    name: str,
    outsider: str,
    julien: User,
    ready: Any,
    client_for: Login,
    request: pytest.FixtureRequest,
) -> None:
    instruction = make_instruction(ready, julien)
    extra = {"instruction_id": instruction.public_id} if "detail" in name or "pdf" in name else {}
    response = client_for(request.getfixturevalue(outsider)).get(_url(name, ready, **extra))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PRINT).exists()
