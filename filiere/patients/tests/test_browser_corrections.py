"""In a real Chromium: a clinician corrects a genetic result, then reads its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.patients import services
from filiere.patients.models import GeneticFinding, Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_clinician_corrects_a_genetic_finding_and_sees_its_history(
    live_server: Any, page: Any, alice: User, patient_a: Patient
) -> None:
    finding = services.genetic_finding_record(
        actor=alice,
        patient=patient_a,
        gene="ITGB3",
        hgvs="NM_000212.3:c.1697G>A",
        zygosity=GeneticFinding.Zygosity.HOMOZYGOUS,
        acmg_class=GeneticFinding.AcmgClass.PATHOGENIC,
        technique=GeneticFinding.Technique.PANEL,
    )
    # Recorded last week: the correction needs a reason.
    GeneticFinding.objects.filter(pk=finding.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7)
    )
    _logged_in(page, live_server, alice)
    page.goto(f"{live_server.url}/patients/{patient_a.public_id}/")
    page.get_by_test_id("record-correct").first.click()
    page.get_by_label("Zygotie").select_option("heterozygous")
    page.get_by_role("button", name="Enregistrer la correction").click()
    # Refused without a reason, nothing lost on screen.
    assert page.get_by_label("Zygotie").input_value() == "heterozygous"
    page.get_by_label("Motif de la correction").fill("Compte rendu du laboratoire relu")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.wait_for_url(f"**/patients/{patient_a.public_id}/")
    assert "Hétérozygote" in page.locator("#genetics ~ table").first.inner_text()

    page.get_by_test_id("record-history").first.click()
    history = page.get_by_test_id("history").inner_text()
    assert "Version 2" in history
    assert "Version 1" in history
    assert "Compte rendu du laboratoire relu" in history
    assert "Homozygote" in history
    assert "Hétérozygote" in history
    assert "Alice Durand" in history
