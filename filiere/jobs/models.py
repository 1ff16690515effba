from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A long piece of work started from a page and run by the worker: its progress and, once
    finished, what it did, for the person who asked to follow."""

    class Kind(models.TextChoices):
        FOLLOWUP_REFRESH = "followup_refresh", _("Recalcul des échéances de suivi")
        EXPORT_SDM_MR = "export_sdm_mr", _("Export SDM-MR du centre")
        EXPORT_PHENOPACKETS = "export_phenopackets", _("Export Phenopackets")

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminée")
        FAILED = "failed", _("Échouée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("tâche"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("à faire"), default=0)
    # Counts only (created, updated…), never a patient: the page shows them as they are.
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.CharField(_("erreur"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The centre the work is for (a centre's export): its exporters may follow and download it.
    centre = models.ForeignKey(
        "network.Centre",
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The name the file the job writes is downloaded under (empty: the job writes no file). The
    # file itself is in the private storage, named after the job (``job_file_path``).
    file_name = models.CharField(_("fichier"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    # When the broker accepted the job's message: empty while the queue could not be reached.
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=F("total")),
                name="jobs_job_done_at_most_total",
                violation_error_message=_("Une tâche ne peut pas avoir fait plus que prévu."),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(status__in=["done", "failed"]),
                name="jobs_job_finished_only_when_done_or_failed",
                violation_error_message=_("Seule une tâche terminée ou échouée a une fin."),
            ),
            models.CheckConstraint(
                condition=Q(centre__isnull=False)
                | ~Q(kind__in=["export_sdm_mr", "export_phenopackets"]),
                name="jobs_job_export_has_a_centre",
                violation_error_message=_("Un export est celui d'un centre."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0

    @property
    def is_export(self) -> bool:
        return self.kind in EXPORT_KINDS

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


# The kinds of job that export a centre's patients: followed and downloaded by its exporters.
EXPORT_KINDS = frozenset({Job.Kind.EXPORT_SDM_MR, Job.Kind.EXPORT_PHENOPACKETS})
