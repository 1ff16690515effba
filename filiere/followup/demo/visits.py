"""The demo follow-up of each patient: visits at the disease's rhythm and ISTH-BAT scores."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.demo.context import DemoContext
from filiere.exports.sdm_mr.value_sets import ActivityContext, ActivityObjective
from filiere.followup import services
from filiere.followup.demo.profiles import (
    BAT_PROFILES,
    INTERVIEWERS,
    PLATELETS,
    PROFILE_BY_ORPHA,
    D,
)
from filiere.followup.demo.treatments import (
    _adverse_event,
    _background_treatments,
    _bleed,
    _treat_bleed,
)
from filiere.followup.models import (
    BleedingEvent,
    FollowUpSchedule,
    Treatment,
    Visit,
)
from filiere.followup.rhythm import add_months
from filiere.identity.models import Identity
from filiere.patients.models import Patient
from filiere.patients.selectors import age_on


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
    rules = services.followup_rules_install_defaults(actor=SYSTEM, background=False).created
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
