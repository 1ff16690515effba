"""The only writers of the therapeutic education module: validated, atomic, audited.

Every refusal names its field in French and writes nothing. The callers (views, demo) have
asked ``access.education`` first; these functions check only the input and the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.education.models import (
    QUESTIONS,
    SCORE_MAX,
    SCORE_MIN,
    Evaluation,
    Participant,
    Programme,
    Session,
    TeamMember,
    Workshop,
)
from filiere.network.models import Centre
from filiere.nomenclature.selectors import orpha_concepts
from filiere.patients.models import Patient

MAX_WORKSHOPS = 20


def _day(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def programme_create(
    *,
    actor: Actor,
    centre: Centre,
    title: str,
    diseases: Sequence[str] = (),
    ars_number: str = "",
    ars_authorised_on: dt.date | None = None,
    status: str = Programme.Status.ACTIVE,
    workshops: Sequence[str] = (),
) -> Programme:
    """Record a programme of ``centre`` with its ORPHA diseases and its list of workshops."""
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors["title"] = [_("Titre : indiquez le titre du programme.")]
    elif Programme.objects.filter(centre=centre, title=title).exists():
        errors["title"] = [_("Titre : le centre a déjà un programme de ce titre.")]
    try:
        concepts = orpha_concepts(diseases, field="diseases", label=_("Maladies"))
    except ValidationError as error:
        errors.update(error.message_dict)
        concepts = []
    if ars_authorised_on is not None and ars_authorised_on > timezone.localdate():
        errors["ars_authorised_on"] = [
            _("Date d'autorisation ARS : le %(date)s n'est pas encore passé.")
            % {"date": _day(ars_authorised_on)}
        ]
    labels = [label.strip() for label in workshops if label.strip()]
    if not labels:
        errors["workshops"] = [_("Ateliers : indiquez au moins un atelier, un par ligne.")]
    elif len(set(labels)) != len(labels):
        errors["workshops"] = [_("Ateliers : un atelier y figure deux fois.")]
    elif len(labels) > MAX_WORKSHOPS or any(len(label) > 200 for label in labels):
        errors["workshops"] = [
            _("Ateliers : au plus %(n)d ateliers de 200 caractères chacun.") % {"n": MAX_WORKSHOPS}
        ]
    if status not in Programme.Status.values:
        errors["status"] = [_("État : choisissez un état de la liste.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme(
            centre=centre,
            title=title,
            ars_number=ars_number.strip(),
            ars_authorised_on=ars_authorised_on,
            status=status,
            created_by=acting_user(actor),
        )
        programme.full_clean()
        programme.save()
        programme.diseases.set(concepts)
        Workshop.objects.bulk_create(
            Workshop(programme=programme, position=i, title=label) for i, label in enumerate(labels)
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=programme,
            centre_id=centre.public_id,
            summary=_("Programme d'ETP créé : %(title)s") % {"title": title},
            changes={
                "maladies": [c.curie for c in concepts],
                "ateliers": labels,
                "autorisation ARS": [ars_number, ars_authorised_on],
            },
        )
    return programme


def programme_status_set(*, actor: Actor, programme: Programme, status: str) -> Programme:
    """Move a programme to ``status`` (in preparation, active, discontinued)."""
    if status not in Programme.Status.values:
        raise ValidationError({"status": _("État : choisissez un état de la liste.")})
    before = programme.status
    if status == before:
        return programme
    with transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(status=status)
        programme.status = status
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=programme,
            centre_id=programme.centre.public_id,
            summary=_("Programme d'ETP « %(title)s » : %(status)s")
            % {"title": programme.title, "status": programme.get_status_display()},
            changes={"status": {"avant": before, "après": status}},
        )
    return programme


def team_member_add(
    *,
    actor: Actor,
    programme: Programme,
    profile: str,
    user: User | None = None,
    full_name: str = "",
    specialty: str = "",
    organisation: str = "",
) -> TeamMember:
    """Add a member to the programme's educational team: a network user or an outside person."""
    errors: dict[str, list[str]] = {}
    full_name = full_name.strip()
    if (user is None) == (not full_name):
        errors["user"] = [
            _(
                "Membre : choisissez un membre du réseau ou indiquez le nom d'une personne "
                "extérieure, pas les deux."
            )
        ]
    elif user is not None and TeamMember.objects.filter(programme=programme, user=user).exists():
        errors["user"] = [_("Membre : %(name)s fait déjà partie de l'équipe.") % {"name": user}]
    if profile not in TeamMember.Profile.values:
        errors["profile"] = [_("Profil : choisissez un profil de la liste.")]
    elif profile == TeamMember.Profile.PROFESSIONAL and not specialty.strip():
        errors["specialty"] = [_("Spécialité : indiquez celle du professionnel de santé.")]
    elif profile == TeamMember.Profile.ASSOCIATION and not organisation.strip():
        errors["organisation"] = [_("Association : indiquez l'association représentée.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = TeamMember(
            programme=programme,
            user=user,
            full_name="" if user is not None else full_name,
            profile=profile,
            specialty=specialty.strip(),
            organisation=organisation.strip(),
        )
        member.full_clean()
        member.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=member,
            centre_id=programme.centre.public_id,
            summary=_("Équipe du programme « %(title)s » : %(name)s (%(profile)s)")
            % {"title": programme.title, "name": member, "profile": member.get_profile_display()},
        )
    return member


def session_create(
    *,
    actor: Actor,
    programme: Programme,
    held_on: dt.date,
    place: str,
    format: str,
    workshops: Sequence[Workshop],
) -> Session:
    """Record a session of the programme and the workshops held at it."""
    errors: dict[str, list[str]] = {}
    authorised = programme.ars_authorised_on
    if programme.status == Programme.Status.CLOSED:
        errors["held_on"] = [_("Date : le programme est arrêté, il ne tient plus de séance.")]
    elif authorised is not None and held_on < authorised:
        errors["held_on"] = [
            _("Date : la séance du %(day)s précède l'autorisation ARS du programme (%(ars)s).")
            % {"day": _day(held_on), "ars": _day(authorised)}
        ]
    place = place.strip()
    if not place:
        errors["place"] = [_("Lieu : indiquez où se tient la séance (ou « en ligne »).")]
    if format not in Session.Format.values:
        errors["format"] = [_("Format : choisissez présentiel, distanciel ou mixte.")]
    if not workshops:
        errors["workshops"] = [_("Ateliers : cochez au moins un atelier tenu.")]
    elif any(w.programme_id != programme.pk for w in workshops):
        errors["workshops"] = [_("Ateliers : choisissez parmi les ateliers du programme.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = Session(programme=programme, held_on=held_on, place=place, format=format)
        session.full_clean()
        session.save()
        session.workshops.set(workshops)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=session,
            centre_id=programme.centre.public_id,
            summary=_("Séance d'ETP du %(day)s : %(title)s")
            % {"day": _day(held_on), "title": programme.title},
            changes={"lieu": place, "format": format, "ateliers": [w.title for w in workshops]},
        )
    return session


def _attendance_error(session: Session) -> dict[str, list[str]]:
    if session.held_on > timezone.localdate():
        return {
            "attended": [
                _("Présence : la séance du %(day)s n'a pas encore eu lieu.")
                % {"day": _day(session.held_on)}
            ]
        }
    return {}


def participant_add(
    *,
    actor: Actor,
    session: Session,
    consent_on: dt.date | None,
    patient: Patient | None = None,
    first_name: str = "",
    relation: str = "",
    attended: bool = False,
) -> Participant:
    """Register a participant: a registry patient, or a relative known by first name and relation.

    Nobody takes part without consent: the date it was given is required.
    """
    errors: dict[str, list[str]] = {}
    first_name, relation = first_name.strip(), relation.strip()
    if patient is None and not (first_name and relation):
        errors["patient"] = [
            _(
                "Participant : choisissez un patient du registre, ou indiquez le prénom du proche "
                "et son lien avec le patient."
            )
        ]
    elif patient is not None and (first_name or relation):
        errors["first_name"] = [
            _("Prénom du proche : ne le remplissez pas pour un patient du registre.")
        ]
    elif patient is not None and session.participants.filter(patient=patient).exists():
        errors["patient"] = [_("Patient : déjà inscrit à cette séance.")]
    elif (
        patient is None
        and session.participants.filter(first_name=first_name, relation=relation).exists()
    ):
        errors["first_name"] = [
            _("Proche : %(name)s (%(relation)s) est déjà inscrit à cette séance.")
            % {"name": first_name, "relation": relation}
        ]
    if consent_on is None:
        errors["consent_on"] = [
            _(
                "Consentement : indiquez la date à laquelle le participant a consenti ; sans "
                "consentement, il ne peut être inscrit."
            )
        ]
    elif consent_on > timezone.localdate():
        errors["consent_on"] = [
            _("Consentement : le %(day)s n'est pas encore passé.") % {"day": _day(consent_on)}
        ]
    if attended:
        errors |= _attendance_error(session)
    if errors:
        raise ValidationError(errors)
    assert consent_on is not None  # noqa: S101 - refused above otherwise
    kind = Participant.Kind.PATIENT if patient is not None else Participant.Kind.RELATIVE
    try:
        with transaction.atomic():
            participant = Participant(
                session=session,
                kind=kind,
                patient=patient,
                first_name=first_name,
                relation=relation,
                consent_on=consent_on,
                attended=attended,
            )
            participant.full_clean(validate_unique=False, validate_constraints=False)
            participant.save()
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=participant,
                patient_id=patient.public_id if patient is not None else None,
                centre_id=session.programme.centre.public_id,
                summary=_("Participant inscrit à la séance d'ETP du %(day)s (%(kind)s)")
                % {"day": _day(session.held_on), "kind": participant.get_kind_display()},
            )
    except IntegrityError as error:
        # Two registrations of the same person at once: the unique constraint decides.
        raise ValidationError(
            {"patient": [_("Participant : déjà inscrit à cette séance.")]}
        ) from error
    return participant


def attendance_set(*, actor: Actor, participant: Participant, attended: bool) -> Participant:
    """Mark a participant present or absent (only once the session has taken place)."""
    session = participant.session
    if attended and (errors := _attendance_error(session)):
        raise ValidationError(errors)
    if not attended and participant.evaluations.exists():
        raise ValidationError(
            {"attended": [_("Présence : ce participant a rempli une évaluation.")]}
        )
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(attended=attended)
        participant.attended = attended
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=participant,
            patient_id=participant.patient.public_id if participant.patient else None,
            centre_id=session.programme.centre.public_id,
            summary=_("Séance d'ETP du %(day)s : participant %(state)s")
            % {"day": _day(session.held_on), "state": _("présent") if attended else _("absent")},
        )
    return participant


def evaluation_record(
    *,
    actor: Actor,
    participant: Participant,
    workshop: Workshop,
    scores: Mapping[str, int | None],
    comment: str = "",
) -> Evaluation:
    """Record one participant's questionnaire for one workshop of the session attended."""
    errors: dict[str, list[str]] = {}
    session = participant.session
    if not participant.attended:
        errors["participant"] = [
            _("Participant : seul un participant présent à la séance évalue un atelier.")
        ]
    elif Evaluation.objects.filter(participant=participant, workshop=workshop).exists():
        errors["workshop"] = [
            _("Atelier : ce participant a déjà évalué « %(title)s ».") % {"title": workshop.title}
        ]
    if not session.workshops.filter(pk=workshop.pk).exists():
        errors["workshop"] = [_("Atelier : choisissez un atelier tenu à cette séance.")]
    values: dict[str, int] = {}
    for key, label in QUESTIONS:
        value = scores.get(key)
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            errors[key] = [
                _("%(question)s : notez de %(low)d à %(high)d.")
                % {"question": label, "low": SCORE_MIN, "high": SCORE_MAX}
            ]
        else:
            values[key] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        evaluation = Evaluation(
            participant=participant, workshop=workshop, comment=comment.strip(), **values
        )
        evaluation.full_clean(validate_unique=False, validate_constraints=False)
        evaluation.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=evaluation,
            patient_id=participant.patient.public_id if participant.patient else None,
            centre_id=session.programme.centre.public_id,
            summary=_("Évaluation de l'atelier « %(title)s » (séance du %(day)s)")
            % {"title": workshop.title, "day": _day(session.held_on)},
        )
    return evaluation
