"""The follow-up pages, by theme."""

from __future__ import annotations

from filiere.followup.views.documents import booklet_view, care_card_view
from filiere.followup.views.isth_bat import (
    isth_bat_add_view,
    isth_bat_detail_view,
    isth_bat_domain_view,
)
from filiere.followup.views.observatory import observatory_export_view, observatory_view
from filiere.followup.views.patient import (
    adverse_event_add_view,
    bleed_add_view,
    patient_followup_view,
    treatment_add_view,
    treatment_edit_view,
    treatment_emergency_view,
    visit_add_view,
    visit_edit_view,
)
from filiere.followup.views.worklist import (
    rules_view,
    visits_to_complete_view,
    worklist_care_cards_view,
    worklist_home_view,
    worklist_view,
)

__all__ = [
    "adverse_event_add_view",
    "bleed_add_view",
    "booklet_view",
    "care_card_view",
    "isth_bat_add_view",
    "isth_bat_detail_view",
    "isth_bat_domain_view",
    "observatory_export_view",
    "observatory_view",
    "patient_followup_view",
    "rules_view",
    "treatment_add_view",
    "treatment_edit_view",
    "treatment_emergency_view",
    "visit_add_view",
    "visit_edit_view",
    "visits_to_complete_view",
    "worklist_care_cards_view",
    "worklist_home_view",
    "worklist_view",
]
