"""The registry's correctable records, registered with the shared correction mechanism."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, grants_for
from filiere.core.corrections import CorrectableKind, corrector, register
from filiere.network.models import Centre
from filiere.patients import forms as patient_forms
from filiere.patients import services
from filiere.patients.models import (
    Consent,
    Diagnosis,
    GeneticFinding,
    PhenotypeObservation,
    PlateletWorkup,
)


def _writing_centres(request: Any) -> Any:
    return Centre.objects.filter(
        pk__in=grants_for(request.user).centre_ids(Capability.EDIT_PATIENTS)
    ).order_by("name")


def _disable(form: forms.BaseForm, *names: str) -> forms.BaseForm:
    for name in names:
        form.fields[name].disabled = True
    return form


def _diagnosis_form(request: Any, diagnosis: Any, data: Any) -> forms.BaseForm:
    initial = {name: getattr(diagnosis, name) for name in services.DIAGNOSIS_FIELDS}
    initial |= {
        "orpha_code": f"ORPHA:{diagnosis.orpha.code}" if diagnosis.orpha else "",
        "icd10_code": diagnosis.icd10.code if diagnosis.icd10 else "",
        "diagnosis_date": diagnosis.diagnosis_date,
        "centre": diagnosis.centre,
        "genes": list(diagnosis.genes.values_list("symbol", flat=True)),
    }
    form = patient_forms.DiagnosisForm(data, initial=initial, centres=_writing_centres(request))
    return _disable(form, "orpha_code", "icd10_code", "centre")


def _diagnosis_correct(*, actor: Any, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in values.items() if k in services.DIAGNOSIS_FIELDS}
    return services.diagnosis_update(
        actor=actor,
        diagnosis=record,
        diagnosis_date=values.get("diagnosis_date"),
        genes=values.get("genes"),
        **fields,
    )


def _finding_form(request: Any, finding: Any, data: Any) -> forms.BaseForm:
    initial = {
        name: getattr(finding, name) for name in patient_forms.GeneticFindingForm.base_fields
    }
    initial["gene"] = finding.gene.symbol
    return patient_forms.GeneticFindingForm(data, initial=initial)


def _phenotype_form(request: Any, observation: Any, data: Any) -> forms.BaseForm:
    initial = {name: getattr(observation, name) for name in patient_forms.PhenotypeForm.base_fields}
    form = patient_forms.PhenotypeForm(data, initial=initial)
    return _disable(form, "hpo_id")


def _workup_form(request: Any, workup: Any, data: Any) -> forms.BaseForm:
    return patient_forms.PlateletWorkupForm(data, instance=None, initial=_values(workup))


def _values(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in services.WORKUP_FIELDS}


def _consent_form(request: Any, consent: Any, data: Any) -> forms.BaseForm:
    initial = {name: getattr(consent, name) for name in patient_forms.ConsentForm.base_fields}
    initial["answer"] = "1" if consent.answer else "0"
    form = patient_forms.ConsentForm(data, initial=initial)
    return _disable(form, "kind")


def register_registry_records() -> None:
    register(
        CorrectableKind(
            slug="diagnostic",
            model=Diagnosis,
            label=_("Diagnostic"),
            fields=(
                "orpha",
                "icd10",
                "diagnosis_year",
                "diagnosis_month",
                "diagnosis_day",
                *services.DIAGNOSIS_FIELDS,
            ),
            correct=_diagnosis_correct,
            build_form=_diagnosis_form,
        )
    )
    register(
        CorrectableKind(
            slug="variant",
            model=GeneticFinding,
            label=_("Résultat génétique"),
            fields=services.FINDING_FIELDS,
            correct=corrector(services.genetic_finding_update, "finding"),
            build_form=_finding_form,
        )
    )
    register(
        CorrectableKind(
            slug="phenotype",
            model=PhenotypeObservation,
            label=_("Phénotype (HPO)"),
            fields=("hpo_id", "hpo_label", *services.PHENOTYPE_FIELDS),
            correct=corrector(services.phenotype_update, "observation", services.PHENOTYPE_FIELDS),
            build_form=_phenotype_form,
        )
    )
    register(
        CorrectableKind(
            slug="bilan-plaquettaire",
            model=PlateletWorkup,
            label=_("Bilan plaquettaire"),
            fields=services.WORKUP_FIELDS,
            correct=corrector(services.platelet_workup_update, "workup"),
            build_form=_workup_form,
        )
    )
    register(
        CorrectableKind(
            slug="consentement",
            model=Consent,
            label=_("Réponse du patient (consentement)"),
            fields=("kind", *services.CONSENT_FIELDS),
            correct=corrector(services.consent_update, "consent", services.CONSENT_FIELDS),
            build_form=_consent_form,
            created_field="recorded_at",
        )
    )
