"""In a real Chromium: a transfusion specialist logs in, opens the dynamic instruction, changes
the threshold (the table is recomputed live by htmx) and saves the instruction."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.accounts.models import User
from filiere.testing.factories import PASSWORD, fresh_totp_code
from filiere.transfusion.models import TransfusionInstruction
from filiere.transfusion.tests.factories import (
    make_pool,
    make_refractory,
    record_screen,
    record_typing,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.locator("input[name=code]").fill(fresh_totp_code())
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")


def test_specialist_changes_the_threshold_and_saves_an_instruction(
    live_server: Any, page: Any, julien: User, patient: Any
) -> None:
    record_typing(patient)
    record_screen(patient)
    make_refractory(patient)
    make_pool()
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    _log_in(page, live_server.url, julien)

    # The transfusion page draws its trend chart from static code only.
    page.goto(f"{live_server.url}/transfusion/patients/{patient.public_id}/")
    assert page.get_by_test_id("refractoriness").is_visible()
    page.wait_for_function("document.getElementById('transfusion-chart').width > 0")

    page.get_by_test_id("open-instruction").click()
    results = page.get_by_test_id("instruction-results")
    assert results.get_attribute("data-threshold") == "2000"
    a3_before = page.locator("code", has_text="a3").count()

    page.locator("select[name=threshold]").select_option("5000")
    page.wait_for_selector('[data-testid="instruction-results"][data-threshold="5000"]')
    assert page.locator("tr.chosen").get_attribute("data-row-threshold") == "5000"
    assert page.locator("code", has_text="a3").count() > a3_before  # anti-A3 is 2,500 MFI

    page.get_by_test_id("save-instruction").click()
    page.wait_for_url("**/consignes/**")
    assert page.get_by_test_id("threshold").inner_text() == "5\u202f000"

    instruction = TransfusionInstruction.objects.get(patient=patient)
    assert (instruction.version, instruction.threshold, instruction.author) == (1, 5000, julien)
    assert violations == []


def test_the_trend_chart_places_transfusions_by_date(
    live_server: Any, page: Any, julien: User, patient: Any
) -> None:
    """Issue 11, defect 10: the chart spaced points evenly whatever their dates. Transfusions
    30, 6 and 2 days ago sit 24 and 4 days apart on a time axis; only axes with data are drawn."""
    import datetime as dt

    from django.utils import timezone

    from filiere.transfusion.tests.factories import make_transfusion

    make_transfusion(patient, counts=(8, 40, 30), ended_at=timezone.now() - dt.timedelta(days=30))
    make_refractory(patient)
    _log_in(page, live_server.url, julien)
    page.goto(f"{live_server.url}/transfusion/patients/{patient.public_id}/")
    page.wait_for_function("document.getElementById('transfusion-chart').width > 0")
    chart = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById('transfusion-chart'));
            return {
                type: chart.scales.x.type,
                axes: Object.keys(chart.scales).sort(),
                xs: chart.getDatasetMeta(0).data.map((point) => point.x),
            };
        }"""
    )
    assert chart["type"] == "linear"
    assert chart["axes"] == ["cci", "rtp", "x"]
    first, second, third = chart["xs"]
    assert (second - first) / (third - second) == pytest.approx(24 / 4, rel=0.01)
