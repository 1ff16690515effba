"""Small factories for the transfusion tests; every object is made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor
from filiere.accounts.models import User
from filiere.hla.donors import Abo
from filiere.hla.donors import Donor as DonorRecord
from filiere.hla.nomenclature import parse_typing
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_centre, make_user
from filiere.transfusion.instructions import InstructionParams
from filiere.transfusion.models import (
    AntibodyScreen,
    DonorImport,
    HlaTyping,
    Transfusion,
    TransfusionInstruction,
)
from filiere.transfusion.services import (
    PostCountInput,
    antibody_screen_import,
    donors_import,
    hla_typing_record,
    instruction_save,
    transfusion_record,
)

PATIENT_TYPING = "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01 C*15:02"
# The patient's serum: anti-A1 weak, anti-A3 and anti-B8 moderate, anti-A11 and anti-Cw7 strong.
SERUM_CSV = """\
# LABScreen Single Antigen classe I, export simplifié
bead,mfi
NC,420
PC,18500
A*01:01,900
A*02:01,60
A*03:01,2500
A*11:01,6000
A*24:02,35
B*07:02,150
B*08:01,1500
B*44:02,80
B*51:01,40
C*05:01,20
C*07:02,12000
"""


def make_blood_site(region: str = "93", **values: Any) -> Centre:
    return make_centre(
        name=values.pop("name", f"EFS région {region}"),
        kind=Centre.Kind.BLOOD_ESTABLISHMENT,
        region=region,
        **values,
    )


def make_specialist(site: Centre, **values: Any) -> User:
    user = make_user(**values)
    give_role(user, site, Role.TRANSFUSION_SPECIALIST)
    return user


def record_typing(patient: Patient, typing: str = PATIENT_TYPING) -> HlaTyping:
    return hla_typing_record(
        actor=SYSTEM,
        patient=patient,
        typing=typing,
        typed_on=timezone.localdate() - dt.timedelta(days=30),
        laboratory="Laboratoire HLA",
    )


def record_screen(patient: Patient, content: str = SERUM_CSV) -> AntibodyScreen:
    return antibody_screen_import(
        actor=SYSTEM,
        patient=patient,
        serum_date=timezone.localdate() - dt.timedelta(days=10),
        laboratory="Laboratoire HLA",
        file_name="serum.csv",
        data=content.encode(),
    )


def donor(
    ident: str, typing: str, region: str = "93", abo: Abo | None = Abo.A, **extra: Any
) -> DonorRecord:
    return DonorRecord(id=ident, region=region, abo=abo, typing=parse_typing(typing), **extra)


# Against SERUM_CSV: "clean" donors are compatible from 500 MFI; "a3" only from 3,000;
# "a11" only at 10,000; "cw7" never; "no-c" is undecidable (untyped at C, anti-Cw7 ≥ T).
DONORS = (
    donor("clean-1", "A2 A24 B44 B51 Cw5", site="EFS Marseille"),
    donor("clean-2", "A*02:01 A*24:02 B*44:02 B*51:01 C*05:01", abo=Abo.O),
    donor("clean-lille", "A2 A24 B44 B51 Cw5", region="32"),
    donor("a3", "A3 A2 B44 B51 Cw5"),
    donor("a11", "A11 A2 B44 B51 Cw5", region="11"),
    donor("cw7", "A2 A24 B44 B51 Cw7", region="11"),
    donor("no-c", "A2 A24 B44 B51", region="84"),
    donor("inactive", "A2 A24 B44 B51 Cw5", active=False),
)


def make_pool(donors: tuple[DonorRecord, ...] = DONORS) -> DonorImport:
    return donors_import(actor=SYSTEM, donors=donors, source="tests")


def make_transfusion(
    patient: Patient, *, counts: tuple[int, int, int], **values: Any
) -> Transfusion:
    """A CPA transfusion; ``counts`` are the counts before, at 1 h and at 20 h (×10⁹/L)."""
    pre, one_hour, day = counts
    defaults: dict[str, Any] = {
        "ended_at": timezone.now() - dt.timedelta(days=3),
        "product_type": "CPA",
        "label_dose_e11": Decimal("4.0"),
        "abo_relation": "identical",
        "storage_hours": 48,
        "weight_kg": Decimal("70"),
        "height_cm": Decimal("175"),
        "pre_count": Decimal(pre),
        "post_counts": [
            PostCountInput(minutes_after_end=60, count=Decimal(one_hour)),
            PostCountInput(minutes_after_end=20 * 60, count=Decimal(day)),
        ],
    }
    defaults.update(values)
    defaults.setdefault("actor", SYSTEM)
    return transfusion_record(patient=patient, **defaults)


def make_refractory(patient: Patient) -> list[Transfusion]:
    """Two ineffective transfusions in a row, low from 1 h: the immune pattern."""
    now = timezone.now()
    return [
        make_transfusion(patient, counts=(8, 12, 9), ended_at=now - dt.timedelta(days=6)),
        make_transfusion(patient, counts=(7, 10, 8), ended_at=now - dt.timedelta(days=2)),
    ]


def make_instruction(
    patient: Patient, author: Actor = SYSTEM, **params: Any
) -> TransfusionInstruction:
    if not patient.hla_typings.exists():
        record_typing(patient)
    if not patient.antibody_screens.exists():
        record_screen(patient)
    return instruction_save(
        actor=author,
        patient=patient,
        params=InstructionParams(**params),
        valid_until=timezone.localdate() + dt.timedelta(days=90),
    )
