"""In a real Chromium, without logging in: the directory is used with the keyboard alone (skip
link first, then the search field, then a result), and its pages pass the RGAA basics checked
here — the page's language, a label for every field, an alternative for every image, text
contrast of at least 4.5:1 (WCAG 2.1, success criterion 1.4.3; RGAA 4.1 criterion 3.2)."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.access.actors import SYSTEM
from filiere.directory.models import CentreProfile, DiagnosticTest
from filiere.directory.tests.factories import make_profile, make_test
from filiere.network.services import centre_update
from filiere.testing.factories import load_test_nomenclature, make_centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LYON = "Laboratoire d'hémostase, Hôpital Édouard-Herriot"

# Every visible field has a name a screen reader reads out: a <label>, aria-label or
# aria-labelledby (RGAA 11.1).
UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

IMAGES_WITHOUT_ALT = """() => [...document.querySelectorAll('img, [role=img]')]
  .filter(el => el.tagName === 'IMG' ? !el.hasAttribute('alt') : !el.getAttribute('aria-label'))
  .map(el => el.outerHTML)"""

# The contrast ratio of WCAG 2.1 (definitions « relative luminance » and « contrast ratio »),
# for each element holding text, against the first opaque background behind it.
LOW_CONTRAST = """() => {
  const channel = c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = el => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] === 1) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('main *, footer *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const fore = luminance(rgb(getComputedStyle(el).color));
    const back = luminance(background(el));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < 4.5) low.push(`${el.tagName} « ${text} » ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def _rgaa_basics(page: Any) -> None:
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("a.skip-link[href='#contenu']").count() == 1
    assert page.locator("#contenu").count() == 1
    assert page.evaluate(UNLABELLED_FIELDS) == []
    assert page.evaluate(IMAGES_WITHOUT_ALT) == []
    assert page.evaluate(LOW_CONTRAST) == []


def _focused(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.outerHTML"))


def _tab_to(page: Any, selector: str, limit: int = 30) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab: {_focused(page)}")


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
    _rgaa_basics(page)

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert skip.inner_text() == "Aller au contenu"
    # Hidden until focused, then on screen.
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#contenu"

    _tab_to(page, "#directory-q")
    page.keyboard.type("hemostase")
    page.keyboard.press("Enter")
    page.wait_for_url("**/annuaire/?q=hemostase")
    assert page.get_by_test_id("directory-centres").inner_text().startswith(LYON)

    _tab_to(page, "[data-testid=directory-centres] a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/annuaire/centres/{directory['lyon'].centre.public_id}/")
    assert page.locator("h1").inner_text() == LYON
    _rgaa_basics(page)

    _tab_to(page, "main a[href^='/annuaire/examens/']:not([href='/annuaire/examens/'])")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/annuaire/examens/{directory['test'].public_id}/")
    assert "Sang citraté 3,2 %" in page.get_by_test_id("test-detail").inner_text()
    _rgaa_basics(page)

    page.goto(f"{live_server.url}/annuaire/examens/")
    _rgaa_basics(page)
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
