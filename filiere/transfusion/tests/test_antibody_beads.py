"""The serum's beads, their MFI, the self beads set aside, the typing to refine, allele-specific
antibodies and the Bw4/Bw6 rule, on the instruction page, a saved version and its PDF.

Issue 11, seen 3: "bead MFIs and ignored self beads are never shown on the page or the PDF";
rules: transfusion.md §2.3 steps 2–3 (self, allele-level unacceptables, public epitopes) and §2.4
step 4 (share of an epitope's beads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import User
from filiere.transfusion.tests.factories import (
    make_instruction,
    make_pool,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]

SERUM = """\
bead,mfi
NC,300
PC,20000
A*01:01,900
A*24:02,12000
A*02:01,50
B*44:02,9100
B*44:03,8000
B*57:01,4000
C*07:02,12000
"""


def _url(name: str, patient: Any, **extra: Any) -> str:
    return reverse(name, kwargs={"public_id": patient.public_id, **extra})


def _pdf_text(content: bytes) -> str:
    """The PDF's words, one space apart (where a line wraps depends on the page layout)."""
    pages = (page.get_textpage().get_text_range() for page in pdfium.PdfDocument(content))
    return " ".join(" ".join(pages).split())


@pytest.fixture
def broad(patient: Any) -> Any:
    """Typed A2 A9 at HLA-A (broad), B*44:02 at allele level."""
    record_typing(patient, "A2 A9 B*44:02 B*51:01 Cw5")
    record_screen(patient, SERUM)
    make_pool()
    return patient


def test_the_page_shows_beads_self_to_refine_allele_specific_and_the_epitope_rule(
    julien: User, broad: Any, client_for: Login
) -> None:
    html = client_for(julien).get(_url("transfusion:instruction", broad)).content.decode()
    section = html[html.index('data-testid="antibody-beads"') :]
    assert "Typage à préciser" in section
    assert "A9 (antigène large)" in section
    assert "<code>A*24:02</code> (12\u202f000)" in section
    assert 'data-testid="allele-specific"' in section
    assert "<code>B*44:03</code> (8\u202f000)" in section
    self_beads = section[section.index('data-testid="self-beads"') :]
    assert "<code>A*02:01</code> (50), <code>B*44:02</code> (9\u202f100)" in self_beads
    assert "au moins 80\u00a0% des billes" in section or "au moins 80 % des billes" in section
    assert section.count("<tr data-status=") == 7
    assert '<tr data-status="possible_self"><td><code>A*24:02</code></td><td>12\u202f000' in section


def test_a_saved_version_and_its_pdf_show_the_beads(
    julien: User, alice: User, broad: Any, client_for: Login
) -> None:
    instruction = make_instruction(broad, julien, threshold=3000)
    detail = _url("transfusion:instruction_detail", broad, instruction_id=instruction.public_id)
    html = client_for(alice).get(detail).content.decode()
    assert 'data-testid="antibody-beads"' in html
    assert "<code>B*44:03</code> (8\u202f000)" in html
    pdf = _url("transfusion:instruction_pdf", broad, instruction_id=instruction.public_id)
    text = _pdf_text(client_for(alice).get(pdf).content)
    assert "Billes du sérum, soi et épitopes" in text
    assert "Typage à préciser : A9 (antigène large)" in text
    assert "A*24:02 (12 000)" in text
    assert "Anticorps allèle-spécifiques" in text
    assert "Billes du soi écartées : A*02:01 (50), B*44:02 (9 100)." in text
    assert "au moins 80 % des billes" in text
    assert "PS" in text
    assert "AS" in text


def test_an_allele_typed_patient_has_nothing_to_refine(
    julien: User, patient: Any, client_for: Login
) -> None:
    record_typing(patient)
    record_screen(patient)
    make_pool()
    html = client_for(julien).get(_url("transfusion:instruction", patient)).content.decode()
    assert 'data-testid="antibody-beads"' in html
    assert 'data-testid="typing-to-refine"' not in html
