"""Pages of the registry. Each one authorizes through the selectors, parses with a form, calls a
service, renders; each page that shows a patient records a read in the audit trail."""

from __future__ import annotations

from filiere.patients.views.lookups import (
    DUPLICATES_SHOWN,
    duplicate_list_view,
    duplicate_resolve_view,
    hpo_search_view,
    orpha_search_view,
    sdm_mr_download_view,
)
from filiere.patients.views.patient import (
    PAGE_SIZE,
    SEARCH_SESSION_KEY,
    patient_detail_view,
    patient_list_view,
    patient_register_view,
)
from filiere.patients.views.records import (
    FormFactory,
    Save,
    consent_add_view,
    data_for_diagnosis,
    diagnosis_add_view,
    diagnosis_edit_view,
    episode_add_view,
    finding_add_view,
    identity_edit_view,
    phenotype_add_view,
    status_edit_view,
    workup_add_view,
)

__all__ = [
    "DUPLICATES_SHOWN",
    "PAGE_SIZE",
    "SEARCH_SESSION_KEY",
    "FormFactory",
    "Save",
    "consent_add_view",
    "data_for_diagnosis",
    "diagnosis_add_view",
    "diagnosis_edit_view",
    "duplicate_list_view",
    "duplicate_resolve_view",
    "episode_add_view",
    "finding_add_view",
    "hpo_search_view",
    "identity_edit_view",
    "orpha_search_view",
    "patient_detail_view",
    "patient_list_view",
    "patient_register_view",
    "phenotype_add_view",
    "sdm_mr_download_view",
    "status_edit_view",
    "workup_add_view",
]
