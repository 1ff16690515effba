"""Who sees which patient, and the registry's reads.

A clinician sees the patients that one of their centres follows (an open or closed care
episode); nobody else does. Every page and endpoint that shows a patient goes through
``patients_visible_to`` or ``get_patient_for_user``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from filiere.access import Capability, centres_where, grants_for
from filiere.access.patients import (
    PatientRights,
    may_resolve_duplicates_across_centres,
    patient_rights,
)
from filiere.access.transfusion import specialist_regions
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.core.corrections import CorrectableKind, kind_for_slug
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import identity_links_matching
from filiere.lib.ages import Age, age_by_month, exact_age
from filiere.lib.pseudonyms import is_pseudonym, normalise_pseudonym
from filiere.nomenclature.groups import diagnoses_in_group
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.list_filters import apply_list_filter
from filiere.patients.models import CareEpisode, Consent, Diagnosis, Patient

ADULT_AGE = 18


def patients_visible_to(
    user: User, capability: Capability = Capability.VIEW_PATIENTS
) -> QuerySet[Patient]:
    """Return the patients followed by a centre where ``user`` holds ``capability``."""
    grants = grants_for(user)
    centres = grants.centre_ids(capability)
    if not centres:
        return Patient.objects.none()
    followed = CareEpisode.objects.filter(patient=OuterRef("pk"), centre_id__in=centres)
    return Patient.objects.filter(Exists(followed), merged_into__isnull=True)


def _patient_or_404(public_id: uuid.UUID | str) -> Patient:
    try:
        return Patient.objects.get(public_id=public_id)
    except (Patient.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def get_patient_for_user(
    user: User, public_id: uuid.UUID | str, capability: Capability = Capability.VIEW_PATIENTS
) -> Patient:
    """Return the patient, or raise 404 (recorded) when the user may not see it."""
    patient = _patient_or_404(public_id)
    if not patients_visible_to(user, capability).filter(pk=patient.pk).exists():
        raise NotVisible("patients.patient", str(patient.public_id))
    return patient


def get_patient_and_rights(user: User, public_id: uuid.UUID | str) -> tuple[Patient, PatientRights]:
    """``get_patient_for_user`` and the user's ``patient_rights`` on the patient, for the pages
    that need both: the patient's centres decide the two (the rule is the same: a centre of
    the user's with VIEW_PATIENTS follows the patient, which is not merged)."""
    patient = _patient_or_404(public_id)
    rights = patient_rights(user, patient)
    if not rights.see:
        raise NotVisible("patients.patient", str(patient.public_id))
    return patient, rights


def kept_record_for_user(user: User, public_id: uuid.UUID | str) -> Patient | None:
    """Return the record that ``public_id`` was merged into, if ``user`` may see it."""
    merged = Patient.objects.filter(public_id=public_id, merged_into__isnull=False).first()
    seen: set[int] = set()
    while merged is not None and merged.merged_into_id is not None and merged.pk not in seen:
        seen.add(merged.pk)
        merged = merged.merged_into
    if merged is None or not patients_visible_to(user).filter(pk=merged.pk).exists():
        return None
    return merged


def identity_of(patient: Patient) -> Identity | None:
    return Identity.objects.filter(link=patient.identity_link).first()


def identities_by_link(patients: list[Patient]) -> dict[uuid.UUID, Identity]:
    links = [p.identity_link for p in patients]
    return {i.link: i for i in Identity.objects.filter(link__in=links)}


def identities_in_list(user: User, patients: list[Patient]) -> dict[int, Identity]:
    """Return, by patient key, the identity of the listed patients the user may identify.

    The rule of ``access.patients.patient_rights`` (``see_identity``), decided for every row
    without a query per row: the rows come from ``with_list_details``, whose prefetched care
    episodes say which centres follow them. The identities of all those rows are then read in
    one query.
    """
    centres = grants_for(user).centre_ids(Capability.VIEW_IDENTITY)
    if not centres:
        return {}
    shown = [p for p in patients if any(e.centre_id in centres for e in p.care_episodes.all())]
    if not shown:
        return {}
    identities = identities_by_link(shown)
    return {p.pk: identities[p.identity_link] for p in shown if p.identity_link in identities}


@dataclass(frozen=True)
class PatientFilters:
    text: str = ""
    centre_id: int | None = None
    disease_group: DiseaseGroup | None = None
    status: str = ""
    age_group: str = ""  # "child" or "adult"
    followup: str = ""  # "overdue" or "due" (the follow-up schedule's next expected visit)
    # False for an API token without the identity scope: the text then never matches a name.
    match_names: bool = True


def age_group_condition(age_group: str, today: dt.date) -> Q:
    """Children are those whose age to the month (``age_on``) is under 18.

    During the birth month that age is the lowest possible, so the patients born 18 years ago
    this month are children until its last day.
    """
    year, month = today.year - ADULT_AGE, today.month
    if age_by_month(year, month, today).years < ADULT_AGE:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    younger = Q(birth_year__gt=year) | Q(birth_year=year, birth_month__gt=month)
    return younger if age_group == "child" else ~younger


def patient_list(user: User, filters: PatientFilters) -> QuerySet[Patient]:
    """Return the patients the user may see, filtered as asked, most recently changed first."""
    patients = patients_visible_to(user)
    text = filters.text.strip()
    if text:
        if is_pseudonym(normalise_pseudonym(text)):
            patients = patients.filter(pseudonym=normalise_pseudonym(text))
        elif text.isdigit() and len(text) == 20:
            patients = patients.filter(idmr=text)
        elif filters.match_names and grants_for(user).centre_ids(Capability.VIEW_IDENTITY):
            links = Identity.objects.filter(identity_links_matching(text)).values("link")
            identity_centres = grants_for(user).centre_ids(Capability.VIEW_IDENTITY)
            patients = patients.filter(
                identity_link__in=links,
                care_episodes__centre_id__in=identity_centres,
            ).distinct()
        else:
            patients = patients.none()
    if filters.centre_id is not None:
        patients = patients.filter(
            Exists(CareEpisode.objects.filter(patient=OuterRef("pk"), centre_id=filters.centre_id))
        )
    if filters.disease_group is not None or filters.status:
        diagnoses = Diagnosis.objects.current().filter(patient=OuterRef("pk"))
        if filters.disease_group is not None:
            diagnoses = diagnoses.filter(diagnoses_in_group(filters.disease_group))
        if filters.status:
            diagnoses = diagnoses.filter(status=filters.status)
        patients = patients.filter(Exists(diagnoses))
    patients = apply_list_filter("followup", patients, filters.followup, timezone.localdate())
    if filters.age_group in {"child", "adult"}:
        patients = patients.filter(age_group_condition(filters.age_group, timezone.localdate()))
    return patients.order_by("-updated_at", "pk")


def with_list_details(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    return patients.select_related("followup_schedule").prefetch_related(
        Prefetch(
            "diagnoses", queryset=Diagnosis.objects.current().select_related("orpha", "icd10")
        ),
        Prefetch("care_episodes", queryset=CareEpisode.objects.select_related("centre")),
    )


def latest_consents(consents: Iterable[Consent]) -> dict[str, Consent]:
    """Return the latest answer per kind (answers are never overwritten): the latest answer
    date, then the latest recording."""
    latest: dict[str, Consent] = {}
    for consent in sorted(consents, key=lambda c: (c.answered_on, c.recorded_at), reverse=True):
        latest.setdefault(consent.kind, consent)
    return latest


def current_consents(patient: Patient) -> dict[str, Consent]:
    return latest_consents(patient.consents.current())


def opposes_national_reuse(latest: dict[str, Consent]) -> bool:
    """The one rule for the national database (BNDMR): the latest answer to the opposition."""
    consent = latest.get(Consent.Kind.BNDMR_OPPOSITION)
    return consent is not None and consent.answer


def has_opposed_national_reuse(patient: Patient) -> bool:
    return opposes_national_reuse(current_consents(patient))


def age_by_month_on(patient: Patient, on: dt.date) -> Age:
    """Return the age on ``on`` to the month (the birth day stays in the identity table).

    During the birth month it is the lowest possible age (see ``filiere.lib.ages``); pages that
    do not show the identity use it, and rules fall back to it when the birth date may not be
    read (``patients.services.clinical_age_on``). Raise ``ValueError`` before the birth month.
    """
    return age_by_month(patient.birth_year, patient.birth_month, on)


def age_shown(patient: Patient, identity: Identity | None, on: dt.date) -> Age:
    """Return the age a page shows: exact from the identity the page already read (and recorded
    reading), to the month on the pages that do not show the identity."""
    if identity is not None and on >= identity.birth_date:
        return exact_age(identity.birth_date, on)
    return age_by_month_on(patient, on)


def age_on(patient: Patient, on: dt.date) -> int:
    """Return the age in completed years on ``on``, to the month (see ``age_by_month_on``).

    Negative before the birth month, which the callers use to detect an impossible date.
    """
    if (on.year, on.month) < (patient.birth_year, patient.birth_month):
        return on.year - patient.birth_year - (on.month < patient.birth_month)
    return age_by_month_on(patient, on).years


def patients_visible_for_transfusion(user: User) -> QuerySet[Patient]:
    """Patients whose transfusion support the user may see and manage.

    The patient's own clinicians (VIEW_PATIENTS at a following centre), and the transfusion
    specialists of a blood-establishment site serving the region of a following centre.
    """
    clinical = grants_for(user).centre_ids(Capability.VIEW_PATIENTS)
    regions = specialist_regions(user)
    condition = Q(centre_id__in=clinical) | Q(centre__region__in=regions)
    if not clinical and not regions:
        return Patient.objects.none()
    followed = CareEpisode.objects.filter(condition, patient=OuterRef("pk"))
    return Patient.objects.filter(Exists(followed), merged_into__isnull=True)


@dataclass(frozen=True)
class TransfusionSearch:
    """A transfusion specialist's search: a pseudonym or an IdMR, or a centre of the region with
    a birth year (and optionally the month and the sex). Names are not searched: the
    transfusion role does not see the identity."""

    text: str = ""
    centre_id: int | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    sex: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and (self.centre_id is None or self.birth_year is None)


def transfusion_patient_search(user: User, search: TransfusionSearch) -> QuerySet[Patient]:
    """Return the patients the user may follow for transfusion that match ``search``; nothing
    for an empty search (a region's registry is never listed whole)."""
    patients = patients_visible_for_transfusion(user)
    if search.is_empty:
        return patients.none()
    text = search.text.strip()
    if text:
        if is_pseudonym(normalise_pseudonym(text)):
            patients = patients.filter(pseudonym=normalise_pseudonym(text))
        elif text.isdigit() and len(text) == 20:
            patients = patients.filter(idmr=text)
        else:
            return patients.none()
    if search.centre_id is not None:
        patients = patients.filter(
            Exists(CareEpisode.objects.filter(patient=OuterRef("pk"), centre_id=search.centre_id))
        )
    if search.birth_year is not None:
        patients = patients.filter(birth_year=search.birth_year)
    if search.birth_month is not None:
        patients = patients.filter(birth_month=search.birth_month)
    if search.sex:
        patients = patients.filter(sex=search.sex)
    return patients.order_by("pseudonym")


def get_patient_for_transfusion(user: User, public_id: uuid.UUID | str) -> Patient:
    """Return the patient for the transfusion module, or 404 (recorded)."""
    try:
        patient = Patient.objects.get(public_id=public_id)
    except (Patient.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not patients_visible_for_transfusion(user).filter(pk=patient.pk).exists():
        raise NotVisible("patients.patient", str(patient.public_id), "transfusion")
    return patient


def open_duplicates_for(user: User) -> QuerySet[DuplicateSuspicion]:
    """Open suspicions the duplicates page shows the user, newest first.

    A data manager sees a pair only when her data-management centres follow *both* records (a
    pair with another centre's patient would hand over that patient's identity); the network
    coordinator sees every pair, pseudonymised. The rule is a filter of the query, so that a
    limit taken afterwards never drops one of the user's pairs.
    """
    both_exist = (
        Exists(Patient.objects.filter(identity_link=OuterRef("first_link"))),
        Exists(Patient.objects.filter(identity_link=OuterRef("second_link"))),
    )
    suspicions = DuplicateSuspicion.objects.filter(
        *both_exist, status=DuplicateSuspicion.Status.OPEN
    ).order_by("-detected_at", "-pk")
    if may_resolve_duplicates_across_centres(user):
        return suspicions
    centres = centres_where(user, Capability.MANAGE_DUPLICATES)
    if not centres:
        return DuplicateSuspicion.objects.none()
    return suspicions.filter(
        Exists(
            CareEpisode.objects.filter(
                patient__identity_link=OuterRef("first_link"), centre_id__in=centres
            )
        ),
        Exists(
            CareEpisode.objects.filter(
                patient__identity_link=OuterRef("second_link"), centre_id__in=centres
            )
        ),
    )


def duplicates_in_own_centres(
    user: User, patient: Patient, suspicions: list[DuplicateSuspicion]
) -> list[DuplicateSuspicion]:
    """Return the suspicions whose other record the user already sees: only those may be
    mentioned to her (the others would tell her that another centre follows this person)."""
    others = {
        s.second_link if s.first_link == patient.identity_link else s.first_link for s in suspicions
    }
    visible = set(
        patients_visible_to(user)
        .filter(identity_link__in=others)
        .values_list("identity_link", flat=True)
    )
    return [
        s for s in suspicions if ({s.first_link, s.second_link} - {patient.identity_link}) & visible
    ]


def get_duplicate_for_user(user: User, public_id: uuid.UUID | str) -> DuplicateSuspicion:
    """Return one of the user's open pairs, or raise 404 (recorded)."""
    try:
        suspicion = DuplicateSuspicion.objects.get(public_id=public_id)
    except (DuplicateSuspicion.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not open_duplicates_for(user).filter(pk=suspicion.pk).exists():
        raise NotVisible("identity.duplicatesuspicion", str(suspicion.public_id), "doublons")
    return suspicion


def duplicate_pair_patients(suspicion: DuplicateSuspicion) -> list[Patient]:
    """Return the two records of a pair, their care episodes prefetched."""
    return list(
        Patient.objects.filter(
            identity_link__in=[suspicion.first_link, suspicion.second_link]
        ).prefetch_related(
            Prefetch("care_episodes", queryset=CareEpisode.objects.select_related("centre"))
        )
    )


def get_record_for_user(
    user: User,
    public_id: uuid.UUID | str,
    slug: str,
    record_id: uuid.UUID | str,
    capability: Capability = Capability.VIEW_PATIENTS,
) -> tuple[Patient, CorrectableKind, Any]:
    """Return the patient, the kind and one of their clinical records (``slug``: a kind of
    ``filiere.core.corrections``), or raise 404 (recorded) when the user may not reach it."""
    patient = get_patient_for_user(user, public_id, capability)
    kind = kind_for_slug(slug)
    if kind is None:
        raise Http404
    records: Any = kind.model.objects
    record = records.filter(patient=patient, public_id=record_id).first()
    if record is None:
        raise NotVisible(kind.record_type, str(record_id), patient_id=patient.public_id)
    return patient, kind, record
