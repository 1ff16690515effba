"""What the follow-up booklet holds: visits, bleeding scores, bleeds, treatments and adverse
events over a period, as table rows in French. ``pdf.py`` lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from filiere.followup.care_card import DOCUMENT_VERSION, CareCard
from filiere.lib.numbers import french_number
from filiere.patients.models import Patient


def _number(value: int | float | Decimal | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{french_number(value)}{unit}"


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str
    widths: tuple[float, ...] = ()  # relative column widths (equal when empty)


@dataclass(frozen=True)
class Booklet:
    card: CareCard
    start: dt.date
    end: dt.date
    sections: list[Section]
    generated_on: dt.date
    version: str = DOCUMENT_VERSION


def _visits(patient: Patient, start: dt.date, end: dt.date) -> Section:
    visits = (
        patient.followup_visits.current()
        .filter(visited_on__range=(start, end))
        .order_by("visited_on")
    )
    return Section(
        "Visites",
        ("Date", "Type", "Forme", "Poids", "Plaquettes", "Hb", "Événements"),
        [
            (
                f"{v.visited_on:%d/%m/%Y}",
                v.get_context_display(),
                v.get_severity_display() or "—",
                _number(v.weight_kg, " kg"),
                _number(v.platelet_count, " G/L"),
                _number(v.haemoglobin, " g/dL"),
                v.major_events or "—",
            )
            for v in visits
        ],
        "Aucune visite sur la période.",
        (1, 1.5, 1.1, 0.8, 0.9, 0.8, 2.2),
    )


def _scores(patient: Patient, start: dt.date, end: dt.date) -> Section:
    scores = (
        patient.bleeding_scores.current()
        .filter(assessed_on__range=(start, end))
        .order_by("assessed_on")
    )
    return Section(
        "Scores hémorragiques (ISTH-BAT)",
        ("Date", "Version", "Score", "Interprétation"),
        [
            (
                f"{s.assessed_on:%d/%m/%Y}",
                s.version,
                f"{s.total}/56",
                f"{'anormal' if s.abnormal else 'normal'} (seuil {s.cutoff}, "
                f"{s.get_population_display().lower()})",
            )
            for s in scores
        ],
        "Aucun score sur la période.",
        (1, 1, 0.8, 3),
    )


def _bleeds(patient: Patient, start: dt.date, end: dt.date) -> Section:
    bleeds = (
        patient.bleeding_events.current()
        .filter(occurred_on__range=(start, end))
        .order_by("occurred_on")
    )
    return Section(
        "Saignements",
        ("Date", "Localisation", "Gravité", "Traitement", "Hospitalisation", "Commentaire"),
        [
            (
                f"{b.occurred_on:%d/%m/%Y}",
                b.get_site_display() + (f" ({b.site_detail})" if b.site_detail else ""),
                b.get_severity_display(),
                b.treatment_given or "—",
                f"oui ({b.hospital_days} j)"
                if b.hospitalised and b.hospital_days
                else ("oui" if b.hospitalised else "non"),
                b.comment or "—",
            )
            for b in bleeds
        ],
        "Aucun saignement enregistré sur la période.",
        (0.9, 1.4, 1, 1.8, 1.1, 2),
    )


def _treatments(patient: Patient, start: dt.date, end: dt.date) -> Section:
    """The treatments running at some point of the period."""
    treatments = (
        patient.treatments.current()
        .filter(started_on__lte=end)
        .exclude(ended_on__lt=start)
        .select_related("atc")
        .order_by("started_on")
    )
    return Section(
        "Traitements",
        ("Début", "Fin", "Médicament", "Indication", "Statut", "Efficacité"),
        [
            (
                f"{t.started_on:%d/%m/%Y}",
                f"{t.ended_on:%d/%m/%Y}" if t.ended_on else "en cours",
                t.atc.label if t.atc else t.get_category_display(),
                t.get_indication_display(),
                t.get_regulatory_status_display()
                + (f" – {t.get_off_label_framework_display()}" if t.off_label_framework else ""),
                t.get_outcome_display() or "—",
            )
            for t in treatments
        ],
        "Aucun traitement sur la période.",
        (0.9, 0.9, 1.8, 1.5, 1.8, 1),
    )


def _adverse_events(patient: Patient, start: dt.date, end: dt.date) -> Section:
    events = (
        patient.adverse_events.current()
        .filter(occurred_on__range=(start, end))
        .select_related("treatment__atc")
        .order_by("occurred_on")
    )
    return Section(
        "Événements indésirables",
        ("Date", "Catégorie", "Traitement", "Gravité", "Évolution"),
        [
            (
                f"{e.occurred_on:%d/%m/%Y}",
                e.get_category_display(),
                str(e.treatment.atc.label if e.treatment and e.treatment.atc else "—"),
                "grave" if e.serious else "non grave",
                e.get_outcome_display(),
            )
            for e in events
        ],
        "Aucun événement indésirable sur la période.",
    )


def build_booklet(patient: Patient, card: CareCard, start: dt.date, end: dt.date) -> Booklet:
    """Return the booklet's content between ``start`` and ``end`` (both included)."""
    sections = [
        section(patient, start, end)
        for section in (_visits, _scores, _bleeds, _treatments, _adverse_events)
    ]
    return Booklet(card, start, end, sections, card.generated_on)
