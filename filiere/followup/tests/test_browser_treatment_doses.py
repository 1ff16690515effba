"""In a real Chromium: an absurd rFVIIa dose is refused with its message beside the dose field;
the plausible dose is recorded, marked as the usual emergency treatment, and the printed care
card (PDF) lists it. NovoSeven SmPC 4.2: 90 µg/kg in Glanzmann thrombasthenia."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.test import Client

from filiere.accounts.models import User
from filiere.followup.models import Treatment
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("atc"),
]


def _logged_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


def test_an_absurd_dose_is_refused_then_the_validated_one_is_on_the_card(
    live_server: Any,
    page: Any,
    alice: User,
    patient_a: Patient,
    centre_a: Centre,
    glanzmann: Diagnosis,
    tmp_path: Path,
) -> None:
    _logged_in(page, live_server, alice)
    base = f"{live_server.url}/suivi/patients/{patient_a.public_id}/"
    page.goto(base + "traitements/nouveau/")
    page.select_option("#id_kind", "administration")
    page.fill("#id_atc_code", "B02BD08")
    page.select_option("#id_diagnosis", str(glanzmann.pk))
    page.select_option("#id_indication", "bleed")
    page.fill("#id_dose", "900000")
    page.select_option("#id_dose_unit", "mg/kg")
    page.select_option("#id_route", "iv")
    page.fill("#id_started_on", "2024-06-01")
    page.select_option("#id_regulatory_status", "off_label")
    page.select_option("#id_off_label_framework", "cpc")
    page.fill("#id_justification", "Avis de RCP du 12/05/2024.")
    page.get_by_role("button", name="Enregistrer").click()

    beside = page.locator("#id_dose_error")
    beside.wait_for()
    assert beside.inner_text() == (
        "Dose : 900000 mg/kg est hors des bornes possibles pour eptacog alfa activé "
        "(facteur VII activé recombinant) (1–1000 µg/kg)."
    )
    page.screenshot(path=str(tmp_path / "dose-refused.png"), full_page=True)
    assert not Treatment.objects.exists()

    page.fill("#id_dose", "90")
    page.select_option("#id_dose_unit", "µg/kg")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_test_id("treatments").wait_for()
    page.get_by_role("button", name="traitement d'urgence habituel").click()
    page.get_by_test_id("usual-emergency").wait_for()
    page.screenshot(path=str(tmp_path / "usual-emergency.png"), full_page=True)

    response = page.request.get(base + "carte-de-soins.pdf")
    assert response.ok
    text = _pdf_text(response.body())
    assert "eptacog alfa activé (facteur VII activé recombinant) 90 µg/kg" in text
    assert "validé par Alice Durand" in text
    assert "Aucun traitement d'urgence validé" not in text
