"""Issue 11: an HPA/CD36 requirement is a filter on the instruction, not a tie-breaker.

With CD36 required, every donor in the counts, the list on the page, the saved instruction and its
PDF is CD36-negative; a donor whose CD36 status is unknown is counted and listed apart, "à typer".
(An anti-CD36 patient given CD36-positive platelets is refractory to them: transfusion.md §1.3,
§2.3 step 6.5.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.hla.donors import Abo
from filiere.transfusion.tests.factories import (
    donor,
    make_instruction,
    make_pool,
    record_screen,
    record_typing,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]

# Against the factories' serum, at 3,000 MFI: "clean" typings are compatible from 500, "a3" from
# 3,000, "cw7" never, "no-c" undecidable (untyped at C, anti-Cw7 at 12,000).
CD36_DONORS = (
    donor("pos-1", "A2 A24 B44 B51 Cw5", cd36_positive=True, site="EFS Marseille"),
    donor("pos-2", "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01", cd36_positive=True),
    donor("neg-1", "A2 A24 B44 B51 Cw5", cd36_positive=False, abo=Abo.O),
    donor("neg-lille", "A2 A24 B44 B51 Cw5", region="32", cd36_positive=False),
    donor("neg-a3", "A3 A2 B44 B51 Cw5", cd36_positive=False),
    donor("neg-no-c", "A2 A24 B44 B51", region="84", cd36_positive=False),
    donor("neg-cw7", "A2 A24 B44 B51 Cw7", cd36_positive=False),
    donor("unknown", "A2 A24 B44 B51 Cw5", hpa1="bb"),
)
CD36_NEGATIVE = {"neg-1", "neg-lille", "neg-a3", "neg-no-c", "neg-cw7"}


@pytest.fixture
def ready(patient: Any) -> Any:
    record_typing(patient)
    record_screen(patient)
    make_pool(CD36_DONORS)
    return patient


def _url(name: str, patient: Any, **extra: Any) -> str:
    return reverse(name, kwargs={"public_id": patient.public_id, **extra})


def _table_ids(html: str, testid: str) -> list[str]:
    start = html.index(f'data-testid="{testid}"')
    return re.findall(r"<code>([^<]+)</code>", html[start : html.index("</table>", start)])


def test_the_page_counts_and_lists_only_cd36_negative_donors(
    julien: User, ready: Any, client_for: Login
) -> None:
    url = _url("transfusion:instruction_results", ready)
    html = (
        client_for(julien)
        .get(url, {"threshold": "3000", "rule": "any", "negative_for": "CD36"})
        .content.decode()
    )
    start = html.index('data-row-threshold="3000"')
    row = html[start : html.index("</tr>", start)]
    # Eligible at 3,000: neg-1, neg-a3 in region 93; neg-lille elsewhere. pos-1, pos-2 are out.
    assert '<td data-testid="eligible-region"><strong>2</strong>' in row
    assert '<td data-testid="eligible-nation"><strong>3</strong>' in row
    assert '<td data-testid="to-type">1 / 1</td>' in row
    listed = _table_ids(html, "ranked-donors")
    assert listed == ["neg-1", "neg-lille", "neg-a3"]
    assert set(listed) <= CD36_NEGATIVE
    assert _table_ids(html, "to-type-donors") == ["unknown"]
    assert "À typer" in html


def test_without_requirement_the_cd36_positive_donors_come_back(
    julien: User, ready: Any, client_for: Login
) -> None:
    url = _url("transfusion:instruction_results", ready)
    html = client_for(julien).get(url, {"threshold": "3000", "rule": "any"}).content.decode()
    assert "pos-1" in _table_ids(html, "ranked-donors")
    assert 'data-testid="to-type-donors"' not in html


def test_the_saved_instruction_and_its_pdf_hold_only_cd36_negative_donors(
    julien: User, alice: User, ready: Any, client_for: Login
) -> None:
    instruction = make_instruction(ready, julien, threshold=3000, negative_for=("CD36",))

    ids = [d["id"] for d in instruction.donors]
    assert ids == ["neg-1", "neg-lille", "neg-a3"]
    assert set(ids) <= CD36_NEGATIVE
    row = next(r for r in instruction.table if r["threshold"] == 3000)
    assert row["nation"] == {"eligible": 3, "to_retype": 1, "to_type": 1}
    assert row["region"] == {"eligible": 2, "to_retype": 0, "to_type": 1}
    at_500 = next(r for r in instruction.table if r["threshold"] == 500)
    assert at_500["nation"]["eligible"] == 2  # neg-1, neg-lille: every count is filtered
    assert [d["id"] for d in instruction.to_type_donors] == ["unknown"]
    saved = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, object_id=str(instruction.public_id)
    )
    assert "donneur négatif exigé pour CD36 (1 à typer listé(s) à part)" in saved.summary

    detail = _url("transfusion:instruction_detail", ready, instruction_id=instruction.public_id)
    html = client_for(alice).get(detail).content.decode()
    assert _table_ids(html, "snapshot-donors") == ids
    assert _table_ids(html, "snapshot-to-type") == ["unknown"]

    pdf = _url("transfusion:instruction_pdf", ready, instruction_id=instruction.public_id)
    content = client_for(alice).get(pdf).content
    text = " ".join(
        " ".join(page.get_textpage().get_text_range().split())
        for page in pdfium.PdfDocument(content)
    )
    assert "donneur négatif pour : CD36" in text
    apart = text.index("À typer HPA/CD36 :")
    proposed = text[text.index("Donneurs proposés") : apart]
    assert "neg-1" in proposed
    assert "neg-a3" in proposed
    assert "pos-1" not in text
    assert "pos-2" not in text
    assert "unknown" not in proposed
    assert "unknown" in text[apart:]
