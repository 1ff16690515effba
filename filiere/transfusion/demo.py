"""Demo data of the transfusion module: a synthetic national donor pool, and for about ten
patients with Glanzmann thrombasthenia or Bernard-Soulier syndrome an HLA typing, an antibody
screen and transfusions (one immune refractory pattern, one consumption pattern), plus one saved
instruction signed by the demo transfusion specialist.

Seeded and idempotent: donors already in the pool are not imported again, and a patient who
already has an HLA typing is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.demo.context import DemoContext
from filiere.hla.donors import Donor as DonorRecord
from filiere.hla.nomenclature import Locus
from filiere.hla.pool import PoolSpec, embedded_frequencies, generate_pool
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.selectors import patients_visible_for_transfusion
from filiere.transfusion.instructions import InstructionParams
from filiere.transfusion.models import AboRelation, Donor, ProductType
from filiere.transfusion.services import (
    PostCountInput,
    antibody_screen_import,
    donors_import,
    eplets_import,
    hla_typing_record,
    instruction_save,
    transfusion_record,
)

DONORS_PER_PATIENT = 50
MAX_DEMO_DONORS = 200_000
PATIENTS = 10
PLATELET_DISORDERS = (849, 274)  # Glanzmann thrombasthenia, Bernard-Soulier syndrome
SPECIALIST = "user:julien.moreau"
HOME_CENTRE = "centre:crpp-marseille"

# A class I single-antigen panel shaped like the vendors' (about a hundred beads).
_PANEL = (
    "A*01:01 A*02:01 A*02:03 A*02:06 A*03:01 A*11:01 A*11:02 A*23:01 A*24:02 A*24:03 "
    "A*25:01 A*26:01 A*29:01 A*29:02 A*30:01 A*30:02 A*31:01 A*32:01 A*33:01 A*33:03 "
    "A*34:01 A*34:02 A*36:01 A*43:01 A*66:01 A*66:02 A*68:01 A*68:02 A*69:01 A*74:01 "
    "A*80:01 "
    "B*07:02 B*08:01 B*13:01 B*13:02 B*14:01 B*14:02 B*15:01 B*15:02 B*15:03 B*15:10 "
    "B*15:11 B*15:12 B*15:13 B*15:16 B*18:01 B*27:05 B*27:08 B*35:01 B*37:01 B*38:01 "
    "B*39:01 B*40:01 B*40:02 B*40:06 B*41:01 B*42:01 B*44:02 B*44:03 B*45:01 B*46:01 "
    "B*47:01 B*48:01 B*49:01 B*50:01 B*51:01 B*51:02 B*52:01 B*53:01 B*54:01 B*55:01 "
    "B*56:01 B*57:01 B*57:03 B*58:01 B*59:01 B*67:01 B*73:01 B*78:01 B*81:01 B*82:01 "
    "C*01:02 C*02:02 C*03:02 C*03:03 C*03:04 C*04:01 C*05:01 C*06:02 C*07:01 C*07:02 "
    "C*08:01 C*12:03 C*14:02 C*15:02 C*16:01 C*17:01 C*18:01 "
)
SAB_PANEL = tuple(_PANEL.split())


def build(ctx: DemoContext) -> None:
    donors = _donor_pool(ctx)
    eplets = _eplet_table()
    patients = _patients(ctx)
    specialist: User | None = ctx.objects.get(SPECIALIST)
    done = 0
    for position, patient in enumerate(patients):
        if patient.hla_typings.exists():
            continue
        rng = random.Random(f"{ctx.seed}:transfusion:{patient.pseudonym}")
        _record_patient(rng, patient, position)
        done += 1
    instruction = _instruction(patients, specialist)
    ctx.report(
        f"Transfusion : {donors} donneur(s) ajouté(s) au fichier, {done} patient(s) documenté(s)"
        + (", 1 consigne enregistrée" if instruction else "")
        + (f", table d'eplets {eplets}." if eplets else ".")
    )


def _eplet_table() -> str:
    """Load the hlaR eplet table when the shared data is there (a fresh clone ranks without)."""
    path = Path(settings.SHARED_DATA_DIR) / "hla" / "eplets-hlaR" / "MHC_I_eplet_v3.csv"
    if not path.is_file():
        return ""
    result = eplets_import(actor=SYSTEM, text=path.read_text(encoding="utf-8"), source=path.name)
    return result.release.source


def _donor_pool(ctx: DemoContext) -> int:
    size = min(DONORS_PER_PATIENT * max(ctx.size, 1), MAX_DEMO_DONORS)
    existing = set(Donor.objects.values_list("external_id", flat=True))
    if len(existing) >= size:
        return 0
    # Illustrative shares (no published figure for the French apheresis file, transfusion.md
    # open question 9): most donors are not HPA-genotyped nor CD36-tested, so a patient with an
    # HPA/CD36 requirement shows donors "à typer" beside the few eligible ones.
    pool = generate_pool(size, seed=ctx.seed, spec=PoolSpec(hpa_typed=0.33, cd36_typed=0.2))

    def missing() -> Iterator[DonorRecord]:
        return (donor for donor in pool.iter_donors() if donor.id not in existing)

    load = donors_import(
        actor=SYSTEM, donors=missing(), source=f"pool synthétique (graine {ctx.seed})"
    )
    return load.created


def _patients(ctx: DemoContext) -> list[Patient]:
    """Up to ten demo patients with a platelet disorder, those followed in Marseille first."""
    demo = [p.pk for p in ctx.objects.get("patients", [])]
    with_disorder = Diagnosis.objects.filter(
        patient_id__in=demo, orpha__code__in=PLATELET_DISORDERS
    ).values("patient_id")
    home = ctx.objects.get(HOME_CENTRE)
    marseille = Case(
        When(care_episodes__centre=home, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    ordered = (
        Patient.objects.filter(pk__in=with_disorder).annotate(away=marseille).order_by("away", "pk")
    )
    unique: dict[int, Patient] = {}
    for patient in ordered:
        unique.setdefault(patient.pk, patient)
    return list(unique.values())[:PATIENTS]


def synthetic_typing(rng: random.Random) -> list[str]:
    frequencies = embedded_frequencies()
    alleles = []
    for locus in Locus:
        table = frequencies.loci[locus]
        drawn = rng.choices([a for a, _ in table], weights=[f for _, f in table], k=2)
        alleles += sorted({a.name for a in drawn})
    return alleles


def synthetic_sab_csv(rng: random.Random, own: list[str], immunised: bool) -> str:
    lines = ["# Résultat single antigen classe I (synthétique, démonstration)", "bead,mfi"]
    lines.append(f"NC,{rng.randint(250, 700)}")
    lines.append(f"PC,{rng.randint(14_000, 26_000)}")
    candidates = [bead for bead in SAB_PANEL if bead not in own]
    strong = set(rng.sample(candidates, rng.randint(4, 9))) if immunised else set()
    weak = set(rng.sample(candidates, rng.randint(2, 6))) - strong
    for bead in SAB_PANEL:
        if bead in strong:
            mfi = rng.randint(2_500, 19_000)
        elif bead in weak:
            mfi = rng.randint(500, 1_900)
        else:
            mfi = rng.randint(15, 420)
        lines.append(f"{bead},{mfi}")
    return "\n".join(lines) + "\n"


def _size(patient: Patient, when: dt.date) -> tuple[Decimal, Decimal]:
    age = when.year - patient.birth_year
    if age < 3:
        return Decimal("12.0"), Decimal("88.0")
    if age < 12:
        return Decimal("28.0"), Decimal("132.0")
    if age < 18:
        return Decimal("52.0"), Decimal("162.0")
    return (
        (Decimal("74.0"), Decimal("176.0"))
        if patient.sex == "M"
        else (Decimal("62.0"), Decimal("164.0"))
    )


# (pre, 1 h, 24 h) counts in ×10⁹/L: effective; immune (low from 1 h); consumption (fine at 1 h).
EFFECTIVE = (9, 48, 38)
IMMUNE = (7, 11, 8)
CONSUMPTION = (8, 41, 12)


def _record_patient(rng: random.Random, patient: Patient, position: int) -> None:
    today = timezone.localdate()
    alleles = synthetic_typing(rng)
    start = max(patient.birth.earliest() + dt.timedelta(days=400), today - dt.timedelta(days=200))
    typed_on = min(today, start)
    hla_typing_record(
        actor=SYSTEM,
        patient=patient,
        typing=" ".join(alleles),
        typed_on=typed_on,
        laboratory="Laboratoire HLA, EFS Alpes-Méditerranée",
    )
    pattern = IMMUNE if position == 0 else CONSUMPTION if position == 1 else EFFECTIVE
    immunised = position == 0 or rng.random() < 0.5
    content = synthetic_sab_csv(rng, alleles, immunised)
    antibody_screen_import(
        actor=SYSTEM,
        patient=patient,
        serum_date=min(today, typed_on + dt.timedelta(days=20)),
        laboratory="Laboratoire HLA, EFS Alpes-Méditerranée",
        file_name=f"sab-{patient.pseudonym}.csv",
        data=content.encode(),
    )
    plan = [EFFECTIVE, pattern, pattern] if pattern is not EFFECTIVE else [EFFECTIVE] * 3
    now = timezone.now()
    for index, (pre, one_hour, day) in enumerate(plan):
        ended = now - dt.timedelta(days=90 - 30 * index, hours=rng.randint(0, 8))
        weight, height = _size(patient, ended.date())
        jitter = rng.randint(-2, 2)
        transfusion_record(
            actor=SYSTEM,
            patient=patient,
            ended_at=ended,
            product_type=ProductType.CPA,
            product_number=f"DEMO{rng.randint(10**9, 10**10 - 1)}",
            label_dose_e11=Decimal(f"{rng.uniform(3.2, 4.6):.2f}"),
            abo_relation=AboRelation.IDENTICAL
            if rng.random() < 0.8
            else AboRelation.MINOR_MISMATCH,
            storage_hours=rng.randint(20, 70),
            weight_kg=weight,
            height_cm=height,
            pre_count=Decimal(pre),
            post_counts=[
                PostCountInput(
                    minutes_after_end=rng.randint(20, 60), count=Decimal(one_hour + jitter)
                ),
                PostCountInput(
                    minutes_after_end=rng.randint(18 * 60, 24 * 60), count=Decimal(day + jitter)
                ),
            ],
        )


def _instruction(patients: list[Patient], specialist: User | None) -> bool:
    if specialist is None or not patients:
        return False
    patient = patients[0]
    if patient.transfusion_instructions.exists():
        return False
    if not patients_visible_for_transfusion(specialist).filter(pk=patient.pk).exists():
        return False
    instruction_save(
        actor=specialist,
        patient=patient,
        params=InstructionParams(threshold=3000, patient_abo="A"),
        valid_until=timezone.localdate() + dt.timedelta(days=91),
        note="Consigne de démonstration.",
    )
    return True
