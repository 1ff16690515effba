"""The only writers of the PNDS projects and of the action plan: validated, atomic, audited.

Who may call them is decided at the boundary (``filiere.access.guidelines``); the services check
the input and write one audit event each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import records_refusals
from filiere.guidelines.models import (
    DocumentVersion,
    GroupMeeting,
    GroupMember,
    GuidelineProject,
    PlanAction,
    StatusChange,
    WorkingGroup,
)
from filiere.nomenclature.selectors import orpha_concepts

Status = GuidelineProject.Status
# The HAS steps in the order a PNDS goes through them (HAS, « Méthode d'élaboration d'un PNDS »,
# 2012): a change to an earlier step is a setback and needs its reason.
STEPS: tuple[str, ...] = tuple(Status.values)
TEXT_LIMIT = 200
MAX_MEMBERS = 60


@dataclass(frozen=True)
class MemberEntry:
    name: str
    profile: str


def _today() -> dt.date:
    return timezone.localdate()


def _project_errors(
    *,
    title: str,
    coordinators: Sequence[User],
    external_coordinators: str,
    led_by_network: bool,
    other_network: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Titre : indiquez le titre du PNDS.")]
    if not coordinators and not external_coordinators.strip():
        errors["coordinators"] = [
            _("Coordonnateurs : choisissez au moins un membre du réseau ou indiquez un nom.")
        ]
    if not led_by_network and not other_network:
        errors["other_network"] = [
            _(
                "Filière porteuse : indiquez la filière qui porte ce PNDS "
                "auquel le réseau participe."
            )
        ]
    return errors


@records_refusals("Projet de PNDS")
def project_create(
    *,
    actor: Actor,
    title: str,
    disease_codes: Sequence[str],
    coordinators: Sequence[User],
    external_coordinators: str = "",
    target_date: dt.date | None,
    led_by_network: bool = True,
    other_network: str = "",
    status: str = Status.PREPARATION,
    entered_at: dt.datetime | None = None,
) -> GuidelineProject:
    """Record a new PNDS project and its first step (``entered_at``: when the work began, for a
    project entered after the fact; now by default)."""
    title, other_network = title.strip(), other_network.strip()
    errors = _project_errors(
        title=title,
        coordinators=coordinators,
        external_coordinators=external_coordinators,
        led_by_network=led_by_network,
        other_network=other_network,
    )
    if target_date is not None and target_date < _today():
        errors["target_date"] = [
            _("Date cible : elle est déjà passée ; indiquez une date à venir.")
        ]
    if status not in STEPS:
        errors["status"] = [_("Étape : choisissez une étape de la liste.")]
    if entered_at is not None and entered_at > timezone.now():
        errors["entered_at"] = [_("Début des travaux : la date ne peut pas être dans le futur.")]
    try:
        diseases = orpha_concepts(disease_codes, field="diseases", label=_("Maladies"))
    except ValidationError as error:
        errors.update(error.message_dict)
        diseases = []
    if errors:
        raise ValidationError(errors)
    project = GuidelineProject(
        title=title,
        external_coordinators=external_coordinators.strip(),
        target_date=target_date,
        led_by_network=led_by_network,
        other_network="" if led_by_network else other_network,
        status=status,
    )
    project.full_clean()
    project.save()
    project.diseases.set(diseases)
    project.coordinators.set(coordinators)
    StatusChange.objects.create(
        project=project,
        status=status,
        changed_at=entered_at or timezone.now(),
        changed_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=project,
        summary=_("PNDS : projet « %(title)s » créé") % {"title": title},
    )
    return project


@records_refusals("Projet de PNDS")
def project_update(
    *,
    actor: Actor,
    project: GuidelineProject,
    title: str,
    disease_codes: Sequence[str],
    coordinators: Sequence[User],
    external_coordinators: str = "",
    target_date: dt.date | None,
    led_by_network: bool = True,
    other_network: str = "",
) -> GuidelineProject:
    """Record the changes of a project's description (its step changes through
    ``project_status_change``). A target date already past stays allowed: the timeline flags it."""
    title, other_network = title.strip(), other_network.strip()
    errors = _project_errors(
        title=title,
        coordinators=coordinators,
        external_coordinators=external_coordinators,
        led_by_network=led_by_network,
        other_network=other_network,
    )
    try:
        diseases = orpha_concepts(disease_codes, field="diseases", label=_("Maladies"))
    except ValidationError as error:
        errors.update(error.message_dict)
        diseases = []
    if errors:
        raise ValidationError(errors)
    project = GuidelineProject.objects.select_for_update().get(pk=project.pk)
    project.title = title
    project.external_coordinators = external_coordinators.strip()
    project.target_date = target_date
    project.led_by_network = led_by_network
    project.other_network = "" if led_by_network else other_network
    project.full_clean()
    project.save()
    project.diseases.set(diseases)
    project.coordinators.set(coordinators)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=project,
        summary=_("PNDS : projet « %(title)s » modifié") % {"title": title},
    )
    return project


@records_refusals("Étape d'un PNDS")
def project_status_change(
    *,
    actor: Actor,
    project: GuidelineProject,
    status: str,
    reason: str = "",
    changed_at: dt.datetime | None = None,
) -> GuidelineProject:
    """Move a project to another step, kept in its history with the date and the author."""
    project = GuidelineProject.objects.select_for_update().get(pk=project.pk)
    reason = reason.strip()
    if status not in STEPS:
        raise ValidationError({"status": _("Étape : choisissez une étape de la liste.")})
    if status == project.status:
        raise ValidationError(
            {
                "status": _("Étape : le projet est déjà à l'étape « %(s)s ».")
                % {"s": Status(status).label}
            }
        )
    if STEPS.index(status) < STEPS.index(project.status) and not reason:
        raise ValidationError(
            {
                "reason": _("Motif : un retour de « %(from)s » à « %(to)s » doit être motivé.")
                % {"from": Status(project.status).label, "to": Status(status).label}
            }
        )
    if len(reason) > 300:
        raise ValidationError({"reason": _("Motif : 300 caractères au plus.")})
    changed_at = changed_at or timezone.now()
    latest = (
        project.status_changes.order_by("-changed_at").values_list("changed_at", flat=True).first()
    )
    if changed_at > timezone.now() or (latest is not None and changed_at < latest):
        raise ValidationError(
            {"changed_at": _("Date : entre la dernière étape enregistrée et aujourd'hui.")}
        )
    before = project.status
    project.status = status
    project.save(update_fields=["status"])
    StatusChange.objects.create(
        project=project,
        status=status,
        changed_at=changed_at,
        changed_by=acting_user(actor),
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=project,
        summary=_("PNDS : « %(title)s » passe à l'étape « %(s)s »")
        % {"title": project.title, "s": Status(status).label},
        changes={"status": {"avant": before, "après": status}},
    )
    return project


def _members(entries: Sequence[MemberEntry]) -> list[MemberEntry]:
    cleaned: list[MemberEntry] = []
    problems: list[str] = []
    for line, entry in enumerate(entries, start=1):
        name, profile = entry.name.strip(), entry.profile.strip()
        if not (name or profile):
            continue
        if not name:
            problems.append(_("Membres, ligne %(n)d : indiquez le nom.") % {"n": line})
        if not profile:
            problems.append(
                _("Membres, ligne %(n)d : indiquez le profil ou la spécialité.") % {"n": line}
            )
        if max(len(name), len(profile)) > TEXT_LIMIT:
            problems.append(
                _("Membres, ligne %(n)d : %(max)d caractères au plus par colonne.")
                % {"n": line, "max": TEXT_LIMIT}
            )
        cleaned.append(MemberEntry(name, profile))
    if len(cleaned) > MAX_MEMBERS:
        problems.append(_("Membres : %(max)d personnes au plus.") % {"max": MAX_MEMBERS})
    if problems:
        raise ValidationError({"members": problems})
    return cleaned


@records_refusals("Groupe de travail d'un PNDS")
def group_save(
    *,
    actor: Actor,
    project: GuidelineProject,
    group: WorkingGroup | None = None,
    number: int | None,
    title: str,
    lead: str,
    members: Sequence[MemberEntry],
) -> WorkingGroup:
    """Record a new working group of a project, or the changes of one."""
    title, lead = title.strip(), lead.strip()
    errors: dict[str, list[str]] = {}
    if number is None or number < 1:
        errors["number"] = [_("Numéro : indiquez un numéro de groupe (1, 2, 3…).")]
    elif (
        WorkingGroup.objects.filter(project=project, number=number)
        .exclude(pk=group.pk if group is not None else 0)
        .exists()
    ):
        errors["number"] = [_("Numéro : ce projet a déjà un groupe n° %(n)d.") % {"n": number}]
    if not title:
        errors["title"] = [_("Intitulé : indiquez l'intitulé du groupe.")]
    if not lead:
        errors["lead"] = [_("Responsable : indiquez le responsable du groupe.")]
    try:
        cleaned = _members(members)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = []
    if errors:
        raise ValidationError(errors)
    assert number is not None  # noqa: S101 - refused above when missing
    creating = group is None
    if group is None:
        group = WorkingGroup(project=project)
    group.number, group.title, group.lead = number, title, lead
    group.full_clean()
    group.save()
    group.members.all().delete()
    GroupMember.objects.bulk_create(
        GroupMember(group=group, position=position, name=entry.name, profile=entry.profile)
        for position, entry in enumerate(cleaned)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        obj=group,
        summary=_("PNDS « %(p)s » : groupe %(g)s") % {"p": project.title, "g": group},
    )
    return group


@records_refusals("Réunion d'un groupe de travail")
def group_meeting_add(
    *, actor: Actor, group: WorkingGroup, held_on: dt.date | None, attendees: str, minutes: str
) -> GroupMeeting:
    """Record a meeting of a working group and its minutes."""
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = [_("Date : indiquez la date de la réunion (jj/mm/aaaa).")]
    elif held_on > _today():
        errors["held_on"] = [_("Date : une réunion tenue ne peut pas être dans le futur.")]
    if not minutes.strip():
        errors["minutes"] = [_("Compte rendu : indiquez le compte rendu de la réunion.")]
    if errors:
        raise ValidationError(errors)
    assert held_on is not None  # noqa: S101 - refused above when missing
    meeting = GroupMeeting(
        group=group,
        held_on=held_on,
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        recorded_by=acting_user(actor),
    )
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        object_id=str(group.public_id),
        summary=_("%(g)s : réunion du %(d)s") % {"g": group, "d": f"{held_on:%d/%m/%Y}"},
    )
    return meeting


@records_refusals("Version d'un PNDS")
def version_add(
    *, actor: Actor, project: GuidelineProject, label: str, dated: dt.date | None, note: str = ""
) -> DocumentVersion:
    """Record a version of the project's document (label, date, what changed)."""
    label = label.strip()
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = [_("Version : indiquez le libellé (par exemple « v2 relecture »).")]
    elif DocumentVersion.objects.filter(project=project, label=label).exists():
        errors["label"] = [_("Version : « %(l)s » existe déjà pour ce projet.") % {"l": label}]
    if dated is None:
        errors["dated"] = [_("Date : indiquez la date de la version (jj/mm/aaaa).")]
    elif dated > _today():
        errors["dated"] = [_("Date : une version produite ne peut pas être datée du futur.")]
    if errors:
        raise ValidationError(errors)
    assert dated is not None  # noqa: S101 - refused above when missing
    version = DocumentVersion(
        project=project, label=label, dated=dated, note=note.strip(), recorded_by=acting_user(actor)
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=version,
        object_id=str(project.public_id),
        summary=_("PNDS « %(p)s » : version %(l)s") % {"p": project.title, "l": label},
    )
    return version


@records_refusals("Action du plan")
def action_save(
    *,
    actor: Actor,
    action: PlanAction | None = None,
    number: str,
    title: str,
    working_group: str = "",
    owner: User | None,
    status: str,
    indicators: str = "",
    due_date: dt.date | None = None,
) -> PlanAction:
    """Record a new action of the network's plan, or the changes of one."""
    number, title = number.strip(), title.strip()
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("Numéro : indiquez le numéro de l'action (par exemple « 2.3 »).")]
    elif PlanAction.objects.filter(number=number).exclude(pk=action.pk if action else 0).exists():
        errors["number"] = [_("Numéro : l'action n° %(n)s existe déjà.") % {"n": number}]
    if not title:
        errors["title"] = [_("Intitulé : indiquez l'intitulé de l'action.")]
    if owner is None:
        errors["owner"] = [_("Pilote : choisissez le pilote de l'action.")]
    if status not in PlanAction.Status.values:
        errors["status"] = [_("Statut : choisissez un statut de la liste.")]
    if errors:
        raise ValidationError(errors)
    creating = action is None
    if action is None:
        action = PlanAction()
    action.number, action.title = number, title
    action.working_group = working_group.strip()
    assert owner is not None  # noqa: S101 - refused above when missing
    action.owner = owner
    action.status = status
    action.indicators = indicators.strip()
    action.due_date = due_date
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        obj=action,
        summary=_("Plan d'action : %(a)s") % {"a": action},
    )
    return action
