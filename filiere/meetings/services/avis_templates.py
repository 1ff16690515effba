"""Templates of avis text per series and question type, and the reuse of an earlier avis."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings.models import CaseRequest, MeetingSeries, Recommendation
from filiere.meetings.models.avis_templates import TEMPLATE_FIELDS, RecommendationTemplate
from filiere.meetings.services.common import audit


def _clean(question_type: str, title: str, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(TEMPLATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown template fields: {sorted(unknown)}")
    errors = {}
    if question_type not in CaseRequest.QuestionType.values:
        errors["question_type"] = "Type de question inconnu."
    if not title.strip():
        errors["title"] = "Donnez un intitulé au modèle."
    cleaned = {name: str(values.get(name, "")).strip() for name in TEMPLATE_FIELDS}
    if not any(cleaned.values()):
        errors["discussion_summary"] = "Un modèle propose au moins un texte."
    if errors:
        raise ValidationError(errors)
    return cleaned | {"question_type": question_type, "title": title.strip()}


@records_refusals("Création d'un modèle d'avis")
def recommendation_template_create(
    *, actor: Actor, series: MeetingSeries, question_type: str, title: str, **values: Any
) -> RecommendationTemplate:
    """Keep a template of avis text for one question type of the series (coordinator)."""
    template = create_validated(
        RecommendationTemplate,
        series=series,
        created_by=acting_user(actor),
        **_clean(question_type, title, values),
    )
    audit(actor, AuditEvent.Action.CREATE, template, summary=f"Modèle d'avis « {template.title} »")
    return template


@records_refusals("Modification d'un modèle d'avis")
def recommendation_template_update(
    *,
    actor: Actor,
    template: RecommendationTemplate,
    question_type: str,
    title: str,
    **values: Any,
) -> dict[str, Any]:
    if not template.is_active:
        raise ValidationError({"title": "Ce modèle est retiré."})
    changes = update_validated(
        template, _clean(question_type, title, values) | {"updated_at": timezone.now()}
    )
    changes.pop("updated_at", None)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, template, changes=changes)
    return changes


@records_refusals("Retrait d'un modèle d'avis")
def recommendation_template_withdraw(*, actor: Actor, template: RecommendationTemplate) -> None:
    """Stop offering the template (avis already written from it keep their text)."""
    if not template.is_active:
        raise ValidationError({"title": "Ce modèle est déjà retiré."})
    update_validated(template, {"is_active": False, "updated_at": timezone.now()})
    audit(actor, AuditEvent.Action.ARCHIVE, template, summary=f"Modèle « {template.title} » retiré")


def templates_for(case: CaseRequest) -> list[RecommendationTemplate]:
    """The templates offered when drafting this case's avis: its series, its question type."""
    return list(
        RecommendationTemplate.objects.filter(
            series_id=case.series_id, question_type=case.question_type, is_active=True
        )
    )


def earlier_signed_avis(case: CaseRequest) -> Recommendation | None:
    """The patient's last signed avis in this series (another case, or an earlier version),
    the one « Reprendre un avis antérieur » copies from."""
    return (
        Recommendation.objects.select_related("case", "meeting")
        .filter(
            case__patient_id=case.patient_id,
            case__series_id=case.series_id,
            status=Recommendation.Status.SIGNED,
        )
        .order_by("-signed_at")
        .first()
    )


def earlier_avis_reused(*, actor: User, case: CaseRequest, earlier: Recommendation) -> None:
    """Record that an earlier avis of the patient was read to draft this one."""
    audit(
        actor,
        AuditEvent.Action.VIEW,
        earlier,
        case=case,
        summary=f"Avis antérieur (version {earlier.version}, signé le "
        f"{timezone.localtime(earlier.signed_at):%d/%m/%Y}) repris pour la rédaction",
    )
