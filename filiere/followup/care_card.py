"""What the emergency care card and the follow-up booklet say, built from the record.

The wording is plain French for emergency carers who do not know the disease. It is generic to
the disease (diagnosis, what to avoid) or comes from the record (the reference centre's 24/7
number, and only the treatments a clinician validated as the patient's usual emergency
treatment, with their recorded dose); it never invents or guesses a dose. ``pdf.py`` lays it
out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from filiere.accounts.models import User
from filiere.clinical.doses import french_number
from filiere.followup.models import BleedingScore, DiseaseSeverity, Visit
from filiere.identity.models import Identity
from filiere.network.models import Centre
from filiere.nomenclature.groups import GroupIndex
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, DiagnosisStatus, Patient

DOCUMENT_VERSION = "1.1"
MAX_EMERGENCY_LINES = 3
NO_EMERGENCY_TREATMENT = (
    "Aucun traitement d'urgence validé : demander l'avis du centre de référence."
)

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


def _validated(by: User | None, at: dt.datetime | None) -> str:
    who = f" par {by.display_name}" if by is not None else ""
    when = f" le {timezone.localtime(at):%d/%m/%Y}" if at is not None else ""
    return f"{who}{when}"


def _emergency_treatment(patient: Patient) -> list[str]:
    """The treatments a clinician chose as the patient's usual emergency treatment, with their
    dose as recorded and who validated them; never a guess from the history."""
    lines: list[str] = []
    treatments = (
        patient.treatments.current()
        .select_related("atc", "emergency_validated_by", "dose_confirmed_by")
        .filter(usual_emergency=True, atc__isnull=False)
        .order_by("-emergency_validated_at")
    )
    for t in treatments:
        assert t.atc is not None  # noqa: S101 - filtered above
        dose = f" {french_number(t.dose)} {t.dose_unit}" if t.dose is not None else ""
        route = f" ({t.get_route_display().lower()})" if t.route else ""
        line = f"{t.atc.label}{dose}{route} — validé"
        line += _validated(t.emergency_validated_by, t.emergency_validated_at)
        if t.dose_confirmed:
            line += " ; dose hors plage usuelle confirmée"
            line += _validated(t.dose_confirmed_by, t.dose_confirmed_at)
        lines.append(line)
    # The card-sized back holds three such lines with its advice; more would push it off.
    return lines[:MAX_EMERGENCY_LINES]


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
        emergency_treatment=_emergency_treatment(patient),
        to_do=TO_DO,
        to_avoid=TO_AVOID,
        centre=centre.name if centre else "",
        emergency_phone=(centre.emergency_phone or centre.phone) if centre else "",
        phone=centre.phone if centre else "",
        generated_on=today,
        notes=notes,
    )
