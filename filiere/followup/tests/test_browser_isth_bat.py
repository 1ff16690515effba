"""In a real Chromium: the guided ISTH-BAT interview asks its questions one at a time (htmx,
under the Content-Security-Policy) and stores the score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from filiere.accounts.models import User
from filiere.followup.models import BleedingScore
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_the_interview_brings_each_next_question_and_saves_the_score(
    live_server: Any,
    page: Any,
    alice: User,
    patient_a: Patient,
    centre_a: Centre,
    tmp_path: Path,
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    _logged_in(page, live_server, alice)
    page.goto(f"{live_server.url}/suivi/patients/{patient_a.public_id}/isth-bat/nouveau/")
    epistaxis = page.get_by_test_id("bat-epistaxis")
    epistaxis.get_by_label("oui").first.check()
    question = "Saignements de nez plus de 5 fois par an ou de plus de 10 minutes ?"
    page.get_by_text(question).wait_for()
    epistaxis.locator("input[name='epistaxis-q-frequent_or_long'][value='oui']").check()
    page.get_by_text("Avez-vous consulté un médecin pour ces saignements de nez ?").wait_for()
    epistaxis.locator("input[name='epistaxis-q-consultation'][value='oui']").check()
    epistaxis.locator("input[name='epistaxis-q-local_treatment'][value='non']").wait_for()
    epistaxis.locator("input[name='epistaxis-q-local_treatment'][value='non']").check()
    epistaxis.locator("input[name='epistaxis-q-systemic_treatment'][value='non']").check()
    page.get_by_test_id("bat-epistaxis").get_by_test_id("bat-score").wait_for()
    assert "score 2" in page.get_by_test_id("bat-epistaxis").inner_text()
    for domain in (
        "cutaneous",
        "minor_wounds",
        "oral_cavity",
        "gastrointestinal",
        "haematuria",
        "tooth_extraction",
        "surgery",
        "menorrhagia",
        "postpartum_haemorrhage",
        "muscle_haematomas",
        "haemarthrosis",
        "cns",
        "other",
    ):
        page.locator(f"input[name='{domain}-present'][value='non']").check()
    page.get_by_label("Date de l'évaluation").fill("2024-03-01")
    page.screenshot(path=str(tmp_path / "isth-bat-interview.png"), full_page=True)
    page.get_by_role("button", name="Calculer et enregistrer").click()
    page.get_by_test_id("bat-total").wait_for()
    assert "Score total : 2/56" in page.get_by_test_id("bat-total").inner_text()
    assert BleedingScore.objects.get().epistaxis == 2
    # No script refused by the Content-Security-Policy (a missing favicon is not an error here).
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
