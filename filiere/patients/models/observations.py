"""Genetic findings, HPO phenotypes and platelet work-ups."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import WithdrawableRecord
from filiere.patients.models.diagnoses import Diagnosis
from filiere.patients.models.patient import Patient


class GeneticFinding(WithdrawableRecord):
    class Zygosity(models.TextChoices):
        HETEROZYGOUS = "heterozygous", _("Hétérozygote")
        HOMOZYGOUS = "homozygous", _("Homozygote")
        COMPOUND_HETEROZYGOUS = "compound_heterozygous", _("Hétérozygote composite")
        HEMIZYGOUS = "hemizygous", _("Hémizygote")
        MOSAIC = "mosaic", _("Mosaïque")

    class AcmgClass(models.IntegerChoices):
        BENIGN = 1, _("Classe 1 – bénin")
        LIKELY_BENIGN = 2, _("Classe 2 – probablement bénin")
        UNCERTAIN = 3, _("Classe 3 – signification incertaine (VSI)")
        LIKELY_PATHOGENIC = 4, _("Classe 4 – probablement pathogène")
        PATHOGENIC = 5, _("Classe 5 – pathogène")

    class Technique(models.TextChoices):
        SANGER = "sanger", _("Séquençage Sanger ciblé")
        PANEL = "panel", _("Panel de gènes (NGS)")
        EXOME = "exome", _("Exome")
        GENOME = "genome", _("Génome")
        CNV_ARRAY = "cnv_array", _("ACPA / CNV")
        KARYOTYPE = "karyotype", _("Caryotype, FISH")
        OTHER = "other", _("Autre")

    class Kinship(models.TextChoices):
        MOTHER = "MTH", _("Mère")
        FATHER = "FTH", _("Père")
        SIBLING = "SIB", _("Frère ou sœur")
        CHILD = "CHILD", _("Enfant")
        COUSIN = "COUSN", _("Cousin(e)")
        AUNT_UNCLE = "AUNT", _("Oncle ou tante")
        GRANDPARENT = "GRPRN", _("Grand-parent")
        OTHER = "FAMMEMB", _("Autre apparenté")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="genetic_findings")
    diagnosis = models.ForeignKey(
        Diagnosis, null=True, blank=True, on_delete=models.PROTECT, related_name="genetic_findings"
    )
    gene = models.ForeignKey(
        "nomenclature.Gene", verbose_name=_("gène"), on_delete=models.PROTECT, related_name="+"
    )
    hgvs = models.CharField(
        _("variant (HGVS)"), max_length=200, help_text=_("Par exemple NM_000212.3:c.1697G>A")
    )
    protein_hgvs = models.CharField(_("conséquence protéique"), max_length=100, blank=True)
    zygosity = models.CharField(_("zygotie"), max_length=24, choices=Zygosity.choices)
    acmg_class = models.PositiveSmallIntegerField(_("classe ACMG"), choices=AcmgClass.choices)
    technique = models.CharField(_("technique"), max_length=12, choices=Technique.choices)
    laboratory = models.CharField(_("laboratoire"), max_length=200, blank=True)
    reported_on = models.DateField(_("date du compte rendu"), null=True, blank=True)
    is_index_case = models.BooleanField(_("cas index de la famille"), default=True)
    index_case = models.ForeignKey(
        Patient,
        verbose_name=_("cas index"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kinship = models.CharField(
        _("lien avec le cas index"), max_length=8, choices=Kinship.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("résultat génétique")
        verbose_name_plural = _("résultats génétiques")
        ordering = ["gene__symbol", "hgvs"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acmg_class__gte=1, acmg_class__lte=5),
                name="genetic_finding_acmg_1_to_5",
                violation_error_message=_("La classe ACMG est comprise entre 1 et 5."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_index_case=True, kinship="") | models.Q(is_index_case=False),
                name="genetic_finding_kinship_only_for_relatives",
                violation_error_message=_(
                    "Le lien avec le cas index ne concerne qu'un apparenté, pas le cas index."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gene} {self.hgvs}"


class PhenotypeObservation(WithdrawableRecord):
    class Onset(models.TextChoices):
        """HPO onset terms (HP:0003674 subtree)."""

        ANTENATAL = "HP:0030674", _("Anténatal")
        CONGENITAL = "HP:0003577", _("Congénital")
        NEONATAL = "HP:0003623", _("Néonatal")
        INFANTILE = "HP:0003593", _("Nourrisson")
        CHILDHOOD = "HP:0011463", _("Enfance")
        JUVENILE = "HP:0003621", _("Juvénile")
        ADULT = "HP:0003581", _("Âge adulte")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="phenotypes")
    hpo_id = models.CharField(_("terme HPO"), max_length=10)
    hpo_label = models.CharField(_("libellé HPO"), max_length=200)
    excluded = models.BooleanField(_("absent (exclu)"), default=False)
    onset = models.CharField(_("début"), max_length=10, choices=Onset.choices, blank=True)
    observed_on = models.DateField(_("date d'observation"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("phénotype")
        verbose_name_plural = _("phénotypes")
        ordering = ["hpo_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "hpo_id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="phenotype_once_per_patient",
                violation_error_message=_("Ce terme HPO est déjà noté pour ce patient."),
            ),
            models.CheckConstraint(
                condition=models.Q(hpo_id__regex=r"^HP:[0-9]{7}$"),
                name="phenotype_hpo_id_format",
                violation_error_message=_("Le terme HPO s'écrit HP: suivi de 7 chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hpo_id} {self.hpo_label}"


class PlateletWorkup(WithdrawableRecord):
    """Platelet tests of one sampling: count, size, morphology, aggregation, flow cytometry."""

    class Morphology(models.TextChoices):
        NORMAL = "normal", _("Normale")
        GIANT = "giant", _("Plaquettes géantes")
        GREY = "grey", _("Plaquettes grises (hypogranulaires)")
        SMALL = "small", _("Microplaquettes")
        DOHLE = "dohle", _("Inclusions de type Döhle (neutrophiles)")
        OTHER = "other", _("Autre anomalie")

    class GlanzmannType(models.TextChoices):
        TYPE_I = "type_1", _("Type I (αIIbβ3 < 5 %)")
        TYPE_II = "type_2", _("Type II (αIIbβ3 5–20 %)")
        VARIANT = "variant", _("Variant (expression normale, récepteur non fonctionnel)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="platelet_workups")
    sampled_on = models.DateField(_("date du prélèvement"))
    laboratory = models.CharField(_("laboratoire"), max_length=200, blank=True)
    platelet_count = models.DecimalField(
        _("numération plaquettaire (G/L)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    mean_platelet_volume = models.DecimalField(
        _("volume plaquettaire moyen (fL)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    morphology = models.CharField(
        _("morphologie"), max_length=8, choices=Morphology.choices, blank=True
    )
    # Light-transmission aggregation, maximal amplitude in %.
    aggregation_adp = models.PositiveSmallIntegerField(
        _("agrégation ADP (%)"), null=True, blank=True
    )
    aggregation_collagen = models.PositiveSmallIntegerField(
        _("agrégation collagène (%)"), null=True, blank=True
    )
    aggregation_arachidonic_acid = models.PositiveSmallIntegerField(
        _("agrégation acide arachidonique (%)"), null=True, blank=True
    )
    aggregation_epinephrine = models.PositiveSmallIntegerField(
        _("agrégation adrénaline (%)"), null=True, blank=True
    )
    aggregation_ristocetin_high = models.PositiveSmallIntegerField(
        _("agrégation ristocétine forte dose (%)"), null=True, blank=True
    )
    aggregation_ristocetin_low = models.PositiveSmallIntegerField(
        _("agrégation ristocétine faible dose (%)"), null=True, blank=True
    )
    aggregation_trap = models.PositiveSmallIntegerField(
        _("agrégation TRAP (%)"), null=True, blank=True
    )
    # Flow cytometry, expression in % of a control.
    cd41_cd61_expression = models.PositiveSmallIntegerField(
        _("expression αIIbβ3 CD41/CD61 (pourcentage du témoin)"), null=True, blank=True
    )
    cd42b_expression = models.PositiveSmallIntegerField(
        _("expression GPIb CD42b (pourcentage du témoin)"), null=True, blank=True
    )
    gpvi_expression = models.PositiveSmallIntegerField(
        _("expression GPVI (pourcentage du témoin)"), null=True, blank=True
    )
    glanzmann_type = models.CharField(
        _("type de thrombasthénie de Glanzmann"),
        max_length=8,
        choices=GlanzmannType.choices,
        blank=True,
    )
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("bilan plaquettaire")
        verbose_name_plural = _("bilans plaquettaires")
        ordering = ["-sampled_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(platelet_count__isnull=True) | models.Q(platelet_count__gte=0),
                name="workup_platelet_count_not_negative",
                violation_error_message=_(
                    "Numération plaquettaire : valeur invraisemblable, attendue entre 0 et 2 000 "
                    "G/L."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.sampled_on:%d/%m/%Y}"
