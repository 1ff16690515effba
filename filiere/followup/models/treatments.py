"""Haemostatic treatments: the ATC drug table, prescriptions and administrations with their
regulatory status, and adverse events in the EUHASS categories."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from filiere.core.models import ChoiceLabels, WithdrawableRecord

ATC_PATTERN = r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$"


class TreatmentClass(models.TextChoices):
    ANTIFIBRINOLYTIC = "antifibrinolytic", _("Antifibrinolytique")
    RFVIIA = "rfviia", _("Facteur VII activé recombinant (rFVIIa)")
    PLATELET_TRANSFUSION = "platelet_transfusion", _("Transfusion de plaquettes")
    FACTOR_CONCENTRATE = "factor_concentrate", _("Concentré de facteur")
    NON_FACTOR = "non_factor", _("Traitement non substitutif (émicizumab, anti-TFPI…)")
    DESMOPRESSIN = "desmopressin", _("Desmopressine")
    TPO_RA = "tpo_ra", _("Agoniste du récepteur de la thrombopoïétine")
    HORMONAL = "hormonal", _("Traitement hormonal")
    IRON = "iron", _("Fer")
    BLOOD_PRODUCT = "blood_product", _("Autre produit sanguin labile")
    HSCT = "hsct", _("Greffe de cellules souches hématopoïétiques")
    GENE_THERAPY = "gene_therapy", _("Thérapie génique")
    OTHER = "other", _("Autre")


# Treatments that are procedures, not drugs: they have no ATC code.
WITHOUT_ATC = ("hsct",)


class AtcCode(ChoiceLabels, models.Model):
    """A drug of the network's table of haemostatic treatments (extract of the WHO ATC index).

    Loaded by ``filiere followup import-atc``; a treatment's code must be in this table.
    """

    code = models.CharField(_("code ATC"), max_length=7, unique=True)
    label = models.CharField(_("dénomination commune"), max_length=200)
    treatment_class = models.CharField(
        _("classe thérapeutique"), max_length=24, choices=TreatmentClass.choices
    )
    # Route codes of ``Treatment.Route`` the drug is given by; empty: any route.
    routes = models.JSONField(_("voies autorisées"), default=list, blank=True)
    is_obsolete = models.BooleanField(_("obsolète"), default=False)
    source = models.CharField(_("fichier source"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("code ATC")
        verbose_name_plural = _("codes ATC")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=ATC_PATTERN),
                name="atc_code_format",
                violation_error_message=_(
                    "Le code ATC s'écrit comme B02BD02 (lettre, 2 chiffres, 2 lettres, 2 chiffres)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Treatment(WithdrawableRecord):
    """A prescription or an administration of a haemostatic treatment."""

    class Kind(models.TextChoices):
        PRESCRIPTION = "prescription", _("Prescription (traitement au long cours ou à la demande)")
        ADMINISTRATION = "administration", _("Administration (épisode de traitement)")

    class Indication(models.TextChoices):
        PROPHYLAXIS = "prophylaxis", _("Prophylaxie")
        BLEED = "bleed", _("Traitement d'un saignement")
        SURGERY = "surgery", _("Couverture d'une chirurgie ou d'un geste")
        DELIVERY = "delivery", _("Accouchement")
        CURATIVE = "curative", _("Traitement de fond curatif (greffe, thérapie génique)")

    class Route(models.TextChoices):
        INTRAVENOUS = "iv", _("Intraveineuse")
        SUBCUTANEOUS = "sc", _("Sous-cutanée")
        ORAL = "oral", _("Orale")
        INTRANASAL = "intranasal", _("Intranasale")
        TOPICAL = "topical", _("Locale")
        INTRAUTERINE = "intrauterine", _("Intra-utérine")
        OTHER = "other", _("Autre")

    class DoseUnit(models.TextChoices):
        MG = "mg", "mg"
        G = "g", "g"
        MG_PER_KG = "mg/kg", "mg/kg"
        UG_PER_KG = "µg/kg", "µg/kg"
        UG = "µg", "µg"
        IU = "UI", "UI"
        IU_PER_KG = "UI/kg", "UI/kg"
        UNITS = "unités", _("unités (concentrés, poches)")
        ML = "mL", "mL"

    class RegulatoryStatus(models.TextChoices):
        WITHIN_MA = "within_ma", _("Dans l'autorisation de mise sur le marché (AMM)")
        OFF_LABEL = "off_label", _("Hors AMM")
        NOT_APPLICABLE = "not_applicable", _("Sans objet (produit sanguin labile, greffe)")

    class OffLabelFramework(models.TextChoices):
        CPC = "cpc", _("Cadre de prescription compassionnelle (CPC)")
        AAC = "aac", _("Autorisation d'accès compassionnel (AAC)")
        AAP = "aap", _("Autorisation d'accès précoce (AAP)")
        OTHER = "other", _("Autre usage hors AMM")

    class Outcome(models.TextChoices):
        EFFECTIVE = "effective", _("Efficace")
        PARTIAL = "partial", _("Partiellement efficace")
        INEFFECTIVE = "ineffective", _("Inefficace")
        NOT_ASSESSED = "not_assessed", _("Non évalué")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatments"
    )
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    diagnosis = models.ForeignKey(
        "patients.Diagnosis",
        verbose_name=_("maladie traitée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    category = models.CharField(
        _("classe thérapeutique"), max_length=24, choices=TreatmentClass.choices
    )
    atc = models.ForeignKey(
        AtcCode,
        verbose_name=_("médicament (code ATC)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product_name = models.CharField(_("spécialité"), max_length=120, blank=True)
    dose = models.DecimalField(_("dose"), max_digits=9, decimal_places=2, null=True, blank=True)
    dose_unit = models.CharField(
        _("unité de dose"), max_length=8, choices=DoseUnit.choices, blank=True
    )
    route = models.CharField(_("voie"), max_length=12, choices=Route.choices, blank=True)
    doses_count = models.PositiveSmallIntegerField(
        _("nombre d'administrations"), null=True, blank=True
    )
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    indication = models.CharField(_("indication"), max_length=12, choices=Indication.choices)
    bleeding_event = models.ForeignKey(
        "followup.BleedingEvent",
        verbose_name=_("saignement traité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="treatments",
    )
    regulatory_status = models.CharField(
        _("statut réglementaire"), max_length=16, choices=RegulatoryStatus.choices
    )
    off_label_framework = models.CharField(
        _("cadre de l'usage hors AMM"), max_length=8, choices=OffLabelFramework.choices, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)
    # The case-meeting (RCP) module is built separately; its recommendation is referenced by id.
    rcp_recommendation_id = models.UUIDField(
        _("recommandation de RCP"), null=True, blank=True, db_index=True
    )
    # Likewise for the transfusion module's record of a platelet transfusion.
    transfusion_record_id = models.UUIDField(
        _("transfusion (module transfusion)"), null=True, blank=True
    )
    outcome = models.CharField(_("efficacité"), max_length=14, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    # A dose outside the drug's usual range is recorded only when a clinician confirms it.
    dose_confirmed = models.BooleanField(_("dose hors plage usuelle confirmée"), default=False)
    dose_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dose confirmée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dose_confirmed_at = models.DateTimeField(_("dose confirmée le"), null=True, blank=True)
    # The emergency care card lists only the treatments a clinician chose as the patient's usual
    # emergency treatment, never a guess from the history.
    usual_emergency = models.BooleanField(_("traitement d'urgence habituel"), default=False)
    emergency_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitement d'urgence validé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    emergency_validated_at = models.DateTimeField(
        _("traitement d'urgence validé le"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("traitement")
        verbose_name_plural = _("traitements")
        ordering = ["-started_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="treatment_ends_after_it_starts",
                violation_error_message=_("La date de fin du traitement suit sa date de début."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(regulatory_status="off_label")
                    & ~models.Q(off_label_framework="")
                    & ~models.Q(justification="")
                )
                | (~models.Q(regulatory_status="off_label") & models.Q(off_label_framework="")),
                name="treatment_off_label_has_framework_and_justification",
                violation_error_message=_(
                    "Un traitement hors AMM exige son cadre et sa justification ; un traitement "
                    "dans l'AMM n'a pas de cadre hors AMM."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(atc__isnull=False) | models.Q(category__in=WITHOUT_ATC),
                name="treatment_drug_has_atc_code",
                violation_error_message=_("Un médicament exige son code ATC."),
            ),
            models.CheckConstraint(
                condition=models.Q(dose__isnull=True, dose_unit="")
                | models.Q(dose__gt=0) & ~models.Q(dose_unit=""),
                name="treatment_dose_positive_with_unit",
                violation_error_message=_("La dose est positive et a son unité."),
            ),
            models.CheckConstraint(
                condition=models.Q(bleeding_event__isnull=True) | models.Q(indication="bleed"),
                name="treatment_bleeding_event_only_for_a_bleed",
                violation_error_message=_(
                    "Un épisode hémorragique ne se lie qu'à un traitement indiqué pour un "
                    "saignement."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(dose_confirmed=False, dose_confirmed_at__isnull=True)
                | models.Q(dose_confirmed=True, dose_confirmed_at__isnull=False),
                name="treatment_dose_confirmation_is_dated",
                violation_error_message=_(
                    "Une dose inhabituelle confirmée porte la date de sa confirmation."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(usual_emergency=False, emergency_validated_at__isnull=True)
                | models.Q(
                    usual_emergency=True, emergency_validated_at__isnull=False, atc__isnull=False
                ),
                name="treatment_usual_emergency_is_a_dated_drug",
                violation_error_message=_(
                    "Le traitement d'urgence habituel est un médicament (code ATC) validé à une "
                    "date."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-started_on"], name="treatment_patient_idx"),
            models.Index(fields=["regulatory_status", "atc"], name="treatment_observatory_idx"),
        ]

    def __str__(self) -> str:
        drug = self.atc.label if self.atc else self.get_category_display()
        return f"{drug} ({self.started_on:%d/%m/%Y})"

    def dose_text(self) -> str:
        """Return the dose as prescribed: « 90 µg/kg », « 1 unité », « 2 unités », « 1,5 mg »."""
        if self.dose is None:
            return ""
        dose = Decimal(self.dose).normalize()
        amount = number_format(dose.quantize(Decimal(1)) if dose == dose.to_integral() else dose)
        if self.dose_unit == self.DoseUnit.UNITS:
            # French keeps the singular below 2 (« 1,5 unité »); ngettext's plural rule does it.
            count = int(self.dose)
            return ngettext("%(dose)s unité", "%(dose)s unités", count) % {"dose": amount}
        return f"{amount} {self.dose_unit}".strip()


class DoseRange(ChoiceLabels, models.Model):
    """The doses of a drug of the ATC table by one route in one unit: usual range and absolute
    bounds (both inclusive), from the label; none means the unit is allowed without a range."""

    atc = models.ForeignKey(AtcCode, on_delete=models.CASCADE, related_name="dose_ranges")
    route = models.CharField(_("voie"), max_length=12, choices=Treatment.Route.choices)
    unit = models.CharField(_("unité"), max_length=8, choices=Treatment.DoseUnit.choices)
    usual_low = models.DecimalField(
        _("plage usuelle, bas"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    usual_high = models.DecimalField(
        _("plage usuelle, haut"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    lowest = models.DecimalField(
        _("borne basse"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    highest = models.DecimalField(
        _("borne haute"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("plage de doses")
        verbose_name_plural = _("plages de doses")
        ordering = ["atc", "route", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["atc", "route", "unit"], name="dose_range_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    usual_low__isnull=True,
                    usual_high__isnull=True,
                    lowest__isnull=True,
                    highest__isnull=True,
                )
                | models.Q(
                    lowest__gt=0,
                    usual_low__gte=models.F("lowest"),
                    usual_high__gte=models.F("usual_low"),
                    highest__gte=models.F("usual_high"),
                ),
                name="dose_range_ordered",
                violation_error_message=_(
                    "Les doses se suivent : minimale (positive) ≤ usuelle basse ≤ usuelle haute ≤ "
                    "maximale."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.atc.code} {self.route} {self.unit}"


class AdverseEvent(WithdrawableRecord):
    """An adverse event in the categories of the European haemophilia safety surveillance."""

    class Category(models.TextChoices):
        ALLERGIC = "allergic_acute", _("Réaction allergique ou autre réaction aiguë")
        INFECTION = "infection", _("Infection transmise par le traitement")
        INHIBITOR = "inhibitor", _("Inhibiteur ou allo-immunisation")
        THROMBOSIS = "thrombosis", _("Thrombose")
        MALIGNANCY = "malignancy", _("Cancer")
        DEATH = "death", _("Décès")

    class Outcome(models.TextChoices):
        RECOVERED = "recovered", _("Guérison")
        RECOVERING = "recovering", _("En cours de guérison")
        SEQUELAE = "sequelae", _("Séquelles")
        FATAL = "fatal", _("Décès")
        UNKNOWN = "unknown", _("Inconnue")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="adverse_events"
    )
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    treatment = models.ForeignKey(
        Treatment,
        verbose_name=_("traitement suspecté"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    occurred_on = models.DateField(_("date"))
    category = models.CharField(_("catégorie (EUHASS)"), max_length=16, choices=Category.choices)
    serious = models.BooleanField(_("grave"), default=False)
    description = models.TextField(_("description"))
    outcome = models.CharField(_("évolution"), max_length=12, choices=Outcome.choices)
    reported_to_pharmacovigilance = models.BooleanField(
        _("déclaré à la pharmacovigilance ou à l'hémovigilance"), default=False
    )
    reported_on = models.DateField(_("date de la déclaration"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("événement indésirable")
        verbose_name_plural = _("événements indésirables")
        ordering = ["-occurred_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category="death") | models.Q(outcome="fatal", serious=True),
                name="adverse_event_death_is_fatal_and_serious",
                violation_error_message=_(
                    "Un décès est un événement indésirable grave et d'issue fatale."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(reported_on__isnull=True)
                | models.Q(reported_to_pharmacovigilance=True),
                name="adverse_event_report_date_only_when_reported",
                violation_error_message=_(
                    "Une date de déclaration exige la déclaration à la pharmacovigilance."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-occurred_on"], name="adverse_event_patient_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.occurred_on:%d/%m/%Y}"
