"""Pages of the transfusion module. Every view authorizes through
``get_patient_for_transfusion`` (or the TRANSFUSION capability for the worklist) and records the
patient reads in the audit trail."""

from __future__ import annotations

from filiere.transfusion.views.instructions import (
    crossmatch_add_view,
    instruction_detail_view,
    instruction_pdf_view,
    instruction_results_view,
    instruction_save_view,
    instruction_view,
)
from filiere.transfusion.views.records import (
    donors_import_view,
    patient_search_view,
    patient_transfusion_view,
    profile_edit_view,
    screen_add_view,
    transfusion_add_view,
    typing_add_view,
    worklist_view,
)

__all__ = [
    "crossmatch_add_view",
    "donors_import_view",
    "instruction_detail_view",
    "instruction_pdf_view",
    "instruction_results_view",
    "instruction_save_view",
    "instruction_view",
    "patient_search_view",
    "patient_transfusion_view",
    "profile_edit_view",
    "screen_add_view",
    "transfusion_add_view",
    "typing_add_view",
    "worklist_view",
]
