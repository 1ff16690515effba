"""Suspected duplicates: dismissing a pair or merging one record into the other."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.patients import may_merge_duplicate
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import records_refusals
from filiere.identity.models import DuplicateSuspicion
from filiere.patients.hooks import RecordMover, care_episodes_changed, records_merged, repoint
from filiere.patients.models import (
    CareEpisode,
    Consent,
    Diagnosis,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
)
from filiere.patients.services.common import (
    audit,
    touch,
)


def _following_centres(suspicion: DuplicateSuspicion) -> set[int]:
    return set(
        CareEpisode.objects.filter(
            patient__identity_link__in=[suspicion.first_link, suspicion.second_link]
        ).values_list("centre_id", flat=True)
    )


@records_refusals("Rejet d'un doublon potentiel")
def duplicate_dismiss(
    *, actor: User, suspicion: DuplicateSuspicion, note: str
) -> DuplicateSuspicion:
    """Record that two identities are different people."""
    if suspicion.status != DuplicateSuspicion.Status.OPEN:
        raise ValidationError("Ce doublon potentiel a déjà été traité.")
    if not note.strip():
        raise ValidationError({"note": "Expliquez pourquoi ce ne sont pas les mêmes personnes."})
    suspicion.status = DuplicateSuspicion.Status.DISMISSED
    suspicion.resolved_at, suspicion.resolved_by, suspicion.note = (
        timezone.now(),
        actor,
        note.strip(),
    )
    suspicion.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=suspicion, summary="Doublon écarté"
    )
    return suspicion


def _move_registry_records(absorbed: Patient, kept: Patient) -> dict[str, int]:
    moved: dict[str, int] = {}
    for model in (Consent, Diagnosis, GeneticFinding, PlateletWorkup):
        moved |= repoint(model._default_manager.filter(patient=absorbed), kept)
    moved |= repoint(GeneticFinding.objects.filter(index_case=absorbed), kept, field="index_case")
    # One observation per HPO term and patient: the kept record's own observation wins.
    observed = PhenotypeObservation.objects.filter(patient=kept).values("hpo_id")
    moved |= repoint(
        PhenotypeObservation.objects.filter(patient=absorbed).exclude(hpo_id__in=observed), kept
    )
    return moved


REGISTRY_RECORDS = RecordMover(
    app="patients",
    models=(Consent, Diagnosis, GeneticFinding, PhenotypeObservation, PlateletWorkup),
    move=_move_registry_records,
)


@records_refusals("Fusion de deux dossiers")
def duplicate_merge(
    *, actor: User, suspicion: DuplicateSuspicion, keep: Patient, note: str = ""
) -> Patient:
    """Merge the other patient into ``keep``: its records move, it stays as a tombstone."""
    if suspicion.status != DuplicateSuspicion.Status.OPEN:
        raise ValidationError("Ce doublon potentiel a déjà été traité.")
    links = {suspicion.first_link, suspicion.second_link}
    if keep.identity_link not in links:
        raise ValidationError("Le patient conservé ne fait pas partie de ce doublon.")
    if not may_merge_duplicate(actor, _following_centres(suspicion)):
        raise ValidationError(
            "Ces dossiers sont suivis par un centre que vous ne gérez pas : la fusion entre "
            "centres revient au coordonnateur de la filière."
        )
    (other_link,) = links - {keep.identity_link}
    other = Patient.objects.select_for_update().get(identity_link=other_link)
    moved = records_merged(other, keep)
    kept_centres = set(
        keep.care_episodes.filter(ended_on__isnull=True).values_list("centre_id", flat=True)
    )
    episodes = other.care_episodes.all()
    moved["care_episodes"] = 0
    for episode in episodes:
        if episode.ended_on is None and episode.centre_id in kept_centres:
            episode.ended_on = timezone.localdate()
            episode.save(update_fields=["ended_on"])
        episode.patient = keep
        episode.save(update_fields=["patient"])
        moved["care_episodes"] += 1
    care_episodes_changed([other.pk, keep.pk])
    other.merged_into = keep
    other.save(update_fields=["merged_into"])
    suspicion.status = DuplicateSuspicion.Status.MERGED
    suspicion.resolved_at, suspicion.resolved_by, suspicion.note = timezone.now(), actor, note
    suspicion.save()
    touch(keep)
    audit(
        actor,
        AuditEvent.Action.UPDATE,
        keep,
        keep,
        summary=f"Fusion du dossier {other.pseudonym} dans {keep.pseudonym}",
        changes=moved,
    )
    audit(actor, AuditEvent.Action.ARCHIVE, other, other, summary=f"Fusionné dans {keep.pseudonym}")
    return keep
