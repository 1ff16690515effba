"""Demo bleeds and their treatments, background treatments and adverse events."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from filiere.access.actors import SYSTEM
from filiere.followup import services
from filiere.followup.demo.profiles import RFVIIA_JUSTIFICATION, SITES_BY_PROFILE
from filiere.followup.models import (
    AdverseEvent,
    BleedingEvent,
    Treatment,
)
from filiere.patients.models import BleedingSite, Diagnosis, Patient
from filiere.patients.selectors import age_on


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
