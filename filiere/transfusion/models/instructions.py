"""The versioned transfusion instructions and the crossmatches."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.network.models import Region
from filiere.transfusion.models.donors import DonorImport
from filiere.transfusion.models.immunology import AntibodyScreen, HlaTyping
from filiere.transfusion.models.transfusions import AboGroup, RollUpRule


class TransfusionInstruction(ChoiceLabels, models.Model):
    """A transfusion instruction (consigne transfusionnelle), one version of it.

    Never changed once written: a new decision is a new row with the next version number.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="transfusion_instructions"
    )
    version = models.PositiveIntegerField(_("version"))
    threshold = models.PositiveIntegerField(_("seuil de MFI"))
    rule = models.CharField(_("agrégation des billes"), max_length=3, choices=RollUpRule.choices)
    unacceptable = models.JSONField(_("antigènes inacceptables"), default=list, blank=True)
    screen = models.ForeignKey(
        AntibodyScreen, on_delete=models.PROTECT, related_name="+", verbose_name=_("sérum")
    )
    serum_date = models.DateField(_("date du sérum"))
    typing = models.ForeignKey(
        HlaTyping, on_delete=models.PROTECT, related_name="+", verbose_name=_("typage du patient")
    )
    patient_abo = models.CharField(
        _("groupe ABO du patient"), max_length=2, choices=AboGroup.choices, blank=True
    )
    negative_for = models.JSONField(_("antigènes plaquettaires à éviter"), default=list, blank=True)
    # Product requirements sent to the blood establishment with the donor list.
    patient_rhd_positive = models.BooleanField(_("RhD du patient positif"), null=True, blank=True)
    irradiated = models.BooleanField(_("produit irradié"), default=False)
    cmv_negative = models.BooleanField(_("produit CMV négatif"), default=False)
    # Calculated PRA at the threshold (share of French donors carrying an unacceptable antigen),
    # None when it could not be computed (no frequency table).
    cpra = models.FloatField(_("cPRA"), null=True, blank=True)
    crossmatched = models.JSONField(
        _("donneurs exclus par un crossmatch positif"), default=list, blank=True
    )
    region = models.CharField(_("région"), max_length=2, choices=Region.choices)
    valid_until = models.DateField(_("valable jusqu'au"))
    note = models.TextField(_("commentaire"), blank=True)
    table = models.JSONField(_("donneurs éligibles par seuil"), default=list, blank=True)
    donors = models.JSONField(_("liste des donneurs"), default=list, blank=True)
    to_type_donors = models.JSONField(
        _("donneurs à typer (HPA/CD36 inconnu)"), default=list, blank=True
    )
    pool_size = models.PositiveIntegerField(_("donneurs actifs du fichier"))
    pool_import = models.ForeignKey(
        DonorImport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consigne transfusionnelle")
        verbose_name_plural = _("consignes transfusionnelles")
        ordering = ["patient", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "version"], name="instruction_one_row_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="instruction_version_from_one",
                violation_error_message=_("La version de la consigne commence à 1."),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1),
                name="instruction_threshold_positive",
                violation_error_message=_("Le seuil est d'au moins 1."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("serum_date")),
                name="instruction_valid_after_serum",
                violation_error_message=_(
                    "La consigne reste valable au moins jusqu'à la date du sérum."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(rule__in=["any", "all"]),
                name="instruction_rule_valid",
                violation_error_message=_("Règle inconnue : « any » ou « all »."),
            ),
        ]

    def __str__(self) -> str:
        return f"Consigne v{self.version} ({self.threshold} MFI)"


class Crossmatch(ChoiceLabels, models.Model):
    """A crossmatch of the patient's serum against one donor's platelets.

    A positive crossmatch excludes the donor from the patient's counts and lists (a filter, like
    the HPA/CD36 requirement); a negative one is shown beside the donor.
    """

    class Result(models.TextChoices):
        POSITIVE = "positive", _("positif")
        NEGATIVE = "negative", _("négatif")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="crossmatches"
    )
    donor_identifier = models.CharField(_("identifiant du donneur"), max_length=40)
    result = models.CharField(_("résultat"), max_length=8, choices=Result.choices)
    tested_on = models.DateField(_("date du crossmatch"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("crossmatch plaquettaire")
        verbose_name_plural = _("crossmatchs plaquettaires")
        ordering = ["-tested_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["patient", "donor_identifier"], name="crossmatch_donor_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__in=["positive", "negative"]),
                name="crossmatch_result_valid",
                violation_error_message=_("Résultat du crossmatch inconnu : positif ou négatif."),
            ),
            models.CheckConstraint(
                condition=~models.Q(donor_identifier=""),
                name="crossmatch_donor_not_empty",
                violation_error_message=_("L'identifiant du donneur est obligatoire."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor_identifier} {self.get_result_display()} ({self.tested_on:%d/%m/%Y})"
