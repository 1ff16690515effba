"""Platelet transfusion support: transfusions and their counts, HLA typings, antibody screens,
the donor pool and the versioned transfusion instructions.

Formulas, matching and ranking live in the pure packages ``filiere.clinical.transfusion`` and
``filiere.hla``; these tables hold what was recorded and what was decided.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filiere.network.models import Region

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


class Transfusion(models.Model):
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


class TransfusionProfile(models.Model):
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


class HlaTyping(models.Model):
    """The patient's HLA class I typing, normalised ("A*02:01 A*24:02 B*44:02 B51 Cw7")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="hla_typings"
    )
    typing = models.CharField(_("typage HLA de classe I"), max_length=200)
    typed_on = models.DateField(_("date du typage"))
    laboratory = models.CharField(_("laboratoire"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("typage HLA")
        verbose_name_plural = _("typages HLA")
        ordering = ["-typed_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(typing=""),
                name="hla_typing_not_empty",
                violation_error_message=_("Le typage HLA est vide."),
            )
        ]

    def __str__(self) -> str:
        return self.typing


class AntibodyScreen(models.Model):
    """A single-antigen-bead (SAB) result of one serum: the file as received and its beads."""

    class Controls(models.TextChoices):
        PASSED = "passed", _("contrôles conformes")
        WAIVED = "waived", _("fichier sans billes contrôles, validé par le laboratoire")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="antibody_screens"
    )
    serum_date = models.DateField(_("date du sérum"))
    laboratory = models.CharField(_("laboratoire"), max_length=200, blank=True)
    file_name = models.CharField(_("fichier"), max_length=200)
    content = models.TextField(_("contenu du fichier"))
    sha256 = models.CharField(max_length=64)
    mfi_column = models.CharField(_("colonne MFI lue"), max_length=60)
    negative_control = models.IntegerField(_("contrôle négatif (MFI)"), null=True, blank=True)
    positive_control = models.IntegerField(_("contrôle positif (MFI)"), null=True, blank=True)
    controls = models.CharField(_("contrôles"), max_length=8, choices=Controls.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recherche d'anticorps anti-HLA (SAB)")
        verbose_name_plural = _("recherches d'anticorps anti-HLA (SAB)")
        ordering = ["-serum_date", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(controls="waived")
                | models.Q(negative_control__isnull=False, positive_control__isnull=False),
                name="antibody_screen_controls_present_unless_waived",
                violation_error_message=_(
                    "Les témoins négatif et positif sont obligatoires, sauf dérogation."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"SAB du {self.serum_date:%d/%m/%Y}"


class AntibodyBead(models.Model):
    """One bead of a screen: the allele it carries and the MFI read."""

    screen = models.ForeignKey(AntibodyScreen, on_delete=models.CASCADE, related_name="beads")
    allele = models.CharField(_("allèle"), max_length=30)
    mfi = models.IntegerField(_("MFI"))
    line = models.PositiveIntegerField(_("ligne du fichier"))

    class Meta:
        verbose_name = _("bille")
        verbose_name_plural = _("billes")
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["screen", "line"], name="antibody_bead_one_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.allele} {self.mfi}"


class DonorImport(models.Model):
    """One load of donors into the pool; the latest one stamps the pool cached in memory."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=200)
    created = models.PositiveIntegerField(_("donneurs ajoutés"), default=0)
    updated = models.PositiveIntegerField(_("donneurs mis à jour"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("import de donneurs")
        verbose_name_plural = _("imports de donneurs")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.imported_at:%d/%m/%Y})"


class EpletRelease(models.Model):
    """A class I eplet table (HLAMatchmaker, hlaR format) loaded for the donor ranking.

    The file itself is kept (a few hundred kB), so that every process builds the same table and
    a ranking can always be traced to the release it used. The latest release is the one used.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("fichier"), max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    content = models.TextField(_("contenu"))
    alleles = models.PositiveIntegerField(_("allèles"))
    eplets = models.PositiveIntegerField(_("eplets"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("table d'eplets")
        verbose_name_plural = _("tables d'eplets")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.imported_at:%d/%m/%Y})"


class Donor(models.Model):
    """An HLA-typed apheresis platelet donor of the national pool (synthetic in the demo)."""

    external_id = models.CharField(_("identifiant du donneur"), max_length=40, unique=True)
    site = models.CharField(_("site de prélèvement"), max_length=100, blank=True)
    region = models.CharField(_("région"), max_length=2, choices=Region.choices)
    abo = models.CharField(_("groupe ABO"), max_length=2, choices=AboGroup.choices, blank=True)
    rhd_positive = models.BooleanField(_("RhD positif"), null=True, blank=True)
    hla_a = models.CharField("HLA-A", max_length=60, blank=True)
    hla_b = models.CharField("HLA-B", max_length=60, blank=True)
    hla_c = models.CharField("HLA-C", max_length=60, blank=True)
    hpa1 = models.CharField("HPA-1", max_length=2, choices=HpaGenotype.choices, blank=True)
    hpa3 = models.CharField("HPA-3", max_length=2, choices=HpaGenotype.choices, blank=True)
    hpa5 = models.CharField("HPA-5", max_length=2, choices=HpaGenotype.choices, blank=True)
    cd36_positive = models.BooleanField(_("CD36 exprimé"), null=True, blank=True)
    cmv_positive = models.BooleanField(_("CMV positif"), null=True, blank=True)
    last_donation = models.DateField(_("dernier don"), null=True, blank=True)
    active = models.BooleanField(_("actif"), default=True)
    last_import = models.ForeignKey(
        DonorImport, on_delete=models.PROTECT, related_name="donors", verbose_name=_("import")
    )

    class Meta:
        verbose_name = _("donneur")
        verbose_name_plural = _("donneurs")
        ordering = ["external_id"]
        indexes = [models.Index(fields=["active", "region"], name="donor_active_region_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(abo__in=["", "O", "A", "B", "AB"]),
                name="donor_abo_valid",
                violation_error_message=_("Groupe ABO inconnu : O, A, B ou AB."),
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__in": ["", "aa", "ab", "bb"]}),
                    name=f"donor_{name}_genotype_valid",
                    violation_error_message=format_lazy(
                        _("Génotype {antigen} inconnu : aa, ab ou bb."), antigen=name.upper()
                    ),
                )
                for name in ("hpa1", "hpa3", "hpa5")
            ),
        ]

    def __str__(self) -> str:
        return self.external_id


class TransfusionInstruction(models.Model):
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


class Crossmatch(models.Model):
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
