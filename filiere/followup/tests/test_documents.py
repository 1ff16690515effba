"""The emergency care card (card size and A4) and the follow-up booklet: generated from the
record, in French, dated and versioned, rendered to an image to check that it is not blank;
printing is audited; identity is printed only for a reader who may see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from django.test import Client
from PIL import ImageStat

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.care_card import NO_EMERGENCY_TREATMENT, build_care_card
from filiere.followup.pdf import render_card
from filiere.followup.services import treatment_mark_emergency
from filiere.followup.tests.helpers import record_score, record_visit, rfviia_off_label
from filiere.network.models import Centre
from filiere.network.services import centre_update
from filiere.patients.models import Diagnosis, Patient

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc")


@pytest.fixture
def record(patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User) -> Patient:
    centre_update(actor=SYSTEM, centre=centre_a, emergency_phone="04 91 00 00 01")
    record_visit(patient_a, centre_a, dt.date(2024, 3, 1), severity="severe")
    record_score(patient_a, centre_a)
    rfviia = rfviia_off_label(patient_a, centre_a, glanzmann)
    treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    return patient_a


def _pages(content: bytes) -> list[pdfium.PdfPage]:
    assert content.startswith(b"%PDF")
    return list(pdfium.PdfDocument(content))


def _text(page: pdfium.PdfPage) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def _not_blank(page: pdfium.PdfPage, path: str) -> None:
    image = page.render(scale=2).to_pil().convert("L")
    image.save(path)
    stat = ImageStat.Stat(image)
    assert stat.stddev[0] > 20, "the page looks blank"
    assert 150 < stat.mean[0] < 254  # mostly white paper, with ink on it


def test_the_care_card_fits_on_one_card_sized_page(
    record: Patient, alice: User, client_for: ClientFor, tmp_path: object
) -> None:
    response = client_for(alice).get(f"/suivi/patients/{record.public_id}/carte-de-soins.pdf")
    assert response["Content-Type"] == "application/pdf"
    (page,) = _pages(response.content)
    width, height = page.get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (171, 54)  # 2 × ID-1 card
    text = _text(page)
    for expected in (
        "Thrombasthénie de Glanzmann : maladie héréditaire des plaquettes",
        "Risque hémorragique élevé",
        "Pas d'injection intramusculaire.",
        "Pas d'aspirine ni d'anti-inflammatoire",
        "eptacog alfa activé",
        "90 µg/kg (intraveineuse) — validé par Alice Durand",
        "24 h/24 : 04 91 00 00 01",
        "modèle v1.1",
        "LEFÈVRE Élodie",  # a clinician of the following centre sees the identity
    ):
        assert expected in text, expected
    _not_blank(page, f"{tmp_path}/carte.png")
    event = AuditEvent.objects.get(action="print", patient_id=record.public_id)
    assert "avec identité" in event.summary


def test_the_a4_card_repeats_the_content_with_the_card_to_cut_out(
    record: Patient, alice: User, client_for: ClientFor, tmp_path: object
) -> None:
    url = f"/suivi/patients/{record.public_id}/carte-de-soins.pdf?format=a4"
    (page,) = _pages(client_for(alice).get(url).content)
    assert [round(x) for x in page.get_size()] == [595, 842]
    text = _text(page)
    assert "Carte de soins et d'urgence" in text
    assert "À découper, plier au milieu" in text
    assert text.count("Pas d'injection intramusculaire.") == 2
    _not_blank(page, f"{tmp_path}/carte_a4.png")


def test_without_the_right_to_see_identity_the_card_has_a_blank_line(
    record: Patient, patient_a: Patient
) -> None:
    """Every role that sees patients today also sees identity; the card is ready for one that
    would not (the name is then written by hand)."""
    card = build_care_card(patient_a, identity=None, today=dt.date(2025, 1, 1))
    assert (card.name, card.birth) == ("", "05/1990")
    text = _text(_pages(render_card(card))[0])
    assert "Nom : ...." in text
    assert "Élodie" not in text


def test_without_a_validated_emergency_treatment_the_card_says_so(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis
) -> None:
    """An rFVIIa that worked is not on the card until a clinician validates it."""
    rfviia_off_label(patient_a, centre_a, glanzmann)
    card = build_care_card(patient_a, identity=None, today=dt.date(2025, 1, 1))
    text = _text(_pages(render_card(card))[0])
    assert "Aucun traitement d'urgence validé" in text
    assert NO_EMERGENCY_TREATMENT.startswith("Aucun traitement d'urgence validé")
    assert "eptacog" not in text


def test_three_validated_treatments_with_confirmed_doses_leave_the_advice_on_the_card(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User
) -> None:
    for dose in (400, 500, 600, 700):  # NovoSeven SmPC 4.2: beyond the usual 270 µg/kg
        rfviia = rfviia_off_label(
            patient_a, centre_a, glanzmann, dose=dose, dose_confirmed=True, actor=alice
        )
        treatment_mark_emergency(actor=alice, treatment=rfviia, usual=True)
    card = build_care_card(patient_a, identity=None, today=dt.date(2025, 1, 1))
    assert len(card.emergency_treatment) == 3
    text = _text(_pages(render_card(card))[0])
    assert text.count("dose hors plage usuelle confirmée par Alice Durand") == 3
    assert "Douleur ou fièvre : paracétamol." in text  # the last line of the back still fits


def test_the_booklet_lists_the_period(
    record: Patient, alice: User, client_for: ClientFor, tmp_path: object
) -> None:
    url = f"/suivi/patients/{record.public_id}/carnet-de-suivi.pdf?du=2024-01-01&au=2024-12-31"
    pages = _pages(client_for(alice).get(url).content)
    text = " ".join(_text(page) for page in pages)
    assert "Carnet de suivi" in text
    assert "Période du 01/01/2024 au 31/12/2024" in text
    assert "01/03/2024" in text  # the visit and the score
    assert "11/56" in text
    assert "Hors AMM – Cadre de prescription compassionnelle (CPC)" in text
    _not_blank(pages[0], f"{tmp_path}/carnet.png")
    assert AuditEvent.objects.filter(
        action="print", patient_id=record.public_id, summary__contains="carnet de suivi"
    ).exists()


def test_an_outsider_cannot_print_the_card(
    record: Patient, charlie: User, client_for: ClientFor
) -> None:
    response = client_for(charlie).get(f"/suivi/patients/{record.public_id}/carte-de-soins.pdf")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="print").exists()


def test_the_booklet_prints_a_bleeds_comment(
    record: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    from filiere.followup.services import bleeding_event_record

    bleeding_event_record(
        actor=SYSTEM,
        patient=record,
        centre=centre_a,
        occurred_on=dt.date(2024, 6, 1),
        site="epistaxis",
        severity="major",
        site_detail="narine gauche",
        comment="Méchage aux urgences.",
    )
    url = f"/suivi/patients/{record.public_id}/carnet-de-suivi.pdf?du=2024-01-01&au=2024-12-31"
    pages = _pages(client_for(alice).get(url).content)
    text = " ".join(_text(page) for page in pages)
    assert "Méchage aux urgences." in text
    assert "narine gauche" in text


@pytest.mark.parametrize(
    "path",
    ["carte-de-soins.pdf", "carte-de-soins.pdf?format=a4", "carnet-de-suivi.pdf"],
)
def test_the_follow_up_documents_print_in_the_clinical_font(
    record: Patient, alice: User, client_for: ClientFor, path: str
) -> None:
    """Helvetica (a PDF base font) has no Greek letters, ≥ or ⁹: « anti-αIIbβ3 » or « ≥ 50 G/L »
    on the card came out as holes. Every document embeds the shared DejaVu font instead."""
    content = client_for(alice).get(f"/suivi/patients/{record.public_id}/{path}").content
    assert b"/BaseFont /Helvetica" not in content
    assert b"DejaVuSans" in content
