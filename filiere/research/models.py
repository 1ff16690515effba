"""A researcher's request for an extract of the registry, its decision by the network
coordinator, and what was produced from it (counts only: the file is not kept once downloaded)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class Variable(models.TextChoices):
    """The fixed catalogue of what an extract may carry: no free text, no full date."""

    SEX = "sex", _("Sexe")
    AGE_GROUP = "age_group", _("Classe d'âge (5 ans)")
    CENTRE = "centre", _("Centre de suivi")
    DISEASE = "disease", _("Maladie (code ORPHA et libellé)")
    DIAGNOSIS_STATUS = "diagnosis_status", _("Statut du diagnostic")
    DIAGNOSIS_DATE = "diagnosis_date", _("Mois et année du diagnostic")
    GENES = "genes", _("Gènes")
    ACMG_CLASS = "acmg_class", _("Classe ACMG la plus haute")
    HPO_TERMS = "hpo_terms", _("Termes HPO observés")


class ResearchRequest(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Soumise")
        APPROVED = "approved", _("Approuvée")
        REFUSED = "refused", _("Refusée")
        PRODUCED = "produced", _("Produite")
        DOWNLOADED = "downloaded", _("Téléchargée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    protocol_title = models.CharField(_("titre du protocole"), max_length=200)
    protocol_summary = models.TextField(_("résumé du protocole"), max_length=4000)
    ethics_reference = models.CharField(
        _("référence éthique"),
        max_length=100,
        help_text=_("Avis du CPP, numéro de déclaration de conformité CNIL MR-004…"),
    )
    # Values of ``Variable``, in the catalogue's order.
    variables = models.JSONField(_("variables"), default=list)
    disease_group = models.ForeignKey(
        "nomenclature.DiseaseGroup",
        verbose_name=_("groupe de maladies"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    orpha_codes = models.JSONField(_("codes ORPHA"), default=list, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.TextField(_("motif de la décision"), max_length=2000, blank=True)
    produced_at = models.DateTimeField(_("produite le"), null=True, blank=True)
    patients_count = models.PositiveIntegerField(_("patients extraits"), null=True, blank=True)
    suppressed_count = models.PositiveIntegerField(
        _("patients écartés (k-anonymat)"), null=True, blank=True
    )
    downloaded_at = models.DateTimeField(_("téléchargée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'extraction pour la recherche")
        verbose_name_plural = _("demandes d'extraction pour la recherche")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ethics_reference=""),
                name="research_request_has_ethics_reference",
                violation_error_message=_("Une demande porte sa référence éthique."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="submitted", decided_by__isnull=True, decided_at__isnull=True)
                    | (
                        ~Q(status="submitted")
                        & Q(decided_by__isnull=False, decided_at__isnull=False)
                    )
                ),
                name="research_request_decided_iff_not_submitted",
                violation_error_message=_("Seule une demande décidée a un décideur et une date."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status__in=["produced", "downloaded"],
                        produced_at__isnull=False,
                        patients_count__isnull=False,
                        suppressed_count__isnull=False,
                    )
                    | (
                        ~Q(status__in=["produced", "downloaded"])
                        & Q(
                            produced_at__isnull=True,
                            patients_count__isnull=True,
                            suppressed_count__isnull=True,
                        )
                    )
                ),
                name="research_request_produced_iff_counted",
                violation_error_message=_("Seule une extraction produite a ses comptes."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="downloaded", downloaded_at__isnull=False)
                    | (~Q(status="downloaded") & Q(downloaded_at__isnull=True))
                ),
                name="research_request_downloaded_at_iff_downloaded",
                violation_error_message=_(
                    "Seule une extraction téléchargée a une date de téléchargement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.protocol_title

    @property
    def file_name(self) -> str:
        return f"extraction-recherche-{self.public_id}.csv"

    def variable_labels(self) -> list[str]:
        return [str(Variable(value).label) for value in self.variables]
