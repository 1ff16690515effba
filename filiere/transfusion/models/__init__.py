"""Platelet transfusion support: transfusions and their counts, HLA typings, antibody screens,
the donor pool and the versioned transfusion instructions.

Formulas, matching and ranking live in the pure packages ``filiere.clinical.transfusion`` and
``filiere.hla``; these tables hold what was recorded and what was decided.
"""

from __future__ import annotations

from filiere.transfusion.models.donors import Donor, DonorImport, EpletRelease
from filiere.transfusion.models.immunology import AntibodyBead, AntibodyScreen, HlaTyping
from filiere.transfusion.models.instructions import Crossmatch, TransfusionInstruction
from filiere.transfusion.models.transfusions import (
    MAX_COUNT_E9_PER_L,
    MAX_DOSE_E11,
    AboGroup,
    AboRelation,
    HpaGenotype,
    PostTransfusionCount,
    ProductType,
    RhD,
    RollUpRule,
    Transfusion,
    TransfusionProfile,
)

__all__ = [
    "MAX_COUNT_E9_PER_L",
    "MAX_DOSE_E11",
    "AboGroup",
    "AboRelation",
    "AntibodyBead",
    "AntibodyScreen",
    "Crossmatch",
    "Donor",
    "DonorImport",
    "EpletRelease",
    "HlaTyping",
    "HpaGenotype",
    "PostTransfusionCount",
    "ProductType",
    "RhD",
    "RollUpRule",
    "Transfusion",
    "TransfusionInstruction",
    "TransfusionProfile",
]
