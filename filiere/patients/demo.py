"""The demo cohort: the disease mix of a platelet reference centre, through the registry services.

Reproducible (seeded) and idempotent: each demo patient carries a local id (IPP) ``DEMO0000001``…,
and a patient whose IPP already exists is not registered again. ``--size`` sets how many.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.demo.volume import ensure_registry
from filiere.identity.models import Identity
from filiere.identity.services import INS_TEST_OID, IdentityInput
from filiere.lib.identifiers import nir_key
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.nomenclature.selectors import transcript_of_accession
from filiere.patients.models import (
    AgeCategory,
    Consent,
    Diagnosis,
    DiagnosisStatus,
    GeneticFinding,
    Patient,
    ReferredBy,
)
from filiere.patients.services import (
    consent_record,
    diagnosis_record,
    genetic_finding_record,
    patient_register,
    patient_update_status,
    phenotype_record,
    platelet_workup_record,
)


@dataclass(frozen=True)
class DiseaseProfile:
    orpha: int
    weight: int
    genes: tuple[str, ...]
    zygosity: str
    males_only: bool = False
    hpo: tuple[str, ...] = ()
    count_range: tuple[int, int] = (150, 350)
    mpv_range: tuple[float, float] = (8.0, 11.0)
    morphology: str = "normal"
    glanzmann: bool = False


Z = GeneticFinding.Zygosity
PROFILES = (
    DiseaseProfile(
        849, 22, ("ITGB3", "ITGA2B"), Z.HOMOZYGOUS, hpo=("HP:0000421", "HP:0000978"), glanzmann=True
    ),
    DiseaseProfile(
        274,
        12,
        ("GP1BA", "GP1BB", "GP9"),
        Z.HOMOZYGOUS,
        hpo=("HP:0001873", "HP:0011874"),
        count_range=(20, 80),
        mpv_range=(13.0, 18.0),
        morphology="giant",
    ),
    DiseaseProfile(
        182050,
        12,
        ("MYH9",),
        Z.HETEROZYGOUS,
        hpo=("HP:0040185", "HP:0000365"),
        count_range=(30, 100),
        mpv_range=(12.0, 17.0),
        morphology="dohle",
    ),
    DiseaseProfile(
        71290, 8, ("RUNX1",), Z.HETEROZYGOUS, hpo=("HP:0001873",), count_range=(60, 140)
    ),
    DiseaseProfile(
        477797, 12, ("ANKRD26", "ETV6"), Z.HETEROZYGOUS, hpo=("HP:0001873",), count_range=(40, 120)
    ),
    DiseaseProfile(
        721,
        5,
        ("NBEAL2",),
        Z.HOMOZYGOUS,
        hpo=("HP:0001873",),
        count_range=(40, 110),
        mpv_range=(11.0, 14.0),
        morphology="grey",
    ),
    DiseaseProfile(
        906,
        5,
        ("WAS",),
        Z.HEMIZYGOUS,
        males_only=True,
        hpo=("HP:0001873", "HP:0000964"),
        count_range=(10, 60),
        mpv_range=(4.5, 6.5),
        morphology="small",
    ),
    DiseaseProfile(2308, 2, ("FLI1",), Z.HETEROZYGOUS, hpo=("HP:0001873",), count_range=(50, 120)),
    DiseaseProfile(616874, 14, (), Z.HETEROZYGOUS, hpo=("HP:0001892", "HP:0000421")),
    DiseaseProfile(903, 5, ("VWF",), Z.HETEROZYGOUS, hpo=("HP:0000421",)),
    DiseaseProfile(98878, 3, ("F8",), Z.HEMIZYGOUS, males_only=True, hpo=("HP:0030016",)),
)
TRANSCRIPTS = {
    "ITGB3": "NM_000212.3",
    "ITGA2B": "NM_000419.5",
    "GP1BA": "NM_000173.7",
    "GP1BB": "NM_000407.5",
    "GP9": "NM_000174.5",
    "MYH9": "NM_002473.6",
    "RUNX1": "NM_001754.5",
    "ANKRD26": "NM_014915.3",
    "ETV6": "NM_001987.5",
    "NBEAL2": "NM_015175.3",
    "WAS": "NM_000377.3",
    "FLI1": "NM_002017.5",
    "VWF": "NM_000552.5",
    "F8": "NM_000132.4",
}
CLINICAL_CENTRES = (
    ("crpp-marseille", 30),
    ("crpp-bordeaux", 15),
    ("crpp-paris", 15),
    ("crpp-lyon", 10),
    ("ccmr-lille", 8),
    ("ccmr-toulouse", 8),
    ("ccmr-nantes", 6),
    ("ccmr-strasbourg", 4),
    ("crc-montpellier", 4),
)
FEMALE_NAMES = (
    "Camille",
    "Léa",
    "Chloé",
    "Inès",
    "Manon",
    "Jade",
    "Zoé",
    "Louise",
    "Sarah",
    "Yasmine",
    "Nour",
    "Anaïs",
    "Élodie",
    "Maëlys",
    "Aïcha",
)
MALE_NAMES = (
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Adam",
    "Nathan",
    "Léo",
    "Yanis",
    "Enzo",
    "Mohamed",
    "Noé",
    "Théo",
    "Rayan",
    "Jules",
    "Mathéo",
)
FAMILY_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Nguyen",
    "Traoré",
)
BASES = "ACGT"


def demo_ipp(index: int) -> str:
    return f"DEMO{index:07d}"


def _variant(rng: random.Random, gene: str) -> str:
    ref = rng.choice(BASES)
    alt = rng.choice([b for b in BASES if b != ref])
    # A position inside the coding sequence when its length is known (GP9's is 534 nucleotides).
    known = transcript_of_accession(TRANSCRIPTS[gene])
    last = min(2400, known.cds_length) if known is not None and known.cds_length else 2400
    return f"{TRANSCRIPTS[gene]}:c.{rng.randint(40, last)}{ref}>{alt}"


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # About a quarter of the cohort is paediatric, as at the platelet reference centre.
    age = rng.randint(0, 17) if rng.random() < 0.25 else rng.randint(18, 85)
    born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    return born


def build(ctx: DemoContext) -> None:
    today = timezone.localdate()
    centres = [(ctx.objects[f"centre:{key}"], weight) for key, weight in CLINICAL_CENTRES]
    existing = set(Identity.objects.filter(ipp__startswith="DEMO").values_list("ipp", flat=True))
    created = 0
    patients: list[Patient] = []
    for index in range(1, min(ctx.size, ctx.detailed) + 1):
        # Draw every value for every index, so that a patient's data never depends on which
        # others already exist.
        patient_rng = random.Random(f"{ctx.seed}:patient:{index}")
        if demo_ipp(index) in existing:
            continue
        register_one(ctx, patient_rng, index, centres, today)
        created += 1
    patients = list(
        Patient.objects.filter(
            identity_link__in=Identity.objects.filter(ipp__startswith="DEMO").values("link")
        ).order_by("pk")
    )
    ctx.objects["patients"] = patients
    ctx.report(f"Registre : {created} patient(s) créé(s), {len(patients)} au total.")
    volume = ctx.size - len(patients)
    if volume > 0:
        ensure_registry(
            volume,
            [centre for centre, _ in centres],
            prefix="VOL",
            weights=[weight for _, weight in centres],
            report=lambda done: ctx.report(f"Registre (volume) : {done} / {volume}"),
        )


def demo_ins(index: int, sex: str, birth: dt.date) -> str:
    """Return a test INS matricule that no other demo patient of a network below 999,000 has.

    The place of birth (département 13) and the order number come from the patient's index
    rather than from chance: random order numbers collided as soon as the demo had a few
    thousand patients born in the same month.
    """
    block, order = divmod(index - 1, 999)
    sex_digit = 1 if sex == "M" else 2
    first13 = (
        f"{sex_digit}{birth.year % 100:02d}{birth.month:02d}13{block % 1000:03d}{order + 1:03d}"
    )
    return first13 + f"{nir_key(first13):02d}"


def register_one(
    ctx: DemoContext,
    rng: random.Random,
    index: int,
    centres: list[tuple[Centre, int]],
    today: dt.date,
) -> Patient:
    profile = rng.choices(PROFILES, weights=[p.weight for p in PROFILES])[0]
    sex = "M" if profile.males_only else rng.choice("MF")
    first = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
    family = rng.choice(FAMILY_NAMES)
    birth = _birth_date(rng, today)
    centre = rng.choices([c for c, _ in centres], weights=[w for _, w in centres])[0]
    ins = ""
    # Only a DEBUG instance accepts the INS test OID; elsewhere demo patients have no INS.
    if rng.random() < 0.6 and settings.DEBUG:
        ins = demo_ins(index, sex, birth)
    identity = IdentityInput(
        birth_name=family,
        birth_first_names=f"{first} {rng.choice(FEMALE_NAMES if sex == 'F' else MALE_NAMES)}",
        first_given_name=first,
        birth_date=birth,
        sex=sex,
        birth_place_insee=rng.choice(
            ("13055", "33063", "75056", "69123", "59350", "31555", "99350")
        ),
        ins_matricule=ins,
        ins_oid=INS_TEST_OID if ins else "",
        status=Identity.Status.QUALIFIED if ins else Identity.Status.PROVISIONAL,
        ipp=demo_ipp(index),
        ipp_finess=centre.finess,
    )
    inclusion_year = rng.randint(max(birth.year, today.year - 15), today.year)
    inclusion = PartialDate(
        inclusion_year, rng.randint(1, 12) if inclusion_year < today.year else 1
    )
    if inclusion.earliest() < birth:
        inclusion = PartialDate.from_date(birth)
    referred = rng.choice(
        (
            ReferredBy.CCMR,
            ReferredBy.HOSPITAL_PAEDIATRICIAN,
            ReferredBy.OTHER_SPECIALIST,
            ReferredBy.GENERAL_PRACTICE,
            ReferredBy.CRMR,
        )
    )
    registration = patient_register(
        actor=SYSTEM,
        centre=centre,
        identity=identity,
        inclusion_date=inclusion,
        referred_by=[referred],
    )
    patient = registration.patient
    diagnosed_on = _diagnose(rng, patient, profile, centre, birth, today)
    _consents(rng, patient, inclusion, today)
    if rng.random() < 0.03 and birth.year < today.year - 40:
        died = diagnosed_on + dt.timedelta(
            days=rng.randint(40, max(41, (today - diagnosed_on).days))
        )
        died = min(died, today)
        patient_update_status(
            actor=SYSTEM,
            patient=patient,
            vital_status=Patient.VitalStatus.DECEASED,
            death_date=PartialDate(died.year, died.month),
            death_due_to_rare_disease=rng.random() < 0.3,
        )
    return patient


def _age_at(rng: random.Random, birth: dt.date, when: dt.date) -> dict[str, object]:
    years = max(0, when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day)))
    if years == 0:
        return {
            "category": AgeCategory.DURING_LIFE,
            "years": None,
            "months": max(1, (when - birth).days // 30 % 12),
        }
    return {"category": AgeCategory.DURING_LIFE, "years": years, "months": None}


def _diagnose(
    rng: random.Random,
    patient: Patient,
    profile: DiseaseProfile,
    centre: Centre,
    birth: dt.date,
    today: dt.date,
) -> dt.date:
    onset = birth + dt.timedelta(days=rng.randint(0, min(3650, max(1, (today - birth).days))))
    clinical = onset + dt.timedelta(days=rng.randint(0, max(1, (today - onset).days) // 2 + 1))
    clinical = min(clinical, today)
    genetic = min(today, clinical + dt.timedelta(days=rng.randint(30, 2000)))
    dead_end = profile.orpha == 616874
    status = (
        DiagnosisStatus.EQUIVOCAL
        if dead_end
        else rng.choices((DiagnosisStatus.CONFIRMED, DiagnosisStatus.ONGOING), weights=(85, 15))[0]
    )
    genes = [] if dead_end else [rng.choice(profile.genes)]
    values: dict[str, Any] = {}
    for prefix, when in (("onset", onset), ("clinical_dx", clinical), ("genetic_dx", genetic)):
        age = _age_at(rng, birth, when)
        values[f"{prefix}_category"] = age["category"]
        values[f"{prefix}_years"] = age["years"]
        values[f"{prefix}_months"] = age["months"]
    if dead_end or status != DiagnosisStatus.CONFIRMED:
        values["genetic_dx_category"] = AgeCategory.UNDETERMINED
        values["genetic_dx_years"] = values["genetic_dx_months"] = None
    if dead_end:
        values |= {
            "clinical_description": list(profile.hpo),
            "bleeding_severity": rng.choice(list(Diagnosis.BleedingSeverity.values)),
            "bleeding_sites": rng.sample(
                ["epistaxis", "gingival", "cutaneous", "post_surgical"], 2
            ),
            "transmission": rng.choice(list(Diagnosis.Transmission.values)),
            "diagnostic_delay_months": rng.randint(12, 180),
        }
    diagnosis = diagnosis_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        orpha_code=profile.orpha,
        status=status,
        diagnosis_date=PartialDate(clinical.year, clinical.month),
        genes=genes,
        inheritance=rng.choice(list(Diagnosis.Inheritance.values)),
        appraisal_on_arrival=rng.choice(list(Diagnosis.Appraisal.values)),
        genetic_techniques=[] if not genes else [rng.choice(("MED-083", "MED-084"))],
        **values,
    )
    for gene in genes:
        genetic_finding_record(
            actor=SYSTEM,
            patient=patient,
            diagnosis=diagnosis,
            gene=gene,
            hgvs=_variant(rng, gene),
            zygosity=profile.zygosity,
            acmg_class=rng.choice((4, 5, 5, 5)),
            technique=rng.choice(("panel", "panel", "exome", "sanger")),
            laboratory="Laboratoire d'hématologie, CHU",
            reported_on=genetic,
        )
    for hpo in profile.hpo:
        phenotype_record(actor=SYSTEM, patient=patient, hpo_id=hpo, observed_on=clinical)
    count = rng.randint(*profile.count_range)
    glanzmann = profile.glanzmann
    # Drawn in the order of the keyword arguments they replaced, so the demo stays the same.
    mpv = Decimal(f"{rng.uniform(*profile.mpv_range):.1f}")
    adp = rng.randint(0, 8) if glanzmann else rng.randint(55, 85)
    collagen = rng.randint(0, 8) if glanzmann else rng.randint(60, 85)
    ristocetin = (
        rng.randint(60, 90) if glanzmann else rng.randint(0 if profile.orpha == 274 else 60, 90)
    )
    expression = rng.randint(0, 4) if glanzmann else rng.randint(85, 110)
    cd42b = rng.randint(0, 10) if profile.orpha == 274 else rng.randint(85, 110)
    glanzmann_type = (
        "type_1" if glanzmann and rng.random() < 0.75 else ("type_2" if glanzmann else "")
    )
    if glanzmann_type == "type_2":
        # Type II keeps 5-20 % of the αIIbβ3 (Nurden, Orphanet J Rare Dis 2006).
        expression = 5 + 3 * expression
    platelet_workup_record(
        actor=SYSTEM,
        patient=patient,
        sampled_on=clinical,
        laboratory="Laboratoire d'hémostase",
        platelet_count=count,
        mean_platelet_volume=mpv,
        morphology=profile.morphology,
        aggregation_adp=adp,
        aggregation_collagen=collagen,
        aggregation_ristocetin_high=ristocetin,
        cd41_cd61_expression=expression,
        cd42b_expression=cd42b,
        glanzmann_type=glanzmann_type,
    )
    return clinical


def _consents(rng: random.Random, patient: Patient, inclusion: PartialDate, today: dt.date) -> None:
    answered = min(today, inclusion.latest())
    consent_record(
        actor=SYSTEM,
        patient=patient,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=rng.random() < 0.04,
        answered_on=answered,
        information_version="Notice BNDMR 2023-01",
    )
    consent_record(
        actor=SYSTEM,
        patient=patient,
        kind=Consent.Kind.RESEARCH_CONTACT,
        answer=rng.random() < 0.8,
        answered_on=answered,
        information_version="Notice recherche MHEMO v2",
    )
    if rng.random() < 0.5:
        consent_record(
            actor=SYSTEM,
            patient=patient,
            kind=Consent.Kind.ERN_REGISTRY,
            answer=rng.random() < 0.7,
            answered_on=answered,
            information_version="EuroBloodNet 2022",
        )
