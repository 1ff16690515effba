"""Case requests (a physician asks the RCP about one patient), agenda, attachments, opinions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.models import ChoiceLabels
from filiere.meetings import rules
from filiere.meetings.models.meetings import Meeting
from filiere.meetings.models.series import MeetingSeries

ISTH_BAT_MAX = 56


class CaseRequest(ChoiceLabels, models.Model):
    class QuestionType(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostique")
        THERAPEUTIC = "therapeutic", _("Thérapeutique")
        OFF_LABEL = "off_label", _("Prescription hors AMM")
        PREGNANCY = "pregnancy", _("Grossesse, accouchement")
        SURGERY = "surgery", _("Chirurgie ou geste invasif")
        GENETIC = "genetic", _("Génétique, conseil génétique")
        FOLLOW_UP = "follow_up", _("Surveillance, suivi")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        SUBMITTED = rules.SUBMITTED, _("Soumise")
        RETURNED = rules.RETURNED, _("Renvoyée pour complément")
        DECLINED = rules.DECLINED, _("Non retenue")
        ACCEPTED = rules.ACCEPTED, _("Inscrite à l'ordre du jour")
        DISCUSSED = rules.DISCUSSED, _("Discutée")
        SIGNED = rules.SIGNED, _("Avis signé")
        DELIVERED = rules.DELIVERED, _("Avis transmis")
        FOLLOWED_UP = rules.FOLLOWED_UP, _("Suivi renseigné")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        MeetingSeries, verbose_name=_("RCP"), on_delete=models.PROTECT, related_name="cases"
    )
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        related_name="case_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médecin demandeur"),
        on_delete=models.PROTECT,
        related_name="rcp_case_requests",
    )
    requester_centre = models.ForeignKey(
        "network.Centre",
        verbose_name=_("centre demandeur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester_institution = models.CharField(
        _("établissement du demandeur"), max_length=200, blank=True
    )
    question_type = models.CharField(
        _("type de question"), max_length=12, choices=QuestionType.choices
    )
    question = models.TextField(_("question posée à la RCP"))
    proposal = models.TextField(_("proposition envisagée par le demandeur"), blank=True)
    is_urgent = models.BooleanField(_("urgente"), default=False)
    urgency_justification = models.TextField(_("justification de l'urgence"), blank=True)
    patient_informed_on = models.DateField(_("patient informé le"))
    patient_not_opposed = models.BooleanField(
        _("le patient ne s'oppose pas à la discussion de son dossier")
    )
    clinical_summary = models.TextField(_("résumé clinique"))
    current_treatments = models.TextField(_("traitements en cours et antérieurs"), blank=True)
    bleeding_score = models.PositiveSmallIntegerField(
        _("score hémorragique ISTH-BAT"), null=True, blank=True
    )
    planned_procedure = models.TextField(_("geste, chirurgie ou grossesse envisagés"), blank=True)
    off_label_drug = models.CharField(_("médicament envisagé hors AMM"), max_length=200, blank=True)
    treating_physician = models.CharField(
        _("médecin traitant et correspondants"), max_length=300, blank=True
    )
    additional_recipients = models.TextField(
        _("autres destinataires de l'avis (e-mails)"),
        blank=True,
        help_text=_("Une adresse par ligne (messagerie sécurisée de santé)."),
    )
    registry_snapshot = models.JSONField(
        _("dossier clinique issu du registre"), default=dict, blank=True, editable=False
    )
    snapshot_taken_at = models.DateTimeField(null=True, blank=True, editable=False)
    patient_age_years = models.PositiveSmallIntegerField(_("âge à la demande"), editable=False)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    status_note = models.TextField(_("motif"), blank=True)
    # Set when the case waits for the next meeting: re-presentation after a quorum override,
    # a case not discussed, or the ratification of an urgent recommendation.
    awaiting_purpose = models.CharField(_("en attente d'inscription"), max_length=16, blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    discussed_at = models.DateTimeField(_("discutée le"), null=True, blank=True)
    signed_at = models.DateTimeField(_("avis signé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("avis transmis le"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("suivi renseigné le"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demande d'avis RCP")
        verbose_name_plural = _("demandes d'avis RCP")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_urgent=False) | ~models.Q(urgency_justification=""),
                name="case_urgent_has_justification",
                violation_error_message=_(
                    "Une demande urgente exige la justification de l'urgence."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(patient_not_opposed=True),
                name="case_patient_did_not_oppose",
                violation_error_message=_(
                    "Confirmez que le patient ne s'est pas opposé à la présentation de son dossier."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(bleeding_score__isnull=True)
                | models.Q(bleeding_score__lte=ISTH_BAT_MAX),
                name="case_bleeding_score_at_most_56",
                violation_error_message=_("Le score hémorragique ISTH-BAT est au plus de 56."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=[rules.RETURNED, rules.DECLINED])
                | ~models.Q(status_note=""),
                name="case_return_or_decline_has_reason",
                violation_error_message=_("Un dossier renvoyé ou refusé exige un motif."),
            ),
            models.CheckConstraint(
                condition=~models.Q(question_type="off_label") | ~models.Q(off_label_drug=""),
                name="case_off_label_names_the_drug",
                violation_error_message=_("Une question hors AMM nomme le médicament."),
            ),
        ]
        indexes = [
            models.Index(fields=["series", "status"], name="case_series_status_idx"),
            models.Index(fields=["requester", "-submitted_at"], name="case_requester_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} – {self.get_question_type_display()}"

    @property
    def is_paediatric(self) -> bool:
        return self.patient_age_years < 18

    def recipient_emails(self) -> list[str]:
        return [line.strip() for line in self.additional_recipients.splitlines() if line.strip()]


class AgendaItem(ChoiceLabels, models.Model):
    """A case on a meeting's agenda, with its time slot."""

    class Purpose(models.TextChoices):
        FIRST = "first", _("Première présentation")
        REPRESENTATION = "representation", _("Re-présentation (quorum non atteint)")
        CARRIED_OVER = "carried_over", _("Reporté d'une séance précédente")
        RATIFICATION = "ratification", _("Ratification d'un avis urgent")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("À discuter")
        DISCUSSED = "discussed", _("Discuté")
        POSTPONED = "postponed", _("Reporté")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    case = models.ForeignKey(CaseRequest, on_delete=models.PROTECT, related_name="agenda_items")
    starts_at = models.DateTimeField(_("heure de passage"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    purpose = models.CharField(
        _("objet"), max_length=16, choices=Purpose.choices, default=Purpose.FIRST
    )
    outcome = models.CharField(
        _("issue"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    discussed_at = models.DateTimeField(_("discuté à"), null=True, blank=True)
    # The discussion in session, opened and closed by the coordinator: the quorum of the case
    # and each participant's credit for it are read from the presence during this interval.
    discussion_started_at = models.DateTimeField(_("début de la discussion"), null=True, blank=True)
    discussion_ended_at = models.DateTimeField(_("fin de la discussion"), null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dossier à l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["starts_at", "added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], name="agenda_case_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0),
                name="agenda_slot_duration_positive",
                violation_error_message=_("La durée du créneau est positive."),
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="discussed") | models.Q(discussed_at__isnull=False),
                name="agenda_discussed_has_time",
                violation_error_message=_("Un dossier discuté a une heure de discussion."),
            ),
            models.CheckConstraint(
                condition=models.Q(discussion_ended_at__isnull=True)
                | models.Q(
                    discussion_started_at__isnull=False,
                    discussion_ended_at__gte=models.F("discussion_started_at"),
                ),
                name="agenda_discussion_ends_after_it_starts",
                violation_error_message=_("La fin de la discussion suit son début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.case}"


class CaseAttachment(ChoiceLabels, models.Model):
    """A document of the case file, stored outside the web root (PRIVATE_FILES_DIR)."""

    class ContentType(models.TextChoices):
        PDF = rules.PDF, "PDF"
        PNG = rules.PNG, "PNG"
        JPEG = rules.JPEG, "JPEG"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseRequest, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64, editable=False)
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0),
                name="attachment_not_empty",
                violation_error_message=_("La pièce jointe est vide."),
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__in=[rules.PDF, rules.PNG, rules.JPEG]),
                name="attachment_pdf_or_image",
                violation_error_message=_("La pièce jointe est un PDF ou une image (PNG, JPEG)."),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ExpertOpinion(ChoiceLabels, models.Model):
    """A written opinion given before or without a live session (urgent path)."""

    class Position(models.TextChoices):
        AGREES = "agrees", _("Favorable à la proposition")
        RESERVED = "reserved", _("Favorable avec réserves")
        DISAGREES = "disagrees", _("Défavorable")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseRequest, on_delete=models.PROTECT, related_name="opinions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="opinions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rcp_opinions"
    )
    specialty = models.CharField(_("spécialité"), max_length=40, choices=User.Specialty.choices)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    opinion = models.TextField(_("avis écrit"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("avis écrit d'expert")
        verbose_name_plural = _("avis écrits d'experts")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "meeting", "author"], name="opinion_once_per_expert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} – {self.get_position_display()}"
