"""Templates of avis text that a series keeps per question type, offered when drafting."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.meetings.models.cases import CaseRequest
from filiere.meetings.models.series import MeetingSeries

# The parts of an avis a template may fill; the question answered is always the case's own.
TEMPLATE_FIELDS = (
    "discussion_summary",
    "diagnostic_proposal",
    "therapeutic_proposal",
    "alternatives",
    "guideline_used",
    "follow_up_note",
)


class RecommendationTemplate(ChoiceLabels, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="recommendation_templates"
    )
    question_type = models.CharField(
        _("type de question"), max_length=12, choices=CaseRequest.QuestionType.choices
    )
    title = models.CharField(_("intitulé du modèle"), max_length=200)
    discussion_summary = models.TextField(_("synthèse de la discussion"), blank=True)
    diagnostic_proposal = models.TextField(_("proposition diagnostique"), blank=True)
    therapeutic_proposal = models.TextField(_("proposition thérapeutique"), blank=True)
    alternatives = models.TextField(_("alternatives"), blank=True)
    guideline_used = models.CharField(
        _("référentiel utilisé (PNDS, recommandation)"), max_length=300, blank=True
    )
    follow_up_note = models.TextField(_("modalités de suivi"), blank=True)
    is_active = models.BooleanField(_("proposé à la rédaction"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("modèle d'avis")
        verbose_name_plural = _("modèles d'avis")
        ordering = ["question_type", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title=""),
                name="avis_template_has_title",
                violation_error_message=_("Un modèle d'avis porte un intitulé."),
            ),
            models.UniqueConstraint(
                fields=["series", "question_type", "title"],
                condition=models.Q(is_active=True),
                name="avis_template_title_unique",
                violation_error_message=_(
                    "Cette RCP a déjà un modèle de ce nom pour ce type de question."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def filled_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEMPLATE_FIELDS if getattr(self, name)}
