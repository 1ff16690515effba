"""The recommendation (avis) of the meeting, its delivery and its follow-up three months later.

A signed recommendation never changes: the services refuse it, and the database refuses an
UPDATE of a signed row (migration ``signed_recommendation_immutable``). A correction is a new
version that supersedes the previous one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.meetings.models.cases import AgendaItem, CaseRequest
from filiere.meetings.models.meetings import Meeting


class Recommendation(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SIGNED = "signed", _("Signé")

    class FundingRoute(models.TextChoices):
        CPC = "cpc", _("Cadre de prescription compassionnelle (CPC)")
        AAC = "aac", _("Accès compassionnel (AAC)")
        AAP = "aap", _("Accès précoce (AAP)")
        HOSPITAL = "hospital", _("Prise en charge par l'établissement")
        NONE = "none", _("Sans prise en charge spécifique")
        OTHER = "other", _("Autre")

    class FollowUpSite(models.TextChoices):
        REQUESTING_CENTRE = "requesting_centre", _("Centre du médecin demandeur")
        REFERENCE_CENTRE = "reference_centre", _("Centre de référence (CRMR)")
        COMPETENCE_CENTRE = "competence_centre", _("Centre de compétence (CCMR)")
        SHARED = "shared", _("Suivi partagé centre expert / proximité")
        OTHER = "other", _("Autre")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseRequest, on_delete=models.PROTECT, related_name="recommendations")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("réunion"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("remplace la version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("motif de la correction"), blank=True)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    question_answered = models.TextField(_("question traitée"), blank=True)
    discussion_summary = models.TextField(_("synthèse de la discussion"), blank=True)
    diagnostic_proposal = models.TextField(_("proposition diagnostique"), blank=True)
    therapeutic_proposal = models.TextField(_("proposition thérapeutique"), blank=True)
    alternatives = models.TextField(_("alternatives"), blank=True)
    guideline_used = models.CharField(
        _("référentiel utilisé (PNDS, recommandation)"), max_length=300, blank=True
    )
    outside_guidelines = models.BooleanField(_("hors référentiel"), default=False)
    outside_guidelines_reason = models.TextField(_("justification hors référentiel"), blank=True)
    is_off_label = models.BooleanField(_("prescription hors AMM proposée"), default=False)
    off_label_drug = models.CharField(_("médicament"), max_length=200, blank=True)
    off_label_indication = models.CharField(_("indication"), max_length=300, blank=True)
    off_label_no_alternative = models.TextField(
        _("absence d'alternative autorisée appropriée"), blank=True
    )
    off_label_references = models.TextField(_("références bibliographiques"), blank=True)
    off_label_benefits_risks = models.TextField(_("bénéfices attendus et risques"), blank=True)
    off_label_patient_information = models.TextField(
        _("information à délivrer au patient"), blank=True
    )
    off_label_funding_route = models.CharField(
        _("prise en charge"), max_length=10, choices=FundingRoute.choices, blank=True
    )
    off_label_monitoring = models.TextField(_("surveillance prévue"), blank=True)
    trial_eligibility = models.TextField(_("éligibilité à un essai ou une étude"), blank=True)
    genetic_counselling = models.BooleanField(_("conseil génétique recommandé"), default=False)
    genetic_counselling_note = models.TextField(
        _("précisions sur le conseil génétique"), blank=True
    )
    follow_up_site = models.CharField(
        _("lieu de suivi recommandé"), max_length=20, choices=FollowUpSite.choices, blank=True
    )
    follow_up_note = models.TextField(_("modalités de suivi"), blank=True)
    # Filled at signing: who was there, which specialties counted, whether the quorum held.
    quorum_met = models.BooleanField(_("quorum atteint"), null=True, blank=True)
    quorum_record = models.JSONField(default=dict, blank=True, editable=False)
    override_reason = models.TextField(_("motif de la signature sans quorum"), blank=True)
    urgent_path = models.BooleanField(_("avis urgent sur avis écrits"), default=False)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avis de RCP")
        verbose_name_plural = _("avis de RCP")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="recommendation_version"),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="draft"),
                name="recommendation_one_draft_per_case",
                violation_error_message=_("Ce dossier a déjà un avis en brouillon."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    signed_at__isnull=False,
                    signed_by__isnull=False,
                    quorum_met__isnull=False,
                    pdf__isnull=False,
                ),
                name="recommendation_signed_is_complete",
                violation_error_message=_(
                    "Un avis signé a son PDF, son quorum, sa date et son signataire."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(quorum_met=True)
                | ~models.Q(override_reason=""),
                name="recommendation_without_quorum_has_override",
                violation_error_message=_(
                    "Un avis signé sans quorum exige le motif de la dérogation."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(is_off_label=False)
                | ~models.Q(off_label_drug=""),
                name="recommendation_off_label_names_the_drug",
                violation_error_message=_("Un avis hors AMM nomme le médicament."),
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(correction_reason=""),
                name="recommendation_correction_has_reason",
                violation_error_message=_(
                    "Une version corrigée de l'avis exige le motif de la correction."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Avis {self.case.patient} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class Ratification(ChoiceLabels, models.Model):
    """The ordinary meeting's decision on an urgent recommendation, taken under its quorum:
    ratified, or not ratified with the reason (a new version of the avis follows). Its PDF is
    signed like an avis and never changes: the database refuses an UPDATE (migration
    ``ratification``)."""

    class Decision(models.TextChoices):
        RATIFIED = "ratified", _("Ratifié")
        NOT_RATIFIED = "not_ratified", _("Non ratifié")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="ratification"
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("avis urgent"),
        on_delete=models.PROTECT,
        related_name="ratifications",
    )
    decision = models.CharField(_("décision"), max_length=12, choices=Decision.choices)
    reason = models.TextField(_("motif de la non-ratification"), blank=True)
    quorum_record = models.JSONField(default=dict, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signé le"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.BinaryField(editable=False)
    pdf_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("ratification d'un avis urgent")
        verbose_name_plural = _("ratifications des avis urgents")
        ordering = ["signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="ratified") | ~models.Q(reason=""),
                name="ratification_refusal_has_reason",
                violation_error_message=_("Un avis urgent non ratifié exige le motif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} – {self.recommendation}"

    @property
    def is_ratified(self) -> bool:
        return self.decision == self.Decision.RATIFIED


class RecommendationDelivery(ChoiceLabels, models.Model):
    """One sending of a signed recommendation (e-mail through the secure messaging relay)."""

    class Kind(models.TextChoices):
        REQUESTER = "requester", _("Médecin demandeur")
        RECIPIENT = "recipient", _("Destinataire indiqué")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="deliveries"
    )
    kind = models.CharField(_("destinataire"), max_length=10, choices=Kind.choices)
    email = models.EmailField(_("adresse"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("envoi d'un avis")
        verbose_name_plural = _("envois des avis")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.email} {self.sent_at:%d/%m/%Y}"


class RecommendationFollowUp(ChoiceLabels, models.Model):
    """Was the proposal applied? Asked of the requester three months after the recommendation."""

    class Applied(models.TextChoices):
        YES = "yes", _("Oui, appliquée")
        PARTLY = "partly", _("En partie")
        NO = "no", _("Non")

    class Reason(models.TextChoices):
        PATIENT_REFUSAL = "patient_refusal", _("Refus du patient")
        ADVERSE_EFFECT = "adverse_effect", _("Contre-indication, effet indésirable")
        FUNDING_REFUSED = "funding_refused", _("Prise en charge refusée")
        CLINICAL_CHANGE = "clinical_change", _("Évolution de la situation clinique")
        PHYSICIAN_DECISION = "physician_decision", _("Décision du médecin en charge")
        PATIENT_DECEASED = "patient_deceased", _("Décès du patient")
        LOST_TO_FOLLOW_UP = "lost", _("Patient perdu de vue")
        OTHER = "other", _("Autre")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(CaseRequest, on_delete=models.PROTECT, related_name="follow_up")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField(_("à renseigner à partir du"))
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    second_reminded_at = models.DateTimeField(
        _("seconde relance envoyée le"), null=True, blank=True
    )
    applied = models.CharField(
        _("proposition appliquée"), max_length=8, choices=Applied.choices, blank=True
    )
    reason = models.CharField(
        _("raison principale"), max_length=20, choices=Reason.choices, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True)
    answered_at = models.DateTimeField(_("renseigné le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("suivi d'un avis")
        verbose_name_plural = _("suivis des avis")
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(applied=""),
                name="follow_up_answer_says_if_applied",
                violation_error_message=_("La réponse dit si l'avis a été appliqué."),
            ),
            models.CheckConstraint(
                condition=models.Q(applied__in=["", "yes"]) | ~models.Q(reason=""),
                name="follow_up_not_applied_has_reason",
                violation_error_message=_("Un avis non appliqué (ou en partie) exige un motif."),
            ),
        ]

    def __str__(self) -> str:
        return f"Suivi {self.case}"
