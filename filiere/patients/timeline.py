"""The patient's timeline: every dated event of the record, most recent first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from filiere.lib.numbers import french_number
from filiere.patients.models import (
    CareEpisode,
    Consent,
    Diagnosis,
    GeneticFinding,
    Patient,
    PlateletWorkup,
)


@dataclass(frozen=True)
class TimelineEntry:
    sort_key: dt.date
    when: str
    kind: str
    text: str


def timeline_of(
    patient: Patient,
    *,
    episodes: Iterable[CareEpisode],
    diagnoses: Iterable[Diagnosis],
    findings: Iterable[GeneticFinding],
    workups: Iterable[PlateletWorkup],
    consents: Iterable[Consent],
) -> list[TimelineEntry]:
    """The dated events of the record parts the patient page has already read (current ones)."""
    entries: list[TimelineEntry] = []
    for episode in episodes:
        date = episode.inclusion_date
        entries.append(
            TimelineEntry(date.earliest(), date.french(), _("Prise en charge"), str(episode.centre))
        )
    for diagnosis in diagnoses:
        known = diagnosis.diagnosis_date
        if known is not None:
            entries.append(
                TimelineEntry(known.earliest(), known.french(), _("Diagnostic"), str(diagnosis))
            )
    for finding in findings:
        if finding.reported_on:
            entries.append(
                TimelineEntry(
                    finding.reported_on,
                    finding.reported_on.strftime("%d/%m/%Y"),
                    _("Génétique"),
                    str(finding),
                )
            )
    for workup in workups:
        count = (
            f"{french_number(workup.platelet_count)} G/L"
            if workup.platelet_count is not None
            else ""
        )
        entries.append(
            TimelineEntry(
                workup.sampled_on,
                workup.sampled_on.strftime("%d/%m/%Y"),
                _("Bilan plaquettaire"),
                count,
            )
        )
    for consent in consents:
        entries.append(
            TimelineEntry(
                consent.answered_on,
                consent.answered_on.strftime("%d/%m/%Y"),
                _("Consentement"),
                str(consent),
            )
        )
    death = patient.death_date
    if death is not None:
        entries.append(TimelineEntry(death.earliest(), death.french(), _("Décès"), ""))
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
