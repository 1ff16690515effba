"""The clinical file of a request, prefilled from the registry: no double entry.

The snapshot keeps what the meeting saw (the registry may change afterwards). It reads the
pseudonymised registry only, never the identity table.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError

from filiere.patients.models import Patient

WORKUPS_SHOWN = 3
WORKUP_FIELDS = (
    ("platelet_count", "Plaquettes (G/L)"),
    ("mean_platelet_volume", "VPM (fL)"),
    ("aggregation_adp", "Agrég. ADP (%)"),
    ("aggregation_collagen", "Agrég. collagène (%)"),
    ("aggregation_ristocetin_high", "Agrég. ristocétine (%)"),
    ("cd41_cd61_expression", "αIIbβ3 (%)"),
    ("cd42b_expression", "GPIb (%)"),
)


def _followup_lines(patient: Patient) -> dict[str, list[str]]:
    """Bleeding score and treatments from the follow-up module, when it is installed."""
    found: dict[str, list[str]] = {"bleeding_scores": [], "treatments": []}
    for key, model_name, filters in (
        ("bleeding_scores", "BleedingScore", {}),
        ("treatments", "Treatment", {"ended_on__isnull": True}),
    ):
        try:
            model = apps.get_model("followup", model_name)
            rows = model.objects.current().filter(patient=patient, **filters)[:5]
            found[key] = [str(row) for row in rows]
        except (LookupError, FieldError):
            continue
    return found


def registry_snapshot(patient: Patient) -> dict[str, Any]:
    """Return the registry's data about the patient, as JSON-ready values."""
    diagnoses = []
    for d in patient.diagnoses.current().select_related("orpha", "icd10").prefetch_related("genes"):
        if d.orpha is not None:
            code, label = f"ORPHA:{d.orpha.code}", d.orpha.name
        elif d.icd10 is not None:
            code, label = f"CIM-10 {d.icd10.code}", d.icd10.label
        else:
            continue
        diagnoses.append(
            {
                "code": code,
                "orpha": d.orpha.code if d.orpha else None,
                "icd10": d.icd10.code if d.icd10 else None,
                "label": label,
                "status": d.get_status_display(),
                "genes": [g.symbol for g in d.genes.all()],
            }
        )
    phenotypes = [
        {"hpo": p.hpo_id, "label": p.hpo_label, "excluded": p.excluded}
        for p in patient.phenotypes.current()
    ]
    findings = [
        {
            "gene": f.gene.symbol,
            "hgvs": f.hgvs,
            "protein": f.protein_hgvs,
            "zygosity": f.get_zygosity_display(),
            "acmg": f.acmg_class,
        }
        for f in patient.genetic_findings.current().select_related("gene")
    ]
    workups = []
    for workup in patient.platelet_workups.current().order_by("-sampled_on")[:WORKUPS_SHOWN]:
        values = {
            label: str(getattr(workup, name))
            for name, label in WORKUP_FIELDS
            if getattr(workup, name) is not None
        }
        if workup.morphology:
            values["Morphologie"] = workup.get_morphology_display()
        if workup.glanzmann_type:
            values["Type de Glanzmann"] = workup.get_glanzmann_type_display()
        workups.append({"date": workup.sampled_on.isoformat(), "values": values})
    return {
        "sex": patient.get_sex_display(),
        "diagnoses": diagnoses,
        "phenotypes": phenotypes,
        "genetic_findings": findings,
        "platelet_workups": workups,
        **_followup_lines(patient),
    }
