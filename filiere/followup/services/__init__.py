"""Every write of the follow-up module: atomic, validated, audited with the patient's id.

Grouped by theme; import from here.
"""

from __future__ import annotations

from filiere.followup.services.adverse_events import adverse_event_record, adverse_event_update
from filiere.followup.services.atc import (
    ATC_FILE,
    AtcImportResult,
    atc_import_file,
    atc_import_records,
    get_atc,
)
from filiere.followup.services.bleeding import (
    bleeding_event_record,
    bleeding_event_update,
    bleeding_score_record,
)
from filiere.followup.services.schedule import (
    DefaultRules,
    RefreshResult,
    RuleChange,
    followup_rule_delete,
    followup_rule_save,
    followup_rules_install_defaults,
    schedule_refresh,
    schedules_refresh,
    schedules_refresh_all,
    schedules_refresh_start,
)
from filiere.followup.services.treatments import (
    needs_dose_confirmation,
    treatment_mark_emergency,
    treatment_record,
    treatment_update,
)
from filiere.followup.services.visits import (
    followup_printed,
    followup_viewed,
    visit_record,
    visit_update,
)

__all__ = [
    "ATC_FILE",
    "AtcImportResult",
    "DefaultRules",
    "RefreshResult",
    "RuleChange",
    "adverse_event_record",
    "adverse_event_update",
    "atc_import_file",
    "atc_import_records",
    "bleeding_event_record",
    "bleeding_event_update",
    "bleeding_score_record",
    "followup_printed",
    "followup_rule_delete",
    "followup_rule_save",
    "followup_rules_install_defaults",
    "followup_viewed",
    "get_atc",
    "needs_dose_confirmation",
    "schedule_refresh",
    "schedules_refresh",
    "schedules_refresh_all",
    "schedules_refresh_start",
    "treatment_mark_emergency",
    "treatment_record",
    "treatment_update",
    "visit_record",
    "visit_update",
]
