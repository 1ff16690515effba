"""The only writers of the public directory: validated, atomic, audited.

A draft is saved by whoever the page let through (``filiere.access.directory``); publishing copies
the draft into the published version and empties the public pages' cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filiere.access.actors import Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import records_refusals
from filiere.directory.cache import directory_cache_clear
from filiere.directory.models import CentreProfile, DiagnosticTest, TeamMember
from filiere.lib.names import search_key
from filiere.network.models import Centre, Region
from filiere.nomenclature.selectors import orpha_concepts

MAX_TEAM = 60
MAX_DISEASES = 80
TEXT_LIMIT = 200


@dataclass(frozen=True)
class TeamEntry:
    name: str
    role: str
    specialty: str = ""


def _team(entries: Sequence[TeamEntry]) -> list[TeamEntry]:
    cleaned: list[TeamEntry] = []
    problems: list[str] = []
    for line, entry in enumerate(entries, start=1):
        name, role, specialty = entry.name.strip(), entry.role.strip(), entry.specialty.strip()
        if not (name or role or specialty):
            continue
        if not name:
            problems.append(_("Équipe, ligne %(n)d : indiquez le nom.") % {"n": line})
        if not role:
            problems.append(_("Équipe, ligne %(n)d : indiquez la fonction.") % {"n": line})
        if max(len(name), len(role), len(specialty)) > TEXT_LIMIT:
            problems.append(
                _("Équipe, ligne %(n)d : %(max)d caractères au plus par colonne.")
                % {"n": line, "max": TEXT_LIMIT}
            )
        cleaned.append(TeamEntry(name, role, specialty))
    if len(cleaned) > MAX_TEAM:
        problems.append(_("Équipe : %(max)d personnes au plus.") % {"max": MAX_TEAM})
    if problems:
        raise ValidationError({"team": problems})
    return cleaned


@records_refusals("Fiche de l'annuaire")
def profile_save(
    *,
    actor: Actor,
    centre: Centre,
    presentation: str,
    team: Sequence[TeamEntry],
    disease_codes: Sequence[str],
) -> CentreProfile:
    """Record the draft of a centre's directory profile (the public sees it once published)."""
    errors: dict[str, list[str]] = {}
    try:
        members = _team(team)
    except ValidationError as error:
        errors.update(error.message_dict)
        members = []
    try:
        diseases = orpha_concepts(disease_codes, field="diseases", label=_("Maladies suivies"))
    except ValidationError as error:
        errors.update(error.message_dict)
        diseases = []
    if len(diseases) > MAX_DISEASES:
        errors["diseases"] = [
            _("Maladies suivies : %(max)d codes au plus.") % {"max": MAX_DISEASES}
        ]
    if errors:
        raise ValidationError(errors)
    profile = CentreProfile.objects.select_for_update().filter(centre=centre).first()
    before = _draft_snapshot(profile) if profile is not None else {}
    if profile is None:
        profile = CentreProfile(centre=centre)
    profile.presentation = presentation.strip()
    profile.updated_at = timezone.now()
    profile.updated_by = acting_user(actor)
    profile.full_clean()
    profile.save()
    profile.team.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(
            profile=profile,
            position=position,
            name=entry.name,
            role=entry.role,
            specialty=entry.specialty,
        )
        for position, entry in enumerate(members)
    )
    profile.diseases.set(diseases)
    after = _draft_snapshot(profile)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        obj=profile,
        centre_id=centre.public_id,
        summary=_("Annuaire : brouillon de la fiche « %(centre)s »") % {"centre": centre},
        changes={
            name: {"avant": before.get(name), "après": value}
            for name, value in after.items()
            if before.get(name) != value
        },
    )
    return profile


def _draft_snapshot(profile: CentreProfile) -> dict[str, Any]:
    return {
        "presentation": profile.presentation,
        "team": [
            {"name": m.name, "role": m.role, "specialty": m.specialty}
            for m in profile.team.order_by("position")
        ],
        "diseases": [{"code": c.code, "label": c.name} for c in profile.diseases.order_by("code")],
    }


def _centre_search_words(centre: Centre) -> list[str]:
    return [centre.name, centre.short_name, centre.city, Region(centre.region).label]


@records_refusals("Publication de la fiche de l'annuaire")
def profile_publish(*, actor: Actor, profile: CentreProfile) -> CentreProfile:
    """Publish the draft of a centre's profile: the public pages show it from now on."""
    profile = CentreProfile.objects.select_for_update().select_related("centre").get(pk=profile.pk)
    if not profile.centre.is_active:
        raise ValidationError(
            {"centre": _("Centre : un centre inactif ne figure pas dans l'annuaire.")}
        )
    snapshot = _draft_snapshot(profile)
    now = timezone.now()
    profile.published = snapshot
    profile.published_at = now
    profile.published_by = acting_user(actor)
    profile.search_text = search_key(
        *_centre_search_words(profile.centre),
        *(f"ORPHA:{d['code']} {d['label']}" for d in snapshot["diseases"]),
        *(m["specialty"] for m in snapshot["team"]),
    )
    profile.save(update_fields=["published", "published_at", "published_by", "search_text"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=profile,
        centre_id=profile.centre.public_id,
        summary=_("Annuaire : fiche « %(centre)s » publiée") % {"centre": profile.centre},
    )
    directory_cache_clear()
    return profile


TEST_REQUIRED = {
    "name": gettext_lazy("Examen : indiquez le nom de l'examen."),
    "sample": gettext_lazy("Prélèvement : indiquez le prélèvement (tube, volume, conditions)."),
    "turnaround": gettext_lazy("Délai de rendu : indiquez le délai (par exemple « 3 semaines »)."),
    "how_to_send": gettext_lazy("Modalités d'envoi : indiquez comment envoyer le prélèvement."),
    "contact": gettext_lazy("Contact : indiquez à qui s'adresser (téléphone ou e-mail)."),
}


@records_refusals("Examen de l'annuaire")
def diagnostic_test_save(
    *,
    actor: Actor,
    test: DiagnosticTest | None = None,
    laboratory: Centre | None,
    laboratory_name: str = "",
    name: str,
    indication_codes: Sequence[str] = (),
    indication_text: str = "",
    sample: str,
    turnaround: str,
    how_to_send: str,
    contact: str,
) -> DiagnosticTest:
    """Record a new diagnostic test, or the draft of an existing one's changes."""
    values = {
        "laboratory": laboratory,
        "laboratory_name": "" if laboratory is not None else laboratory_name.strip(),
        "name": name.strip(),
        "indication_text": indication_text.strip(),
        "sample": sample.strip(),
        "turnaround": turnaround.strip(),
        "how_to_send": how_to_send.strip(),
        "contact": contact.strip(),
    }
    errors: dict[str, list[str]] = {
        field: [str(message)] for field, message in TEST_REQUIRED.items() if not values[field]
    }
    if laboratory is None and not values["laboratory_name"]:
        errors["laboratory"] = [
            _("Laboratoire : choisissez un centre du réseau ou indiquez son nom.")
        ]
    try:
        indications = orpha_concepts(indication_codes, field="indications", label=_("Indications"))
    except ValidationError as error:
        errors.update(error.message_dict)
        indications = []
    if errors:
        raise ValidationError(errors)
    if test is None:
        before: dict[str, Any] = {}
        test = DiagnosticTest()
    else:
        test = DiagnosticTest.objects.select_for_update().get(pk=test.pk)
        before = _test_snapshot(test)
    for field, value in values.items():
        setattr(test, field, value)
    test.updated_at = timezone.now()
    test.updated_by = acting_user(actor)
    test.full_clean()
    test.save()
    test.indications.set(indications)
    after = _test_snapshot(test)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        obj=test,
        centre_id=laboratory.public_id if laboratory is not None else None,
        summary=_("Annuaire : brouillon de l'examen « %(name)s »") % {"name": test.name},
        changes={
            field: {"avant": before.get(field), "après": value}
            for field, value in after.items()
            if before.get(field) != value
        },
    )
    return test


def _test_snapshot(test: DiagnosticTest) -> dict[str, Any]:
    laboratory = test.laboratory
    return {
        "laboratory": str(laboratory.public_id) if laboratory is not None else None,
        "laboratory_name": test.laboratory_label,
        "laboratory_city": laboratory.city if laboratory is not None else "",
        "name": test.name,
        "indications": [
            {"code": c.code, "label": c.name} for c in test.indications.order_by("code")
        ],
        "indication_text": test.indication_text,
        "sample": test.sample,
        "turnaround": test.turnaround,
        "how_to_send": test.how_to_send,
        "contact": test.contact,
    }


@records_refusals("Publication de l'examen de l'annuaire")
def diagnostic_test_publish(*, actor: Actor, test: DiagnosticTest) -> DiagnosticTest:
    """Publish the draft of a diagnostic test: the public pages show it from now on."""
    test = (
        DiagnosticTest.objects.select_for_update(of=("self",))
        .select_related("laboratory")
        .get(pk=test.pk)
    )
    if test.laboratory is not None and not test.laboratory.is_active:
        raise ValidationError(
            {"laboratory": _("Laboratoire : un centre inactif ne figure pas dans l'annuaire.")}
        )
    snapshot = _test_snapshot(test)
    test.published = snapshot
    test.published_at = timezone.now()
    test.published_by = acting_user(actor)
    test.search_text = search_key(
        snapshot["name"],
        snapshot["laboratory_name"],
        snapshot["laboratory_city"],
        snapshot["indication_text"],
        *(f"ORPHA:{d['code']} {d['label']}" for d in snapshot["indications"]),
    )
    test.save(update_fields=["published", "published_at", "published_by", "search_text"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=test,
        centre_id=test.laboratory.public_id if test.laboratory is not None else None,
        summary=_("Annuaire : examen « %(name)s » publié") % {"name": test.name},
    )
    directory_cache_clear()
    return test


def _withdraw(*, actor: Actor, entry: CentreProfile | DiagnosticTest, summary: str) -> None:
    entry.published = {}
    entry.published_at = None
    entry.published_by = None
    entry.search_text = ""
    entry.save(update_fields=["published", "published_at", "published_by", "search_text"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=entry, summary=summary)
    directory_cache_clear()


@records_refusals("Retrait de la fiche de l'annuaire")
def profile_withdraw(*, actor: Actor, profile: CentreProfile) -> CentreProfile:
    """Take a centre's profile out of the public directory (its draft is kept)."""
    profile = CentreProfile.objects.select_for_update().select_related("centre").get(pk=profile.pk)
    if not profile.is_published:
        raise ValidationError({"published_at": _("Fiche : elle n'est pas publiée.")})
    _withdraw(
        actor=actor,
        entry=profile,
        summary=_("Annuaire : fiche « %(centre)s » retirée") % {"centre": profile.centre},
    )
    return profile


@records_refusals("Retrait de l'examen de l'annuaire")
def diagnostic_test_withdraw(*, actor: Actor, test: DiagnosticTest) -> DiagnosticTest:
    """Take a diagnostic test out of the public directory (a laboratory no longer offers it; its
    draft is kept)."""
    test = DiagnosticTest.objects.select_for_update().get(pk=test.pk)
    if not test.is_published:
        raise ValidationError({"published_at": _("Examen : il n'est pas publié.")})
    _withdraw(
        actor=actor,
        entry=test,
        summary=_("Annuaire : examen « %(name)s » retiré") % {"name": test.name},
    )
    return test
