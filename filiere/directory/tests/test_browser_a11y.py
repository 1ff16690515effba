"""In a real Chromium, without logging in: the directory is used with the keyboard alone (skip
link first, then the search field, then a result), and its pages pass the RGAA basics checked
here — the page's language, a label for every field, an alternative for every image, text
contrast of at least 4.5:1 (WCAG 2.1, success criterion 1.4.3; RGAA 4.1 criterion 3.2)."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.access.actors import SYSTEM
from filiere.core.tests.a11y import (
    LOW_CONTRAST,
    UNLABELLED_FIELDS,
    rgaa_basics,
    tab_to,
)
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.tests.factories import make_profile, make_test
from filiere.network.services import centre_update
from filiere.testing.factories import load_test_nomenclature, make_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LYON = "Laboratoire d'hémostase, Hôpital Édouard-Herriot"


@pytest.fixture
def directory() -> dict[str, Any]:
    load_test_nomenclature()
    crpp = make_centre(name="CRPP Marseille", city="Marseille", region="93")
    centre_update(actor=SYSTEM, centre=crpp, phone="04 91 00 00 01", email="crpp@hopital.test")
    lyon = make_centre(name=LYON, city="Lyon", region="84")
    return {
        "crpp": make_profile(crpp),
        "lyon": make_profile(lyon, disease_codes=["ORPHA:721"]),
        "test": make_test(lyon, name="Microscopie électronique des plaquettes"),
    }


def test_the_directory_is_used_by_keyboard_alone(
    live_server: Any, page: Any, directory: dict[str, Any]
) -> None:
    page.goto(f"{live_server.url}/annuaire/")
    rgaa_basics(page)

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert skip.inner_text() == "Aller au contenu"
    # Hidden until focused, then on screen.
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#contenu"

    tab_to(page, "#directory-q")
    page.keyboard.type("hemostase")
    page.keyboard.press("Enter")
    page.wait_for_url("**/annuaire/?q=hemostase")
    assert page.get_by_test_id("directory-centres").inner_text().startswith(LYON)

    tab_to(page, "[data-testid=directory-centres] a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/annuaire/centres/{directory['lyon'].centre.public_id}/")
    assert page.locator("h1").inner_text() == LYON
    rgaa_basics(page)

    tab_to(page, "main a[href^='/annuaire/examens/']:not([href='/annuaire/examens/'])")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/annuaire/examens/{directory['test'].public_id}/")
    assert "Sang citraté 3,2 %" in page.get_by_test_id("test-detail").inner_text()
    rgaa_basics(page)

    page.goto(f"{live_server.url}/annuaire/examens/")
    rgaa_basics(page)
    assert CentreProfile.objects.count() == 2
    assert DiagnosticTest.objects.count() == 1


def test_the_checks_see_a_missing_label_and_a_pale_text(
    live_server: Any, page: Any, directory: dict[str, Any]
) -> None:
    page.goto(f"{live_server.url}/annuaire/")
    page.evaluate(
        """() => {
      const pale = document.createElement('p');
      pale.textContent = 'Texte trop pâle';
      pale.style.color = '#cccccc';
      pale.style.backgroundColor = '#ffffff';
      document.querySelector('main').append(pale, document.createElement('input'));
    }"""
    )
    assert page.evaluate(UNLABELLED_FIELDS) == ["<input>"]
    (low,) = page.evaluate(LOW_CONTRAST)
    assert low.startswith("P « Texte trop pâle » 1.6")
