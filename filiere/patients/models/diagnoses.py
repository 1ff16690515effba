"""Diagnoses: the ORPHA or ICD-10 code, its status, the age at onset and the bleeding sites."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import WithdrawableRecord
from filiere.lib.partial_dates import PartialDate
from filiere.patients.models.dates import PartialDateFields, partial_date_constraint
from filiere.patients.models.patient import Patient


class DiagnosisStatus(models.TextChoices):
    """Current status of a diagnosis (JDV_StatutActuelDiagnostic, SNOMED CT codes)."""

    ONGOING = "ongoing", _("En cours")
    EQUIVOCAL = "equivocal", _("Équivoque")
    CONFIRMED = "confirmed", _("Confirmé")
    HEALTHY_CARRIER = "healthy_carrier", _("Porteur sain")
    REFUTED = "refuted", _("Réfuté")


class AgeCategory(models.TextChoices):
    """JDV_Age: when something happened; "during life" needs years and/or months."""

    NO_SIGN = "MED-1288", _("Aucun signe")
    ANTENATAL = "303112003", _("Période fœtale (anténatal)")
    NEONATAL = "255407002", _("Néonatal (à la naissance)")
    DURING_LIFE = "767023003", _("Au cours de la vie (préciser l'âge)")
    UNDETERMINED = "373068000", _("Indéterminé")
    POSTMORTEM = "303113008", _("Période post mortem")


class BleedingSite(models.TextChoices):
    EPISTAXIS = "epistaxis", _("Épistaxis")
    GINGIVAL = "gingival", _("Gingivorragies")
    CUTANEOUS = "cutaneous", _("Ecchymoses, hématomes cutanés")
    MENORRHAGIA = "menorrhagia", _("Ménorragies")
    POST_PARTUM = "post_partum", _("Hémorragie du post-partum")
    POST_SURGICAL = "post_surgical", _("Saignement post-opératoire")
    HAEMARTHROSIS = "haemarthrosis", _("Hémarthrose")
    MUSCLE = "muscle", _("Hématome musculaire")
    GASTROINTESTINAL = "gastrointestinal", _("Digestif")
    CNS = "cns", _("Système nerveux central")
    OTHER = "other", _("Autre")


class Diagnosis(WithdrawableRecord):
    class Inheritance(models.TextChoices):
        SPORADIC = "75741005", _("Sporadique")
        FAMILIAL = "255401001", _("Familial")

    class Appraisal(models.TextChoices):
        ABSENT = "2667000", _("Absent")
        INADEQUATE = "71978007", _("Inadéquat")
        ADEQUATE = "88323005", _("Adéquat")

    class GeneticTechnique(models.TextChoices):
        CHROMOSOMAL = "MED-081", _("Chromosomique (caryotype, FISH)")
        CGH_ARRAY = "MED-082", _("ACPA")
        TARGETED = "MED-083", _("Analyse moléculaire ciblée (un ou plusieurs gènes)")
        GENOME_WIDE = "MED-084", _("Analyse pangénomique")
        OTHER = "GEN-092.04.17", _("Autre technique")

    class BleedingSeverity(models.TextChoices):
        MILD = "mild", _("Mineure")
        MODERATE = "moderate", _("Modérée")
        SEVERE = "severe", _("Sévère")

    class Transmission(models.TextChoices):
        AUTOSOMAL_DOMINANT = "ad", _("Autosomique dominante")
        AUTOSOMAL_RECESSIVE = "ar", _("Autosomique récessive")
        X_LINKED = "xl", _("Liée à l'X")
        DE_NOVO = "de_novo", _("De novo")
        UNKNOWN = "unknown", _("Inconnue")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    orpha = models.ForeignKey(
        "nomenclature.OrphaConcept",
        verbose_name=_("code ORPHA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    icd10 = models.ForeignKey(
        "nomenclature.Icd10Code",
        verbose_name=_("code CIM-10 (maladie complexe non rare)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("statut actuel"), max_length=16, choices=DiagnosisStatus.choices)
    diagnosis_year = models.PositiveSmallIntegerField(
        _("année du diagnostic"), null=True, blank=True
    )
    diagnosis_month = models.PositiveSmallIntegerField(
        _("mois du diagnostic"), null=True, blank=True
    )
    diagnosis_day = models.PositiveSmallIntegerField(_("jour du diagnostic"), null=True, blank=True)
    centre = models.ForeignKey(
        "network.Centre",
        verbose_name=_("centre du diagnostic"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inheritance = models.CharField(
        _("cas sporadique ou familial"), max_length=10, choices=Inheritance.choices, blank=True
    )
    onset_category = models.CharField(
        _("âge aux premiers signes"), max_length=10, choices=AgeCategory.choices
    )
    onset_years = models.PositiveSmallIntegerField(_("années"), null=True, blank=True)
    onset_months = models.PositiveSmallIntegerField(_("mois"), null=True, blank=True)
    clinical_dx_category = models.CharField(
        _("âge au diagnostic clinique"), max_length=10, choices=AgeCategory.choices
    )
    clinical_dx_years = models.PositiveSmallIntegerField(_("années"), null=True, blank=True)
    clinical_dx_months = models.PositiveSmallIntegerField(_("mois"), null=True, blank=True)
    genetic_dx_category = models.CharField(
        _("âge au diagnostic génétique"), max_length=10, choices=AgeCategory.choices
    )
    genetic_dx_years = models.PositiveSmallIntegerField(_("années"), null=True, blank=True)
    genetic_dx_months = models.PositiveSmallIntegerField(_("mois"), null=True, blank=True)
    appraisal_on_arrival = models.CharField(
        _("appréciation du diagnostic à l'entrée"),
        max_length=10,
        choices=Appraisal.choices,
        blank=True,
    )
    genetic_techniques = models.JSONField(
        _("techniques du diagnostic génétique"), default=list, blank=True
    )
    genes = models.ManyToManyField("nomenclature.Gene", verbose_name=_("gènes"), blank=True)
    genetics_text = models.TextField(_("autres descriptions génétiques"), blank=True)
    clinical_description = models.JSONField(
        _("description clinique"),
        default=list,
        blank=True,
        help_text=_(
            "Codes ORPHA de groupe, termes HPO ou codes CIM-10, pour un patient non diagnostiqué."
        ),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    # The network's items for a diagnostic dead end (ORPHA:616874, status equivocal).
    bleeding_severity = models.CharField(
        _("sévérité du syndrome hémorragique"),
        max_length=10,
        choices=BleedingSeverity.choices,
        blank=True,
    )
    bleeding_sites = models.JSONField(_("localisations des saignements"), default=list, blank=True)
    transmission = models.CharField(
        _("mode de transmission"), max_length=10, choices=Transmission.choices, blank=True
    )
    biological_results = models.TextField(_("résultats biologiques"), blank=True)
    genetic_results = models.TextField(_("résultats génétiques"), blank=True)
    diagnostic_delay_months = models.PositiveIntegerField(
        _("durée de l'errance diagnostique (mois)"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["diagnosis_year", "diagnosis_month", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(orpha__isnull=False, icd10__isnull=True)
                | models.Q(orpha__isnull=True, icd10__isnull=False),
                name="diagnosis_orpha_or_icd10",
                violation_error_message=_(
                    "Indiquez un code ORPHA, ou un code CIM-10 pour une maladie complexe non rare "
                    "(pas les deux)."
                ),
            ),
            partial_date_constraint("diagnosis", "diagnosis"),
        ]
        indexes = [
            models.Index(fields=["patient", "status"], name="diagnosis_patient_idx"),
            models.Index(fields=["orpha", "status"], name="diagnosis_orpha_idx"),
        ]

    def __str__(self) -> str:
        code = self.orpha if self.orpha_id else self.icd10
        return f"{code} ({self.get_status_display()})"

    @property
    def diagnosis_date(self) -> PartialDate | None:
        return PartialDateFields.read(self.diagnosis_year, self.diagnosis_month, self.diagnosis_day)
