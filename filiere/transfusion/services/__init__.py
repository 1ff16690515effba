"""Every write of the transfusion module: atomic, validated, audited with the patient's id.

Error messages are in French and keyed by the form field they concern. The services trust
their caller on who may act: the pages fetch the patient through
``get_patient_for_transfusion`` and ask ``transfusion_rights`` before signing (the audited
404); imports and the demo act as ``SYSTEM``.

Grouped by theme; import from here.
"""

from __future__ import annotations

from filiere.transfusion.services.antibodies import (
    MAX_SAB_BYTES,
    antibody_screen_import,
    hla_typing_record,
)
from filiere.transfusion.services.imports import (
    MAX_DONOR_FILE_BYTES,
    DonorFileImport,
    EpletImport,
    donors_import,
    donors_import_file,
    eplets_import,
)
from filiere.transfusion.services.instructions import (
    MAX_VALIDITY_DAYS,
    crossmatch_record,
    instruction_printed,
    instruction_save,
)
from filiere.transfusion.services.transfusions import (
    VALUES_NEED_CONFIRMATION,
    PostCountInput,
    needs_values_confirmation,
    search_results_viewed,
    transfusion_profile_update,
    transfusion_record,
)

__all__ = [
    "MAX_DONOR_FILE_BYTES",
    "MAX_SAB_BYTES",
    "MAX_VALIDITY_DAYS",
    "VALUES_NEED_CONFIRMATION",
    "DonorFileImport",
    "EpletImport",
    "PostCountInput",
    "antibody_screen_import",
    "crossmatch_record",
    "donors_import",
    "donors_import_file",
    "eplets_import",
    "hla_typing_record",
    "instruction_printed",
    "instruction_save",
    "needs_values_confirmation",
    "search_results_viewed",
    "transfusion_profile_update",
    "transfusion_record",
]
