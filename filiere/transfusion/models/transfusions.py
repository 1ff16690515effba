"""Transfusions, their post-transfusion counts and the patient's transfusion profile."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels

# Bounds shared with the pure package's input checks (filiere/clinical/transfusion/checks.py):
# they catch unit mistakes (/µL for ×10⁹/L, metres for centimetres), not clinical outliers.
MAX_COUNT_E9_PER_L = 2000
MAX_DOSE_E11 = 20


class ProductType(models.TextChoices):
    CPA = "CPA", _("CPA – concentré de plaquettes d'aphérèse")
    MCP = "MCP", _("MCP – mélange de concentrés plaquettaires")
    CPS = "CPS", _("CPS – concentré de plaquettes standard")


class AboRelation(models.TextChoices):
    """ABO relation of the transfused product to the patient (values of the pure package)."""

    IDENTICAL = "identical", _("ABO identique")
    MINOR_MISMATCH = "minor_mismatch", _("incompatibilité mineure (plasma du donneur)")
    MAJOR_MISMATCH = "major_mismatch", _("incompatibilité majeure (anticorps du patient)")
    BIDIRECTIONAL_MISMATCH = "bidirectional_mismatch", _("incompatibilité bidirectionnelle")


class AboGroup(models.TextChoices):
    O = "O", "O"  # noqa: E741 - the blood group is called O
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"


class HpaGenotype(models.TextChoices):
    AA = "aa", "aa"
    AB = "ab", "ab"
    BB = "bb", "bb"


class RollUpRule(models.TextChoices):
    """How the beads of one antigen make it unacceptable (values of ``filiere.hla.RollUp``)."""

    ANY = "any", _("au moins une bille ≥ seuil (prudent)")
    ALL = "all", _("toutes les billes ≥ seuil")


class Transfusion(ChoiceLabels, models.Model):
    """One platelet transfusion, with what the formulas need: product, dose, patient's size."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="transfusions"
    )
    ended_at = models.DateTimeField(_("fin de la transfusion (date et heure)"))
    product_type = models.CharField(_("produit"), max_length=3, choices=ProductType.choices)
    product_number = models.CharField(_("numéro du produit"), max_length=40, blank=True)
    # The donor of an apheresis product, as the blood establishment identifies it (the pool's
    # Donor.external_id when the donor is in the file): the outcome of this transfusion is shown
    # beside the donor when the donor is proposed again.
    donor_identifier = models.CharField(
        _("identifiant du donneur"), max_length=40, blank=True, db_index=True
    )
    label_dose_e11 = models.DecimalField(
        _("dose sur l'étiquette (×10¹¹ plaquettes)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    pooled_donations = models.PositiveSmallIntegerField(
        _("nombre de dons du mélange"), null=True, blank=True
    )
    abo_relation = models.CharField(
        _("relation ABO"), max_length=24, choices=AboRelation.choices, blank=True
    )
    storage_hours = models.PositiveSmallIntegerField(
        _("âge du produit (heures de conservation)"), null=True, blank=True
    )
    pre_count = models.DecimalField(
        _("numération avant (×10⁹/L)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    weight_kg = models.DecimalField(_("poids (kg)"), max_digits=5, decimal_places=1)
    height_cm = models.DecimalField(_("taille (cm)"), max_digits=4, decimal_places=1)
    # Non-immune causes of consumption at the time of the transfusion: the CCI is then not
    # interpretable for refractoriness (network rule; Stanworth 2015). Each field is named after
    # a value of the pure package's ``NonImmuneCause``.
    bleeding = models.BooleanField(_("saignement actif"), default=False)
    fever = models.BooleanField(_("fièvre"), default=False)
    sepsis = models.BooleanField(_("sepsis"), default=False)
    splenomegaly = models.BooleanField(_("splénomégalie"), default=False)
    dic = models.BooleanField(_("CIVD"), default=False)
    # A dose or a weight–height pair outside the usual ranges (filiere/clinical/transfusion/
    # checks.py) is recorded only when a clinician confirms it, as unusual drug doses are.
    values_confirmed = models.BooleanField(_("valeurs inhabituelles confirmées"), default=False)
    values_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("valeurs confirmées par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    values_confirmed_at = models.DateTimeField(_("valeurs confirmées le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("transfusion de plaquettes")
        verbose_name_plural = _("transfusions de plaquettes")
        ordering = ["ended_at", "pk"]
        indexes = [models.Index(fields=["patient", "ended_at"], name="transfusion_patient_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(label_dose_e11__isnull=True)
                | models.Q(label_dose_e11__gt=0, label_dose_e11__lte=MAX_DOSE_E11),
                name="transfusion_dose_in_range",
                violation_error_message=_(
                    "Dose : valeur invraisemblable, attendue au-delà de 0 et jusqu'à 20 × 10¹¹ "
                    "plaquettes."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(pre_count__isnull=True)
                | models.Q(pre_count__gte=0, pre_count__lte=MAX_COUNT_E9_PER_L),
                name="transfusion_pre_count_in_range",
                violation_error_message=_(
                    "Numération avant transfusion : valeur invraisemblable, attendue entre 0 et 2 "
                    "000 G/L."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__gte=0.3, weight_kg__lte=400),
                name="transfusion_weight_in_range",
                violation_error_message=_(
                    "Poids : valeur invraisemblable, attendue entre 0,3 et 400 kg."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(height_cm__gte=20, height_cm__lte=260),
                name="transfusion_height_in_range",
                violation_error_message=_(
                    "Taille : valeur invraisemblable, attendue entre 20 et 260 cm."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(pooled_donations__isnull=True)
                | models.Q(product_type="MCP", pooled_donations__gte=1),
                name="transfusion_pooled_donations_only_for_mcp",
                violation_error_message=_(
                    "Le nombre de dons mélangés (au moins 1) ne concerne qu'un mélange de "
                    "concentrés plaquettaires (MCP)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(values_confirmed=False, values_confirmed_at__isnull=True)
                | models.Q(values_confirmed=True, values_confirmed_at__isnull=False),
                name="transfusion_values_confirmation_is_dated",
                violation_error_message=_(
                    "Des valeurs inhabituelles confirmées portent la date de leur confirmation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_type_display()} du {self.ended_at:%d/%m/%Y}"


class PostTransfusionCount(models.Model):
    """A platelet count drawn after the end of a transfusion."""

    transfusion = models.ForeignKey(
        Transfusion, on_delete=models.CASCADE, related_name="post_counts"
    )
    minutes_after_end = models.PositiveIntegerField(_("délai après la fin (minutes)"))
    count = models.DecimalField(_("numération (×10⁹/L)"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("numération post-transfusionnelle")
        verbose_name_plural = _("numérations post-transfusionnelles")
        ordering = ["minutes_after_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfusion", "minutes_after_end"], name="post_count_one_per_delay"
            ),
            models.CheckConstraint(
                condition=models.Q(count__gte=0, count__lte=MAX_COUNT_E9_PER_L),
                name="post_count_in_range",
                violation_error_message=_(
                    "Numération après transfusion : valeur invraisemblable, attendue entre 0 et 2 "
                    "000 G/L."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} ×10⁹/L à {self.minutes_after_end} min"


class RhD(models.TextChoices):
    POSITIVE = "pos", _("RhD positif")
    NEGATIVE = "neg", _("RhD négatif")


class TransfusionProfile(ChoiceLabels, models.Model):
    """What the transfusion pages prefill for a patient: ABO/RhD group, and the weight and
    height of the last transfusion (or of a correction). One row per patient, written by
    ``services.transfusion_profile_update`` and by each new latest transfusion, audited."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="transfusion_profile"
    )
    abo = models.CharField(_("groupe ABO"), max_length=2, choices=AboGroup.choices, blank=True)
    rhd = models.CharField(_("RhD"), max_length=3, choices=RhD.choices, blank=True)
    weight_kg = models.DecimalField(
        _("poids (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("taille (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    measured_on = models.DateField(_("poids et taille du"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("profil transfusionnel")
        verbose_name_plural = _("profils transfusionnels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(abo__in=["", "O", "A", "B", "AB"]),
                name="transfusion_profile_abo_valid",
                violation_error_message=_("Groupe ABO inconnu : O, A, B ou AB."),
            ),
            models.CheckConstraint(
                condition=models.Q(rhd__in=["", "pos", "neg"]),
                name="transfusion_profile_rhd_valid",
                violation_error_message=_("RhD : positif ou négatif."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True)
                | models.Q(weight_kg__gte=0.3, weight_kg__lte=400),
                name="transfusion_profile_weight_in_range",
                violation_error_message=_(
                    "Poids : valeur invraisemblable, attendue entre 0,3 et 400 kg."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(height_cm__isnull=True)
                | models.Q(height_cm__gte=20, height_cm__lte=260),
                name="transfusion_profile_height_in_range",
                violation_error_message=_(
                    "Taille : valeur invraisemblable, attendue entre 20 et 260 cm."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abo}{'+' if self.rhd == 'pos' else '−' if self.rhd == 'neg' else ''}"

    @property
    def group(self) -> str:
        """ "A+", "O−", "AB" (RhD unknown) or "" when the ABO group is unknown."""
        return str(self) if self.abo else ""
