"""File names of the avis documents: by meeting date, pseudonym and version."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from filiere.meetings.models import Ratification, Recommendation


def _ascii_part(value: str) -> str:
    """Letters, digits and hyphens only: a file name every mail client and file system keeps."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", value).strip("-")


def avis_filename(day: dt.date, pseudonym: str, version: int, suffix: str = "") -> str:
    """« avis-RCP_2026-12-22_MHE-7K3Q-9D2P_v2.pdf »: the avis documents of one patient sort by
    meeting date and version; ``suffix`` names a document derived from that version
    (« copie-dossier », « ratification »)."""
    name = f"avis-RCP_{day:%Y-%m-%d}_{_ascii_part(pseudonym)}_v{version}"
    return f"{name}_{_ascii_part(suffix)}.pdf" if suffix else f"{name}.pdf"


def recommendation_filename(recommendation: Recommendation, suffix: str = "") -> str:
    return avis_filename(
        timezone.localtime(recommendation.meeting.starts_at).date(),
        recommendation.case.patient.pseudonym,
        recommendation.version,
        suffix,
    )


def ratification_filename(ratification: Ratification) -> str:
    """The decision filed beside the urgent avis it ratifies (or not), named after it."""
    kind = "ratification" if ratification.is_ratified else "non-ratification"
    return recommendation_filename(ratification.recommendation, kind)
