"""The patient's timeline: every dated event of the record, most recent first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from filiere.lib.numbers import french_number
from filiere.patients.models import Patient


@dataclass(frozen=True)
class TimelineEntry:
    sort_key: dt.date
    when: str
    kind: str
    text: str


def timeline_of(patient: Patient) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for episode in patient.care_episodes.select_related("centre"):
        date = episode.inclusion_date
        entries.append(
            TimelineEntry(date.earliest(), date.french(), _("Prise en charge"), str(episode.centre))
        )
    for diagnosis in patient.diagnoses.current().select_related("orpha", "icd10"):
        known = diagnosis.diagnosis_date
        if known is not None:
            entries.append(
                TimelineEntry(known.earliest(), known.french(), _("Diagnostic"), str(diagnosis))
            )
    for finding in patient.genetic_findings.current().select_related("gene"):
        if finding.reported_on:
            entries.append(
                TimelineEntry(
                    finding.reported_on,
                    finding.reported_on.strftime("%d/%m/%Y"),
                    _("Génétique"),
                    str(finding),
                )
            )
    for workup in patient.platelet_workups.current():
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
    for consent in patient.consents.current():
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
