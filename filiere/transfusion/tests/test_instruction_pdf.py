"""The instruction PDF carries what the version's page shows (issue 11, defect 10 and build 7):
the ranking keys with the ABO relation and "compatible dès", the to-retype counts, the warnings,
the product requirements, the cPRA and a validation block."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.hla.tests.conftest import profile
from filiere.transfusion.instructions import InstructionParams, calculated_pra, french_frequencies
from filiere.transfusion.pdf import instruction_pdf
from filiere.transfusion.services import antibody_screen_import, instruction_save
from filiere.transfusion.tests.factories import make_pool, record_screen, record_typing

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.get_textpage().get_text_range().split())
        for page in pdfium.PdfDocument(content)
    )


@pytest.fixture
def saved(patient: Any, julien: User) -> Any:
    record_typing(patient)
    record_screen(patient)
    make_pool()
    return instruction_save(
        actor=julien,
        patient=patient,
        params=InstructionParams(threshold=3000, patient_abo="A"),
        valid_until=timezone.localdate() + dt.timedelta(days=60),
        irradiated=True,
        cmv_negative=True,
        patient_rhd_positive=False,
    )


def test_the_pdf_shows_every_ranking_key_and_the_to_retype_counts(saved: Any) -> None:
    text = _text(instruction_pdf(saved))
    assert "Compatible dès" in text
    assert "ABO identique" in text  # the relation, not only the donor's group
    assert "incompatibilité ABO mineure" in text  # clean-2 is group O for an A patient
    assert "À retyper (région / France)" in text
    assert "Ordre de la liste : 1. compatible dès" in text
    assert "(prudent))" not in text
    assert "(prudent)." in text


def test_the_pdf_carries_the_product_requirements_the_cpra_and_a_validation_block(
    saved: Any,
) -> None:
    text = _text(instruction_pdf(saved))
    assert "Patient : groupe A, RhD− ; produit : irradié, CMV négatif." in text
    assert "cPRA au seuil :" in text
    assert saved.cpra is not None
    assert 0 < saved.cpra < 1
    assert "Établie et signée par Julien Moreau" in text
    assert "Validation par l'établissement de transfusion sanguine" in text


def test_the_pdf_warns_when_a_newer_serum_makes_the_instruction_to_review(saved: Any) -> None:
    antibody_screen_import(
        actor=SYSTEM,
        patient=saved.patient,
        serum_date=timezone.localdate(),
        file_name="nouveau.csv",
        data=b"bead,mfi\nNC,400\nPC,18000\nB*07:02,15000\n",
    )
    assert "À REVOIR : un sérum du" in _text(instruction_pdf(saved))


def test_the_cpra_of_an_anti_a2_is_one_minus_the_squared_share_of_a2_free_haplotypes() -> None:
    """cPRA = 1 − (1 − Σp)² (Zachary & Braun 1985, OPTN; transfusion.md §2.5). With French
    frequencies (AFND French BMDR, A2 ≈ 0.30), anti-A2 alone leaves about 49 % of donors
    compatible (transfusion.md §2.5 worked example)."""
    serum = profile("A*68:01 B*27:05", A_02_01=5000)
    value = calculated_pra(serum, 3000)
    share = french_frequencies().tables[("A",)][("A2",)]
    assert value == pytest.approx(1 - (1 - share) ** 2)
    assert 0.48 <= value <= 0.52
    assert calculated_pra(serum, 10000) == 0.0


def test_the_page_shows_every_ranking_key_its_legend_and_the_cpra(
    saved: Any, julien: User, client_for: Any
) -> None:
    """Issue 11 defect 6: every key of the ranking is a column, explained under the list; the
    cPRA shows on the page as on the PDF."""
    from django.urls import reverse

    client = client_for(julien)
    page = client.get(reverse("transfusion:instruction", args=[saved.patient.public_id]))
    html = page.content.decode()
    assert 'data-testid="ranking-legend"' in html
    assert 'data-testid="lowest-threshold"' in html
    assert 'data-testid="cpra"' in html
    assert html.index("Compatible dès (MFI)") < html.index("Σ MFI") < html.index(">Grade<")
    detail = client.get(
        reverse("transfusion:instruction_detail", args=[saved.patient.public_id, saved.public_id])
    ).content.decode()
    assert 'data-testid="ranking-legend"' in detail
    assert 'data-testid="requirements">irradié, CMV négatif' in detail
