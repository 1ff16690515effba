"""Demo follow-up, consistent with each patient's diagnosis: visits at the disease's rhythm (some
patients overdue), ISTH-BAT scores, bleeds, treatments and a few adverse events.

Glanzmann patients have rFVIIa episodes (within the marketing authorisation when refractory to
platelet transfusions, else off-label under a compassionate prescription framework) and women
among them menorrhagia; Bernard-Soulier patients receive platelet transfusions; MYH9 patients
eltrombopag before surgery (off-label); haemophilia A patients FVIII or emicizumab.

Seeded per patient (by the demo patient's local id) and idempotent: a patient who already has
follow-up data is left alone, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.clinical.isth_bat import Domain
from filiere.demo.context import DemoContext
from filiere.exports.sdm_mr.value_sets import ActivityContext, ActivityObjective
from filiere.followup import services
from filiere.followup.models import (
    AdverseEvent,
    BleedingEvent,
    FollowUpSchedule,
    Treatment,
    Visit,
)
from filiere.followup.rhythm import add_months
from filiere.identity.models import Identity
from filiere.patients.models import BleedingSite, Diagnosis, Patient
from filiere.patients.selectors import age_on

INTERVIEWERS = {
    "crpp-marseille": "claire.martin",
    "crpp-bordeaux": "hugo.lefevre",
    "ccmr-lille": "ines.garnier",
}
# Domain score choices by bleeding profile (each list is drawn from uniformly).
D = Domain
BAT_PROFILES: dict[str, dict[Domain, tuple[int, ...]]] = {
    "severe_platelet": {
        D.EPISTAXIS: (2, 3, 3, 4),
        D.CUTANEOUS: (1, 2, 3),
        D.MINOR_WOUNDS: (0, 1, 2),
        D.ORAL_CAVITY: (2, 3, 3),
        D.GASTROINTESTINAL: (0, 0, 2),
        D.TOOTH_EXTRACTION: (0, 2, 3, 4),
        D.SURGERY: (0, 0, 3, 4),
        D.MENORRHAGIA: (3, 4),
        D.POSTPARTUM_HAEMORRHAGE: (0, 3, 4),
        D.MUSCLE_HAEMATOMAS: (0, 0, 1),
        D.OTHER: (0, 1, 2),
    },
    "mild_platelet": {
        D.EPISTAXIS: (0, 1, 2),
        D.CUTANEOUS: (0, 1, 1),
        D.ORAL_CAVITY: (0, 1),
        D.TOOTH_EXTRACTION: (0, 0, 1, 2),
        D.SURGERY: (0, 0, 1, 3),
        D.MENORRHAGIA: (0, 1, 2),
    },
    "haemophilia": {
        D.CUTANEOUS: (1, 2),
        D.TOOTH_EXTRACTION: (0, 2, 4),
        D.SURGERY: (0, 4),
        D.MUSCLE_HAEMATOMAS: (2, 3, 4),
        D.HAEMARTHROSIS: (2, 3, 4),
        D.CNS: (0, 0, 0, 3),
    },
    "mucocutaneous": {
        D.EPISTAXIS: (1, 2, 3),
        D.CUTANEOUS: (1, 2),
        D.ORAL_CAVITY: (1, 2),
        D.TOOTH_EXTRACTION: (0, 2, 3),
        D.MENORRHAGIA: (1, 2, 3),
        D.POSTPARTUM_HAEMORRHAGE: (0, 2, 3),
    },
}
PROFILE_BY_ORPHA = {849: "severe_platelet", 274: "severe_platelet", 98878: "haemophilia"}
SITES_BY_PROFILE = {
    "severe_platelet": ("epistaxis", "gingival", "cutaneous", "menorrhagia", "gastrointestinal"),
    "mild_platelet": ("epistaxis", "cutaneous", "gingival", "post_surgical"),
    "haemophilia": ("haemarthrosis", "haemarthrosis", "muscle", "cutaneous"),
    "mucocutaneous": ("epistaxis", "gingival", "menorrhagia", "cutaneous"),
}
# Platelet count (G/L) by disease: normal in Glanzmann, low in the thrombocytopenias.
PLATELETS = {849: (150, 350), 274: (20, 80), 182050: (30, 100), 906: (10, 60), 721: (40, 110)}
RFVIIA_JUSTIFICATION = (
    "Thrombasthénie de Glanzmann sans réfractarité aux transfusions plaquettaires : rFVIIa en "
    "première intention pour limiter le risque d'allo-immunisation (avis de RCP)."
)


def _ipp_by_patient(patients: list[Patient]) -> dict[int, str]:
    links = {p.identity_link: p.pk for p in patients}
    return {
        links[link]: ipp
        for link, ipp in Identity.objects.filter(link__in=links).values_list("link", "ipp")
    }


def _demo_patients(ctx: DemoContext) -> list[Patient]:
    patients = ctx.objects.get("patients")
    if patients is None:
        demo = Identity.objects.filter(ipp__startswith="DEMO").values("link")
        patients = list(Patient.objects.filter(identity_link__in=demo).order_by("pk"))
    return list(patients)


def _interviewer(ctx: DemoContext, centre_key: str | None) -> User | None:
    name = INTERVIEWERS.get(centre_key or "")
    if name is None:
        return None
    user = ctx.objects.get(f"user:{name}")
    return user or User.objects.filter(email__startswith=f"{name}@").first()


def build(ctx: DemoContext) -> None:
    services.atc_import_file(actor=SYSTEM)
    rules = services.followup_rules_install_defaults(actor=SYSTEM)
    patients = _demo_patients(ctx)
    ipps = _ipp_by_patient(patients)
    started = set()
    for model in (Visit, BleedingEvent, Treatment):
        started |= set(model.objects.values_list("patient_id", flat=True).distinct())
    centre_keys = {
        obj.pk: key.removeprefix("centre:")
        for key, obj in ctx.objects.items()
        if key.startswith("centre:")
    }
    today = timezone.localdate()
    counts = {"visits": 0, "scores": 0, "bleeds": 0, "treatments": 0, "events": 0}
    for patient in patients:
        if patient.pk in started:
            continue
        rng = random.Random(f"{ctx.seed}:followup:{ipps.get(patient.pk, patient.pk)}")
        for key, value in _follow(ctx, rng, patient, today, centre_keys).items():
            counts[key] += value
    services.schedules_refresh()
    overdue = FollowUpSchedule.objects.filter(next_due_on__lt=today).count()
    ctx.report(
        f"Suivi : {counts['visits']} visite(s), {counts['scores']} score(s) ISTH-BAT, "
        f"{counts['bleeds']} saignement(s), {counts['treatments']} traitement(s), "
        f"{counts['events']} événement(s) indésirable(s), {rules} rythme(s) créé(s) ; "
        f"{overdue} patient(s) en retard de visite."
    )


def _follow(
    ctx: DemoContext,
    rng: random.Random,
    patient: Patient,
    today: dt.date,
    centre_keys: dict[int, str],
) -> dict[str, int]:
    counts = {"visits": 0, "scores": 0, "bleeds": 0, "treatments": 0, "events": 0}
    episode = patient.care_episodes.filter(ended_on__isnull=True).select_related("centre").first()
    diagnosis = patient.diagnoses.select_related("orpha").first()
    if episode is None or diagnosis is None or diagnosis.orpha is None or rng.random() < 0.04:
        return counts  # a few patients never came back after their inclusion
    centre, orpha = episode.centre, diagnosis.orpha.code
    death = patient.death_date
    last_day = min(today, death.earliest()) if death else today
    first_day = max(episode.inclusion_date.earliest(), patient.birth.latest())
    if first_day >= last_day:
        return counts
    profile = PROFILE_BY_ORPHA.get(orpha) or (
        "mucocutaneous" if orpha in (903, 616874) else "mild_platelet"
    )
    interval = 12 if profile == "haemophilia" else 24
    # About one patient in five stopped coming: their last visit is long past the rhythm.
    stop = last_day - dt.timedelta(days=rng.randint(400, 900) * interval // 12)
    stop = stop if rng.random() < 0.2 else last_day
    severity = _severity(rng, orpha)
    body = (rng.randint(152, 190), rng.uniform(18.5, 27))  # adult height (cm), body-mass index
    day = first_day
    visits: list[Visit] = []
    while day <= stop and len(visits) < 8:
        visits.append(_visit(rng, patient, centre, day, severity, orpha, body, first=not visits))
        day = add_months(day, interval) + dt.timedelta(days=rng.randint(-30, 60))
    counts["visits"] = len(visits)
    if visits:
        interviewer = _interviewer(ctx, centre_keys.get(centre.pk))
        for visit in visits[:: max(1, len(visits) // 2)][:2]:
            services.bleeding_score_record(
                actor=SYSTEM,
                patient=patient,
                centre=centre,
                assessed_on=visit.visited_on,
                domain_scores=_bat_scores(rng, patient, profile, visit.visited_on),
                interviewer=interviewer,
            )
            counts["scores"] += 1
    window = (max(first_day, last_day - dt.timedelta(days=6 * 365)), last_day)
    worked: list[Treatment] = []
    for _ in range(rng.randint(0, 4)):
        occurred = window[0] + dt.timedelta(days=rng.randint(0, (window[1] - window[0]).days))
        event = _bleed(rng, patient, centre, occurred, profile)
        counts["bleeds"] += 1
        for treatment in _treat_bleed(rng, patient, centre, diagnosis, event, last_day):
            counts["treatments"] += 1
            counts["events"] += _adverse_event(rng, patient, centre, treatment, last_day)
            if treatment.outcome == Treatment.Outcome.EFFECTIVE:
                worked.append(treatment)
    if worked:
        # The clinician's choice for the emergency card: the latest drug that stopped a bleed.
        latest = max(worked, key=lambda t: t.started_on)
        services.treatment_mark_emergency(actor=SYSTEM, treatment=latest, usual=True)
    for treatment in _background_treatments(rng, patient, centre, diagnosis, first_day, last_day):
        counts["treatments"] += 1
        counts["events"] += _adverse_event(rng, patient, centre, treatment, last_day)
    return counts


def _severity(rng: random.Random, orpha: int) -> str:
    if orpha == 98878:
        return rng.choice(("severe", "severe", "moderate", "mild"))
    if orpha in (849, 274):
        return rng.choice(("severe", "severe", "moderate"))
    return rng.choice(("", "mild", "moderate"))


def _visit(
    rng: random.Random,
    patient: Patient,
    centre: Any,
    day: dt.date,
    severity: str,
    orpha: int,
    body: tuple[int, float],
    *,
    first: bool,
) -> Visit:
    age = age_on(patient, day)
    adult_height, bmi = body
    height = min(adult_height, 50 + age * 6.5) if age < 18 else adult_height
    bmi = 16 + age * (bmi - 16) / 18 if age < 18 else bmi
    weight = max(3.5, height * height / 10000 * (bmi + rng.uniform(-0.8, 0.8)))
    low, high = PLATELETS.get(orpha, (80, 300))
    values: dict[str, Any] = {
        "context": rng.choice(
            [ActivityContext.CONSULTATION.code] * 6
            + [ActivityContext.DAY_HOSPITAL.code, ActivityContext.TELECONSULTATION.code]
        ),
        "objective": (ActivityObjective.CARE_SET_UP if first else ActivityObjective.FOLLOW_UP).code,
        "severity": severity,
        "weight_kg": Decimal(f"{weight:.1f}"),
        "height_cm": Decimal(f"{height:.1f}"),
        "platelet_count": Decimal(rng.randint(low, high)),
        "haemoglobin": Decimal(f"{rng.uniform(10.5, 15.5):.1f}"),
    }
    if orpha == 98878:
        level = {"severe": (0.2, 0.9), "moderate": (1, 5), "mild": (6, 35)}[severity or "mild"]
        values["factor_viii"] = Decimal(f"{rng.uniform(*level):.1f}")
    if orpha == 903:
        values["vwf_activity"] = Decimal(rng.randint(5, 40))
    if rng.random() < 0.12:
        values |= {
            "to_complete": True,
            "missing_data": "Bilan biologique du laboratoire à reporter.",
        }
    if rng.random() < 0.15:
        values["major_events"] = rng.choice(
            (
                "Extraction dentaire sous couverture hémostatique.",
                "Hospitalisation pour épistaxis prolongée.",
                "Grossesse en cours, suivi conjoint avec la maternité.",
                "Chirurgie programmée discutée en RCP.",
            )
        )
    return services.visit_record(
        actor=SYSTEM, patient=patient, centre=centre, visited_on=day, **values
    )


def _bat_scores(rng: random.Random, patient: Patient, profile: str, day: dt.date) -> dict[str, int]:
    adult = age_on(patient, day) >= 18
    scores: dict[str, int] = {}
    for domain, choices in BAT_PROFILES[profile].items():
        if patient.sex != "F" and domain in (D.MENORRHAGIA, D.POSTPARTUM_HAEMORRHAGE):
            continue
        if not adult and domain in (D.SURGERY, D.POSTPARTUM_HAEMORRHAGE, D.MENORRHAGIA):
            continue
        scores[domain.value] = rng.choice(choices)
    return scores


def _bleed(
    rng: random.Random, patient: Patient, centre: Any, day: dt.date, profile: str
) -> BleedingEvent:
    sites = [
        s
        for s in SITES_BY_PROFILE[profile]
        if s not in (BleedingSite.MENORRHAGIA, BleedingSite.POST_PARTUM)
    ]
    if patient.sex == "F" and 13 <= age_on(patient, day) <= 50 and profile != "haemophilia":
        sites += [BleedingSite.MENORRHAGIA] * 2
    severity = rng.choices(BleedingEvent.Severity.values, weights=(70, 27, 3), k=1)[0]
    hospitalised = severity != BleedingEvent.Severity.MINOR and rng.random() < 0.6
    return services.bleeding_event_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        occurred_on=day,
        site=rng.choice(sites),
        severity=severity,
        circumstance=rng.choice(("spontaneous", "spontaneous", "traumatic", "")),
        hospitalised=hospitalised,
        hospital_days=rng.randint(1, 6) if hospitalised else None,
        treatment_given="",
    )


def _treat(
    patient: Patient,
    centre: Any,
    atc_code: str,
    **values: Any,
) -> Treatment:
    defaults: dict[str, Any] = {"kind": Treatment.Kind.ADMINISTRATION}
    return services.treatment_record(
        actor=SYSTEM, patient=patient, centre=centre, atc_code=atc_code, **(defaults | values)
    )


def _outcome(rng: random.Random) -> str:
    return rng.choices(Treatment.Outcome.values, weights=(75, 12, 5, 8), k=1)[0]


def _treat_bleed(
    rng: random.Random,
    patient: Patient,
    centre: Any,
    diagnosis: Diagnosis,
    event: BleedingEvent,
    last_day: dt.date,
) -> list[Treatment]:
    orpha = diagnosis.orpha.code if diagnosis.orpha else 0
    common = {
        "indication": Treatment.Indication.BLEED,
        "bleeding_event": event,
        "started_on": event.occurred_on,
        "ended_on": min(last_day, event.occurred_on + dt.timedelta(days=rng.randint(0, 3))),
        "outcome": _outcome(rng),
        "diagnosis": diagnosis,
    }
    treatments = []
    # The more severe bleeds, and some others, need more than tranexamic acid.
    serious = event.severity != BleedingEvent.Severity.MINOR or rng.random() < 0.35
    if orpha == 849 and serious:
        refractory = rng.random() < 0.3
        treatments.append(
            _treat(
                patient,
                centre,
                "B02BD08",
                product_name="NovoSeven",
                dose=Decimal(90),
                dose_unit="µg/kg",
                route="iv",
                doses_count=rng.randint(2, 6),
                regulatory_status="within_ma" if refractory else "off_label",
                off_label_framework="" if refractory else "cpc",
                justification="" if refractory else RFVIIA_JUSTIFICATION,
                rcp_recommendation_id=None
                if refractory or rng.random() < 0.5
                else uuid.UUID(int=rng.getrandbits(128)),
                **common,
            )
        )
    elif orpha == 274 and serious:
        treatments.append(
            _treat(
                patient,
                centre,
                "B05AX02",
                dose=Decimal(rng.choice((1, 1, 2))),
                dose_unit="unités",
                route="iv",
                regulatory_status="not_applicable",
                **common,
            )
        )
    elif orpha == 98878:
        treatments.append(
            _treat(
                patient,
                centre,
                "B02BD02",
                dose=Decimal(rng.choice((25, 40, 50))),
                dose_unit="UI/kg",
                route="iv",
                regulatory_status="within_ma",
                **common,
            )
        )
    elif orpha == 903 and rng.random() < 0.6:
        treatments.append(
            _treat(
                patient,
                centre,
                "H01BA02",
                dose=Decimal("0.3"),
                dose_unit="µg/kg",
                route="iv",
                regulatory_status="within_ma",
                **common,
            )
        )
    if event.site != BleedingSite.HAEMARTHROSIS and rng.random() < 0.7:
        treatments.append(
            _treat(
                patient,
                centre,
                "B02AA02",
                dose=Decimal(1),
                dose_unit="g",
                route="oral",
                regulatory_status="within_ma",
                **(common | {"outcome": _outcome(rng)}),
            )
        )
    return treatments


def _adverse_event(
    rng: random.Random, patient: Patient, centre: Any, treatment: Treatment, last_day: dt.date
) -> int:
    code = treatment.atc.code if treatment.atc else ""
    risks = {
        "B05AX02": (
            (0.25, AdverseEvent.Category.INHIBITOR, "Anticorps anti-HLA après transfusion."),
            (0.15, AdverseEvent.Category.ALLERGIC, "Urticaire pendant la transfusion."),
        ),
        "B02BD08": ((0.06, AdverseEvent.Category.THROMBOSIS, "Thrombose veineuse superficielle."),),
        "B02BD02": (
            (0.08, AdverseEvent.Category.INHIBITOR, "Inhibiteur anti-FVIII (titre faible)."),
        ),
    }
    draw, chosen = rng.random(), None
    for chance, *what in risks.get(code, ()):
        if draw < chance:
            chosen = what
            break
        draw -= chance
    if chosen is None:
        return 0
    category, text = chosen
    occurred = min(last_day, treatment.started_on + dt.timedelta(days=rng.randint(0, 20)))
    serious = category == AdverseEvent.Category.THROMBOSIS
    services.adverse_event_record(
        actor=SYSTEM,
        patient=patient,
        centre=centre,
        treatment=treatment,
        occurred_on=occurred,
        category=category,
        description=text,
        outcome=rng.choice(("recovered", "recovering")) if serious else "unknown",
        serious=serious,
        reported_to_pharmacovigilance=serious,
        reported_on=occurred if serious else None,
    )
    return 1


def _background_treatments(
    rng: random.Random,
    patient: Patient,
    centre: Any,
    diagnosis: Diagnosis,
    start: dt.date,
    last_day: dt.date,
) -> list[Treatment]:
    """Long-term prescriptions (prophylaxis, hormonal treatment) and cover for surgery."""
    orpha = diagnosis.orpha.code if diagnosis.orpha else 0
    base = {"kind": Treatment.Kind.PRESCRIPTION, "started_on": start, "diagnosis": diagnosis}
    created: list[Treatment] = []
    if orpha == 98878:
        emicizumab = rng.random() < 0.4
        treatment = _treat(
            patient,
            centre,
            "B02BX06" if emicizumab else "B02BD02",
            indication=Treatment.Indication.PROPHYLAXIS,
            dose=Decimal(3 if emicizumab else 25),
            dose_unit="mg/kg" if emicizumab else "UI/kg",
            route="sc" if emicizumab else "iv",
            regulatory_status="within_ma",
            **base,
        )
        created.append(treatment)
    adult_woman = patient.sex == "F" and age_on(patient, start) >= 15
    if orpha in (849, 274, 903) and adult_woman and rng.random() < 0.5:
        treatment = _treat(
            patient,
            centre,
            "G02BA03",
            indication=Treatment.Indication.PROPHYLAXIS,
            route="intrauterine",
            regulatory_status="within_ma",
            **base,
        )
        created.append(treatment)
    if orpha in (849, 274) and rng.random() < 0.5:
        surgery = start + dt.timedelta(days=rng.randint(0, max(0, (last_day - start).days)))
        treatment = _treat(
            patient,
            centre,
            "B05AX02",
            indication=Treatment.Indication.SURGERY,
            dose=Decimal(rng.choice((1, 2))),
            dose_unit="unités",
            route="iv",
            regulatory_status="not_applicable",
            outcome=_outcome(rng),
            comment="Couverture d'une chirurgie ; plaquettes HLA-compatibles.",
            ended_on=surgery,
            **(base | {"kind": Treatment.Kind.ADMINISTRATION, "started_on": surgery}),
        )
        created.append(treatment)
    if orpha == 182050 and rng.random() < 0.4:
        treatment = _treat(
            patient,
            centre,
            "B02BX05",
            indication=Treatment.Indication.SURGERY,
            dose=Decimal(75),
            dose_unit="mg",
            route="oral",
            regulatory_status="off_label",
            off_label_framework="other",
            justification="Thrombopénie liée à MYH9 : eltrombopag avant chirurgie programmée, "
            "schéma des essais publiés.",
            outcome=_outcome(rng),
            ended_on=min(last_day, start + dt.timedelta(days=42)),
            **(base | {"kind": Treatment.Kind.ADMINISTRATION}),
        )
        created.append(treatment)
    return created
