"""In a real Chromium, without logging in: a registrant reaches an event from the list, registers
with the keyboard alone and lands on her personal page; the pages pass the RGAA basics
(filiere/core/tests/a11y.py)."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.core.tests.a11y import rgaa_basics, tab_to
from filiere.events.models import Registration
from filiere.events.tests.factories import make_event, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_registrant_registers_by_keyboard_alone(live_server: Any, page: Any) -> None:
    event = make_event(seats=1, title="Journée nationale des thrombopathies")
    register(event, 1)
    page.goto(f"{live_server.url}/evenements/")
    rgaa_basics(page)

    tab_to(page, "[data-testid=upcoming-events] a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/evenements/{event.public_id}/")
    assert page.get_by_test_id("full").is_visible()
    rgaa_basics(page)

    tab_to(page, "#id_name")
    page.keyboard.type("Dr Inès Garnier")
    page.keyboard.press("Tab")
    page.keyboard.type("ines.garnier@chu-lille.test")
    page.keyboard.press("Tab")
    page.keyboard.type("Médecin hématologue")
    page.keyboard.press("Tab")
    page.keyboard.type("CHU de Lille")
    tab_to(page, "#id_consent_to_email")
    page.keyboard.press("Space")
    tab_to(page, "[data-testid=registration-form] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/evenements/inscription/**")
    assert "position 1" in page.get_by_test_id("registration-status").inner_text()
    rgaa_basics(page)
    assert Registration.objects.filter(status="liste_attente").count() == 1
