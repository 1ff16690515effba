"""Members' surveys: ranked lists sent by a personal link, answered anonymously.

An invitation (one per member and survey) holds only the hash of its personal token and the
moment it was used; an answer holds only the survey and the ranks. Nothing links the two: the
answer's key is a random UUID (not a sequence whose order would match the invitations' answer
times) and it carries no timestamp.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class Survey(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        OPEN = "open", _("Ouverte")
        CLOSED = "closed", _("Close")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    closes_on = models.DateField(_("clôture"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]),
                name="survey_status_known",
                violation_error_message=_("État de l'enquête inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="survey_closes_after_opening",
                violation_error_message=_(
                    "Clôture : la date de clôture doit suivre la date d'ouverture."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RankedList(models.Model):
    """One list of a survey to rank from first to last (e.g. « 10 actions »)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("enquête"), on_delete=models.CASCADE, related_name="lists"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("titre de la liste"), max_length=200)

    class Meta:
        verbose_name = _("liste à classer")
        verbose_name_plural = _("listes à classer")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="ranked_list_position"),
        ]

    def __str__(self) -> str:
        return self.title


class RankedItem(models.Model):
    """One item of a list, in the fixed order in which the list shows it."""

    ranked_list = models.ForeignKey(
        RankedList, verbose_name=_("liste"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("élément à classer")
        verbose_name_plural = _("éléments à classer")
        ordering = ["ranked_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ranked_list", "position"], name="ranked_item_position"
            ),
            models.UniqueConstraint(fields=["ranked_list", "label"], name="ranked_item_label"),
        ]

    def __str__(self) -> str:
        return self.label


class Invitation(models.Model):
    """A member's personal link to a survey. Only the SHA-256 of the token is kept; the
    invitation never points at the answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("enquête"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, unique=True)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à une enquête")
        verbose_name_plural = _("invitations à une enquête")
        ordering = ["survey", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_invitation_once"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("sent_at")),
                name="survey_invitation_answered_after_sent",
                violation_error_message=_("Réponse : elle ne peut précéder l'envoi du lien."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.user}"


class Answer(models.Model):
    """One anonymous answer: the survey and, per list, the rank given to each item.

    ``ranks`` maps a list's public id to the ranks of its items in the list's order
    (a permutation of 1..n, checked by the service). No user, no invitation, no timestamp.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("enquête"), on_delete=models.CASCADE, related_name="answers"
    )
    ranks = models.JSONField(_("rangs"))

    class Meta:
        verbose_name = _("réponse à une enquête")
        verbose_name_plural = _("réponses à une enquête")

    def __str__(self) -> str:
        return str(self.survey)
