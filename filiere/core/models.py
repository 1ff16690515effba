"""Shared building blocks of clinical records: withdrawal fields and the history of corrections."""

from __future__ import annotations

import uuid
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

R = TypeVar("R", bound=models.Model)

# Set by the correction service only: never a form field, never a service argument.
WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})


class RecordQuerySet(models.QuerySet[R]):
    """Clinical records: ``current()`` leaves out those withdrawn as entered in error.

    The default manager keeps every row (the history needs them); each page, score, card and
    export asks for ``current()`` explicitly.
    """

    def current(self) -> Self:
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> Self:
        return self.filter(withdrawn_at__isnull=False)


class ChoiceLabels(models.Model):
    """``get_<field>_display()`` that translates only the label it returns.

    Django's version flattens the field's choices and hashes every label at each call, which
    translates each of them: a session screen of 80 participants spent most of its time there.
    Here each field's labels are indexed once (still untranslated) and the one asked for is
    translated in the language of the request.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = {make_hashable(key): label for key, label in field.flatchoices}
            _CHOICE_LABELS[field] = labels
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


# Each field's choices by value (lazy labels), filled on first use.
_CHOICE_LABELS: dict[models.Field[Any, Any], dict[Any, Any]] = {}


class WithdrawableRecord(ChoiceLabels):
    """A clinical record that can be withdrawn ("saisie erronée") without being deleted."""

    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retiré par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    withdrawal_reason = models.CharField(
        _("motif du retrait"), max_length=500, blank=True, editable=False
    )

    objects: Any = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RecordRevision(ChoiceLabels, models.Model):
    """One change to a clinical record: its values before, what changed, who, when and why.

    Append-only: a correction adds a revision, nothing here is ever updated or deleted.
    """

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("Correction")
        WITHDRAWN = "withdrawn", _("Retrait (saisie erronée)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_type = models.CharField(_("type d'enregistrement"), max_length=60)
    record_id = models.UUIDField(_("enregistrement"))
    patient_id = models.UUIDField(_("patient"), db_index=True)
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    values_before = models.JSONField(_("valeurs avant"), default=dict)
    changes = models.JSONField(_("modifications"), default=dict)
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("révision d'un enregistrement clinique")
        verbose_name_plural = _("révisions d'enregistrements cliniques")
        ordering = ["record_type", "record_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "number"],
                name="record_revision_number_unique",
                violation_error_message=_("Cette version de l'enregistrement existe déjà."),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=2),
                name="record_revision_number_after_original",
                violation_error_message=_("Une révision suit toujours la version d'origine."),
            ),
        ]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="record_revision_record_idx")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} v{self.number}"


class FormSubmission(models.Model):
    """A creating form sent once: its one-time token, who sent it, where its result lives.

    In the database rather than the session: a double click sends two requests at once, both of
    which read the session before either writes it back; the unique constraint lets only one
    through (filiere/core/submissions.py).
    """

    token = models.UUIDField(_("jeton du formulaire"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    result_url = models.CharField(_("adresse du résultat"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("formulaire envoyé")
        verbose_name_plural = _("formulaires envoyés")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="core_form_submitted_once")
        ]

    def __str__(self) -> str:
        return f"{self.token} {self.created_at:%d/%m/%Y %H:%M}"
