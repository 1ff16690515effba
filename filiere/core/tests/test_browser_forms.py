"""In a real Chromium: every form page of the app shows each checkbox beside its own label, and
the ORPHA suggestions open right under their field and are chosen with the keyboard or a click.

Before: "Grave" stood next to "Description *" (adverse event), "Absent (exclu explicitement)"
next to "Début" (phenotype), "Cas index" read "☑ Lien avec le cas index" (genetics); the ORPHA
suggestions appeared ~3,000 px below the field, could not be clicked, and "thrombasthenie"
found nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import User
from filiere.core.tests.test_access_matrix import OBJECT_ROUTES, PUBLIC_PAGES, our_patterns
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The form pages that must have been opened (the brief of issue 10).
FORM_PAGES = {
    "patients:register",
    "patients:identity_edit",
    "patients:status_edit",
    "patients:diagnosis_add",
    "patients:diagnosis_edit",
    "patients:finding_add",
    "patients:phenotype_add",
    "patients:workup_add",
    "patients:consent_add",
    "patients:episode_add",
    "followup:visit_add",
    "followup:visit_edit",
    "followup:bleed_add",
    "followup:isth_bat_add",
    "followup:treatment_add",
    "followup:treatment_edit",
    "followup:adverse_event_add",
    "followup:rules",
    "meetings:case_create",
    "meetings:case_edit",
    "meetings:case_triage",
    "meetings:recommendation_edit",
    "meetings:series_create",
    "meetings:series_edit",
    "meetings:meeting_create",
    "meetings:meeting_edit",
    "transfusion:transfusion_add",
    "transfusion:typing_add",
    "transfusion:screen_add",
    "accounts:profile",
}
# A few labels checked by their text, beyond "the label beside the box is the box's own".
KNOWN_LABELS = {
    ("followup:adverse_event_add", "serious"): "Grave",
    ("patients:phenotype_add", "excluded"): "Absent (exclu explicitement)",
    ("patients:finding_add", "is_index_case"): "Cas index de la famille",
}
NOT_HTML = re.compile(r"\.(pdf|csv|ics|xml)$")

# For each checkbox: the text of the label holding it (or label[for]), whether a label holds
# it, and the text drawn just right of the box (what the eye reads as its label).
CHECKBOXES_JS = """
() => [...document.querySelectorAll("main input[type=checkbox]")]
  .filter((box) => box.offsetParent !== null)
  .map((box) => {
    const holder = box.closest("label");
    const byFor = box.id ? document.querySelector(`label[for="${CSS.escape(box.id)}"]`) : null;
    const label = holder || byFor;
    box.scrollIntoView({ block: "center" });
    const rect = box.getBoundingClientRect();
    const right = document.elementFromPoint(rect.right + 6, rect.top + rect.height / 2);
    const beside = right ? right.closest("label") : null;
    return {
      name: box.name,
      value: box.value,
      label: label ? label.textContent.replace(/\\s+/g, " ").trim() : null,
      sameLabelBeside: Boolean(label && beside === label),
      besideText: beside ? beside.textContent.replace(/\\s+/g, " ").trim() : null,
    };
  })
"""


def _log_in(page: Any, live_server: Any, user: User) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _worlds(centre: Centre, user: User) -> dict[str, dict[str, Any]]:
    """One object of each kind for centre A, built once (the access matrix's builders)."""
    from filiere.testing.followup import matrix_world as followup_world
    from filiere.testing.meetings import matrix_world as meetings_world

    by_builder = {"_rcp": meetings_world(centre, user), "_followup": followup_world(centre)}
    for name in ("patients:detail", "patients:diagnosis_edit", "transfusion:instruction_detail"):
        builder = OBJECT_ROUTES[name]
        by_builder[builder.__qualname__] = builder(centre, user)
    return by_builder


def _object_kwargs(name: str, worlds: dict[str, dict[str, Any]], centre: Centre, user: User) -> Any:
    builder = OBJECT_ROUTES[name]
    owner = builder.__qualname__.split(".")[0]
    return worlds[owner] if owner in worlds else builder(centre, user)


def _form_pages(centre: Centre, alice: User, others: list[User]) -> list[tuple[str, str, User]]:
    """(route name, URL, persona) of every HTML page of ours holding a form."""
    worlds = _worlds(centre, alice)
    pages = []
    for name, route, _ in our_patterns():
        if name in PUBLIC_PAGES or NOT_HTML.search(route):
            continue
        if "<" in route:
            if name not in OBJECT_ROUTES:
                continue
            kwargs = _object_kwargs(name, worlds, centre, alice)
            params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            url = reverse(name, kwargs={k: v for k, v in kwargs.items() if k in params})
            personas = [alice]
        else:
            url = reverse(name)
            personas = [alice, *others]
        for persona in personas:
            client = Client()
            client.force_login(persona)
            response = client.get(url)
            if (
                response.status_code == 200
                and response["Content-Type"].startswith("text/html")
                and b"<form" in response.content
                and b'method="post"' in response.content
            ):
                pages.append((name, url, persona))
                break
    return pages


def test_every_checkbox_of_every_form_page_stands_beside_its_own_label(
    live_server: Any, page: Any, centre_a: Centre, alice: User, nomenclature: None
) -> None:
    sophie = make_user(email="sophie@hopital.test", first_name="Sophie", last_name="Bernard")
    give_role(sophie, centre_a, Role.RCP_COORDINATOR)
    give_role(sophie, centre_a, Role.CLINICIAN)
    marc = make_user(email="coord@filiere.test", first_name="Marc", last_name="Dubois")
    give_role(marc, centre_a, Role.NETWORK_COORDINATOR)
    pages = _form_pages(centre_a, alice, [sophie, marc])
    assert not FORM_PAGES - {name for name, _, _ in pages}
    wrong: list[str] = []
    checked = 0
    persona = None
    for name, url, user in pages:
        if user != persona:
            _log_in(page, live_server, user)
            persona = user
        page.goto(live_server.url + url)
        for box in page.evaluate(CHECKBOXES_JS):
            checked += 1
            where = f"{name} {box['name']}={box['value']}"
            if not box["label"]:
                wrong.append(f"{where}: no label")
            elif not box["sameLabelBeside"]:
                wrong.append(f"{where}: « {box['besideText']} » beside « {box['label']} »")
            known = KNOWN_LABELS.get((name, box["name"]))
            if known and box["label"] != known:
                wrong.append(f"{where}: « {box['label']} », not « {known} »")
    assert not wrong, "\n".join(wrong)
    assert checked >= 20


def test_orpha_suggestions_open_under_the_field_and_are_chosen_with_the_keyboard(
    live_server: Any, page: Any, alice: User, patient_a: Patient
) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    _log_in(page, live_server, alice)
    page.goto(f"{live_server.url}/patients/{patient_a.public_id}/diagnostics/nouveau/")
    field = page.get_by_role("combobox", name="Code ORPHA")
    field.press_sequentially("thrombasthenie", delay=20)
    option = page.get_by_role("option", name="ORPHA:849 Thrombasthénie de Glanzmann")
    option.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    under, box = option.bounding_box(), field.bounding_box()
    assert abs(under["y"] - (box["y"] + box["height"])) < 8, (under, box)
    assert abs(under["x"] - box["x"]) < 8, (under, box)

    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "orpha-option-849"
    assert option.get_attribute("aria-selected") == "true"
    field.press("Enter")
    assert field.input_value() == "ORPHA:849"
    assert field.get_attribute("aria-expanded") == "false"
    assert option.is_hidden()
    assert "/diagnostics/nouveau/" in page.url  # Enter chose; it did not submit the form

    field.fill("")
    field.press_sequentially("GLANZMANN", delay=20)
    option.wait_for()
    field.press("Escape")
    assert option.is_hidden()
    field.press_sequentially(" thromb", delay=20)
    option.wait_for()
    option.click()
    assert field.input_value() == "ORPHA:849"
    assert not violations, violations
