"""What the emergency care card and the follow-up booklet say, built from the record.

The wording is plain French for emergency carers who do not know the disease. It is generic to
the disease (diagnosis, what to avoid) or comes from the record (treatments that worked, the
reference centre's 24/7 number); it never invents a dose. ``pdf.py`` lays it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from filiere.followup.models import BleedingScore, DiseaseSeverity, Treatment, Visit
from filiere.followup.selectors import GroupIndex
from filiere.identity.models import Identity
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, DiagnosisStatus, Patient

DOCUMENT_VERSION = "1.0"

PLAIN_BY_ORPHA: dict[int, str] = {
    849: "Thrombasthénie de Glanzmann : maladie héréditaire des plaquettes. Leur nombre est "
    "normal mais elles ne s'agrègent pas : le sang coagule mal et les saignements peuvent être "
    "graves et durables.",
    274: "Syndrome de Bernard-Soulier : plaquettes peu nombreuses, géantes, qui adhèrent mal à "
    "la paroi des vaisseaux. Les saignements peuvent être graves.",
    182050: "Thrombopénie liée au gène MYH9 : plaquettes peu nombreuses et géantes ; surveiller "
    "aussi les reins, l'audition et les yeux.",
    721: "Syndrome des plaquettes grises : plaquettes vides de leurs granules, qui fonctionnent "
    "mal.",
    906: "Syndrome de Wiskott-Aldrich : plaquettes petites et peu nombreuses, déficit immunitaire "
    "associé (risque d'infection).",
    98878: "Hémophilie A : manque de facteur VIII de la coagulation ; saignements dans les "
    "articulations, les muscles, et après un traumatisme même léger.",
    98879: "Hémophilie B : manque de facteur IX de la coagulation ; saignements dans les "
    "articulations, les muscles, et après un traumatisme même léger.",
    903: "Maladie de Willebrand : manque ou anomalie du facteur Willebrand ; saignements surtout "
    "des muqueuses (nez, gencives, règles).",
    616874: "Syndrome hémorragique constitutionnel sans diagnostic précis à ce jour : le risque "
    "de saignement est réel.",
}
PLAIN_BY_GROUP: dict[str, str] = {
    "thrombopenies": "Thrombopénie constitutionnelle : plaquettes peu nombreuses depuis la "
    "naissance.",
    "thrombopathies": "Thrombopathie constitutionnelle : plaquettes qui fonctionnent mal.",
    "deficits-rares": "Déficit rare en un facteur de la coagulation.",
}
PLAIN_DEFAULT = "Maladie hémorragique rare : le sang coagule mal."

HIGH_RISK_ORPHA = frozenset({849, 274})
PLATELET_GROUPS = frozenset({"thrombopenies", "thrombopathies"})

TO_DO = (
    "Saignement abondant, traumatisme de la tête, du ventre ou chute violente : appeler le 15 "
    "et montrer cette carte.",
    "Comprimer fermement un saignement extériorisé pendant au moins 10 minutes.",
    "Prévenir le centre de référence, joignable 24 h/24 (numéro sur cette carte).",
    "Douleur ou fièvre : paracétamol.",
)
TO_AVOID = (
    "Pas d'injection intramusculaire.",
    "Pas d'aspirine ni d'anti-inflammatoire non stéroïdien (ibuprofène, kétoprofène, diclofénac…).",
    "Pas d'anticoagulant ni d'antiagrégant plaquettaire sans avis du centre.",
    "Pas de geste invasif, de chirurgie ni d'extraction dentaire sans avis du centre.",
)
PLATELET_ADVICE = (
    "Transfusion de plaquettes seulement sur avis du centre (risque d'allo-immunisation) ; "
    "plaquettes HLA-compatibles si possible."
)


@dataclass(frozen=True)
class CareCard:
    pseudonym: str
    name: str  # empty when the reader may not see identity
    birth: str
    diagnosis: str
    diagnosis_plain: str
    risk: str
    last_bat: str
    emergency_treatment: list[str]
    to_do: tuple[str, ...]
    to_avoid: tuple[str, ...]
    centre: str
    emergency_phone: str
    phone: str
    generated_on: dt.date
    version: str = DOCUMENT_VERSION
    notes: list[str] = field(default_factory=list)


def _main_diagnosis(patient: Patient) -> Diagnosis | None:
    diagnoses = [
        d
        for d in patient.diagnoses.current().select_related("orpha", "icd10")
        if d.status != DiagnosisStatus.REFUTED
    ]
    confirmed = [d for d in diagnoses if d.status == DiagnosisStatus.CONFIRMED]
    chosen = confirmed or diagnoses
    return chosen[0] if chosen else None


def _group_slugs(diagnosis: Diagnosis | None) -> set[str]:
    if diagnosis is None:
        return set()
    index = GroupIndex.load()
    ids = index.groups_of(
        [diagnosis.orpha.code] if diagnosis.orpha else [],
        [diagnosis.icd10.code] if diagnosis.icd10 else [],
    )
    return set(DiseaseGroup.objects.filter(pk__in=ids).values_list("slug", flat=True))


def _reference_centre(patient: Patient) -> Centre | None:
    episodes = list(patient.care_episodes.filter(ended_on__isnull=True).select_related("centre"))
    reference = [e for e in episodes if e.centre.kind.startswith("crmr")]
    chosen = reference or episodes
    return chosen[0].centre if chosen else None


def _emergency_treatment(patient: Patient, today: dt.date) -> list[str]:
    """The treatments used for bleeds or still prescribed, most recent first, once per drug."""
    lines: list[str] = []
    seen: set[str] = set()
    treatments = (
        patient.treatments.current()
        .select_related("atc")
        .filter(atc__isnull=False)
        .exclude(outcome=Treatment.Outcome.INEFFECTIVE)
        .order_by("-started_on")
    )
    for t in treatments:
        current = t.kind == Treatment.Kind.PRESCRIPTION and (
            t.ended_on is None or t.ended_on >= today
        )
        if not (t.indication == Treatment.Indication.BLEED or current):
            continue
        assert t.atc is not None  # noqa: S101 - filtered above
        if t.atc.code in seen:
            continue
        seen.add(t.atc.code)
        dose = f" {t.dose.normalize():f} {t.dose_unit}" if t.dose is not None else ""
        route = f" ({t.get_route_display().lower()})" if t.route else ""
        why = t.get_indication_display().lower()
        lines.append(f"{t.atc.label}{dose}{route} — {why}")
    return lines[:4]


def _risk(patient: Patient, diagnosis: Diagnosis | None) -> str:
    severity = (
        Visit.objects.current()
        .filter(patient=patient)
        .exclude(severity="")
        .order_by("-visited_on")
        .values_list("severity", flat=True)
        .first()
    )
    if (diagnosis and diagnosis.orpha and diagnosis.orpha.code in HIGH_RISK_ORPHA) or (
        severity == DiseaseSeverity.SEVERE
    ):
        return "Risque hémorragique élevé"
    if severity == DiseaseSeverity.MODERATE:
        return "Risque hémorragique modéré"
    if severity == DiseaseSeverity.MILD:
        return "Risque hémorragique faible à modéré"
    return "Risque hémorragique : à préciser avec le centre"


def build_care_card(patient: Patient, *, identity: Identity | None, today: dt.date) -> CareCard:
    """Return the card's content for ``patient`` (identity only when the reader may see it)."""
    diagnosis = _main_diagnosis(patient)
    slugs = _group_slugs(diagnosis)
    code = diagnosis.orpha.code if diagnosis and diagnosis.orpha else None
    plain = PLAIN_BY_ORPHA.get(code) if code else None
    plain = plain or next((PLAIN_BY_GROUP[s] for s in sorted(slugs) if s in PLAIN_BY_GROUP), None)
    if diagnosis is None:
        name = "Diagnostic non renseigné"
    elif diagnosis.orpha:
        name = f"{diagnosis.orpha.name} (ORPHA:{diagnosis.orpha.code})"
    else:
        name = str(diagnosis.icd10)
    last = BleedingScore.objects.current().filter(patient=patient).order_by("-assessed_on").first()
    last_bat = (
        f"Score {last.version} : {last.total} ({'anormal' if last.abnormal else 'normal'}), "
        f"{last.assessed_on:%m/%Y}"
        if last
        else ""
    )
    centre = _reference_centre(patient)
    notes = [PLATELET_ADVICE] if slugs & PLATELET_GROUPS or code in HIGH_RISK_ORPHA else []
    return CareCard(
        pseudonym=patient.pseudonym,
        name=f"{identity.birth_name.upper()} {identity.first_given_name}" if identity else "",
        birth=f"{identity.birth_date:%d/%m/%Y}" if identity else f"{patient.birth}",
        diagnosis=name,
        diagnosis_plain=plain or PLAIN_DEFAULT,
        risk=_risk(patient, diagnosis),
        last_bat=last_bat,
        emergency_treatment=_emergency_treatment(patient, today),
        to_do=TO_DO,
        to_avoid=TO_AVOID,
        centre=centre.name if centre else "",
        emergency_phone=(centre.emergency_phone or centre.phone) if centre else "",
        phone=centre.phone if centre else "",
        generated_on=today,
        notes=notes,
    )
