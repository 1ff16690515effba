from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class Job(ChoiceLabels, models.Model):
    """A long piece of work started from a page and run by the worker: its progress and, once
    finished, what it did, for the person who asked to follow."""

    class Kind(models.TextChoices):
        FOLLOWUP_REFRESH = "followup_refresh", _("Recalcul des échéances de suivi")
        EXPORT_SDM_MR = "export_sdm_mr", _("Export SDM-MR du centre")
        EXPORT_PHENOPACKETS = "export_phenopackets", _("Export Phenopackets")
        EXPORT_FHIR = "export_fhir", _("Export FHIR R4B")
        ACTIVITY_REPORT = "activity_report", _("Rapport d'activité")
        CARE_CARDS = "care_cards", _("Cartes de soins des patients attendus en visite")
        RESEARCH_EXTRACT = "research_extract", _("Extraction pour la recherche")

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
    # What was asked for (a year…), for the worker: never a patient.
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
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
    # When the job's files were deleted, past their retention (``JOB_FILES_RETENTION_DAYS``).
    expired_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)

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
                | ~Q(kind__in=["export_sdm_mr", "export_phenopackets", "export_fhir"]),
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
    def expired(self) -> bool:
        return self.expired_at is not None

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


# The kinds of job that export a centre's patients: followed and downloaded by its exporters.
EXPORT_KINDS = frozenset(
    {Job.Kind.EXPORT_SDM_MR, Job.Kind.EXPORT_PHENOPACKETS, Job.Kind.EXPORT_FHIR}
)


class OutgoingMail(ChoiceLabels, models.Model):
    """An e-mail waiting to leave, or sent, or given up: the outbox the worker empties
    (``jobs.services``, « Envoi des e-mails »). Written in the transaction of the write that
    causes it, so that a rolled-back write sends nothing. Once sent, its text and files are
    erased: the outbox is a queue, not an archive of avis and invitation links."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("En échec définitif")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What caused it, as its sender names it (« rcp.invitation »…), and the object it is about
    # (an RCP meeting, a case request) by type and public id: never a patient's identity, which
    # the message itself does not carry either (the pseudonym only).
    kind = models.CharField(_("sorte"), max_length=40)
    object_type = models.CharField(_("objet"), max_length=60, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    # The centre whose RCP coordinators follow its delivery (the series' centre); empty: the
    # network coordinators only.
    centre = models.ForeignKey(
        "network.Centre",
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipients = models.JSONField(_("destinataires"), default=list)
    subject = models.CharField(_("objet du message"), max_length=300)
    body = models.TextField(_("texte"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # The kind of error and the relay's short answer, never a password or a message's content.
    last_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # A waiting message is not tried again before this moment (the back-off between attempts).
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    # When a worker took it: a message « envoi en cours » for too long had its worker die.
    claimed_at = models.DateTimeField(_("pris le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="jobs_mail_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status="sent"),
                name="jobs_mail_sent_at_only_when_sent",
                violation_error_message=_("Seul un message envoyé a une date d'envoi."),
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="jobs_mail_sent_has_sent_at",
                violation_error_message=_("Un message envoyé a une date d'envoi."),
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="jobs_mail_sending_is_claimed",
                violation_error_message=_("Un message en cours d'envoi a été pris par un worker."),
            ),
            models.CheckConstraint(
                condition=~Q(subject=""),
                name="jobs_mail_has_subject",
                violation_error_message=_("Un message a un objet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class OutgoingAttachment(models.Model):
    """A file joined to an outgoing e-mail (an invitation's .ics, an agenda or avis PDF), kept
    with it until it leaves: a few dozen kilobytes each."""

    mail = models.ForeignKey(
        OutgoingMail,
        verbose_name=_("e-mail"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("contenu"))

    class Meta:
        verbose_name = _("pièce jointe d'un e-mail")
        verbose_name_plural = _("pièces jointes des e-mails")
        ordering = ["mail", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mail", "position"], name="jobs_attachment_once"),
            models.CheckConstraint(
                condition=~Q(filename=""),
                name="jobs_attachment_has_filename",
                violation_error_message=_("Une pièce jointe a un nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename
