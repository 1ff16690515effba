"""The network's disease groups, by their ORPHA roots and ICD-10 prefixes."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.nomenclature.models import (
    DiseaseGroup,
    OrphaConcept,
)


@transaction.atomic
def disease_group_save(
    *,
    actor: Actor,
    group: DiseaseGroup | None = None,
    slug: str,
    name: str,
    position: int = 0,
    orpha_codes: Iterable[int] = (),
    icd10_prefixes: str = "",
) -> DiseaseGroup:
    """Create or change a disease group of the network (network coordinators only)."""
    codes = sorted(set(orpha_codes))
    roots = list(OrphaConcept.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {r.code for r in roots})
    if unknown:
        raise ValidationError(
            {"orpha_codes": f"Codes ORPHA inconnus : {', '.join(map(str, unknown))}."}
        )
    creating = group is None
    group = group or DiseaseGroup()
    group.slug, group.name, group.position = slug, name, position
    group.icd10_prefixes = icd10_prefixes
    group.full_clean()
    group.save()
    group.orpha_roots.set(roots)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        obj=group,
        summary=f"Groupe de maladies {name}",
        changes={"orpha_roots": codes, "icd10_prefixes": icd10_prefixes},
    )
    return group
