"""The follow-up's part of the Phenopackets export: treatments as medical actions.

Registered with ``filiere.patients.phenopackets`` in ``FollowupConfig.ready()``. Only the
simple ones are exported: a current treatment that names an ATC drug (a blood product or a
graft without ATC code has no ontology term here).
"""

from __future__ import annotations

from filiere.exports import phenopackets as x
from filiere.followup.models import Treatment


def medical_actions_of(patient_ids: list[int]) -> dict[int, list[x.TreatmentEntry]]:
    """Return, per patient, their treatments with an ATC drug, oldest first (one query)."""
    found: dict[int, list[x.TreatmentEntry]] = {}
    treatments = (
        Treatment.objects.current()
        .filter(patient_id__in=patient_ids, atc__isnull=False)
        .select_related("atc", "diagnosis__orpha")
        .order_by("started_on", "pk")
    )
    for treatment in treatments:
        atc = treatment.atc
        if atc is None:  # pragma: no cover - filtered in the query
            continue
        target = None
        diagnosis = treatment.diagnosis
        if diagnosis is not None and diagnosis.orpha is not None:
            target = (f"ORPHA:{diagnosis.orpha.code}", diagnosis.orpha.name)
        found.setdefault(treatment.patient_id, []).append(
            x.TreatmentEntry(atc.code, atc.label, target, id=str(treatment.public_id))
        )
    return found
