"""The requesting team's copy of a signed avis: the identity traits it carries, its header and
the band on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import clinical_fonts, grid_table
from filiere.meetings.models import Recommendation
from filiere.meetings.pdf.common import when


@dataclass(frozen=True)
class IdentityTraits:
    """The identity traits a document for the hospital record carries (RNIV): the strict
    traits, the used name and first name when stored, and the INS with its OID only when the
    identity is qualified (an INS travels only with a qualified identity)."""

    birth_name: str
    first_given_name: str
    birth_date: dt.date
    sex: str
    status: str
    birth_place_insee: str = ""
    used_name: str = ""
    used_first_name: str = ""
    ins_matricule: str = ""
    ins_oid: str = ""
    ins_kind: str = ""

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("Nom de naissance", self.birth_name.upper()),
            ("Premier prénom de naissance", self.first_given_name),
            ("Date de naissance", f"{self.birth_date:%d/%m/%Y}"),
            ("Sexe", self.sex),
        ]
        if self.birth_place_insee:
            rows.append(("Lieu de naissance (code INSEE)", self.birth_place_insee))
        if self.used_name:
            rows.append(("Nom utilisé", self.used_name.upper()))
        if self.used_first_name:
            rows.append(("Prénom utilisé", self.used_first_name))
        if self.ins_matricule:
            kind = f"{self.ins_kind}, " if self.ins_kind else ""
            rows.append(("Matricule INS", f"{self.ins_matricule} ({kind}OID {self.ins_oid})"))
        rows.append(("Statut de l'identité", self.status))
        return rows

    def line(self) -> str:
        """« DURAND Élodie · née le 02/03/2010 · F · INS 2100…»: the band on every page."""
        parts = [
            f"{self.birth_name.upper()} {self.first_given_name}",
            f"né(e) le {self.birth_date:%d/%m/%Y}",
            self.sex,
        ]
        if self.used_name or self.used_first_name:
            used = f"{self.used_name.upper()} {self.used_first_name}".strip()
            parts.append(f"nom/prénom utilisés : {used}")
        if self.ins_matricule:
            parts.append(f"INS {self.ins_matricule}")
        return " · ".join(parts)


@dataclass(frozen=True)
class RecordCopy:
    """What turns a signed avis into the requesting team's copy for the patient's record."""

    identity: IdentityTraits
    made_at: dt.datetime


def record_copy_band(copy: RecordCopy, pseudonym: str, version: int) -> Callable[[Any, Any], None]:
    """The identity traits at the top of every page, and the copy's nature at the bottom."""
    regular, bold = clinical_fonts()
    top = copy.identity.line()
    bottom = (
        f"Copie pour le dossier du patient de l'avis {pseudonym} version {version} — "
        f"identité réservée à l'équipe de soins ; ne pas transmettre aux experts. "
    )

    def draw(canvas: Any, document: Any) -> None:
        _width, height = A4
        canvas.saveState()
        canvas.setFont(bold, 8)
        canvas.drawString(18 * mm, height - 9 * mm, top)
        canvas.setFont(regular, 7)
        canvas.drawString(18 * mm, 8 * mm, bottom + f"Page {document.page}")
        canvas.restoreState()

    return draw


def record_copy_header(
    recommendation: Recommendation, copy: RecordCopy, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    rows: list[list[Any]] = [["Identité du patient", ""]]
    rows += [[label, escape(value)] for label, value in copy.identity.rows()]
    return [
        Paragraph("Copie pour le dossier du patient", styles["h2"]),
        Paragraph(
            f"Copie conforme de l'avis signé, <b>version {recommendation.version}</b>, signée le "
            f"{when(recommendation.signed_at)} (empreinte SHA-256 du document signé "
            f"{escape(recommendation.pdf_sha256[:16])}…), complétée de l'identité du patient "
            f"pour son dossier ; copie produite le {when(copy.made_at)}. L'avis transmis aux "
            "experts reste pseudonymisé.",
            styles["body"],
        ),
        Spacer(1, 2 * mm),
        grid_table(rows, [60 * mm, 114 * mm]),
        Spacer(1, 3 * mm),
    ]
