from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be modified.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(ChoiceLabels, models.Model):
    """One entry of the append-only audit trail.

    The database refuses UPDATE and DELETE on this table as well (see the migration
    ``audit_event_append_only_triggers``); the application only ever inserts.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Création")
        UPDATE = "update", _("Modification")
        ARCHIVE = "archive", _("Archivage")
        VIEW = "view", _("Consultation")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Impression")
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        LOGOUT = "logout", _("Déconnexion")
        SESSION_EXPIRED = "session_expired", _("Session expirée")
        MFA_CHANGED = "mfa_changed", _("Second facteur modifié")
        ACCESS_DENIED = "access_denied", _("Accès refusé")
        REFUSED = "refused", _("Saisie refusée")
        SIGN = "sign", _("Signature")
        SEND = "send", _("Envoi")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    patient_id = models.UUIDField(_("patient"), null=True, blank=True, db_index=True)
    centre_id = models.UUIDField(_("centre"), null=True, blank=True, db_index=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    changes = models.JSONField(_("champs modifiés"), default=dict, blank=True)
    # The hash chain (see ``filiere.audit.chain``): position, previous event's hash, own hash.
    # Filled by the database trigger on PostgreSQL, by ``audit.chain`` on SQLite.
    chain_seq = models.BigIntegerField(_("rang dans la chaîne"), null=True, unique=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64, blank=True)
    hash = models.CharField(_("empreinte"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: an event, once written, never changes.
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be modified.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The one row that ends the hash chain: its last link and, after a retention purge, the
    anchor the oldest remaining event links to.

    Written only by the database triggers on PostgreSQL (the application role has no right on
    this table) and by ``audit.chain`` on SQLite.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("tête de la chaîne d'audit")
        verbose_name_plural = _("têtes de la chaîne d'audit")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
