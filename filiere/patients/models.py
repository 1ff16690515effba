"""The registry: pseudonymised patients, their follow-up by centres, consents, diagnoses,
genetic findings, phenotypes and platelet work-ups.

No table here holds an identity trait (see ``filiere.identity``). The patient keeps only what
clinical reasoning needs: sex, and the year and month of birth (to compute ages).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import WithdrawableRecord
from filiere.identity.models import Sex
from filiere.lib.partial_dates import PartialDate


class PartialDateFields:
    """Helpers for the (year, month, day) triplets stored the national way."""

    @staticmethod
    def read(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
        return None if year is None else PartialDate(year, month, day)


def partial_date_constraint(prefix: str, model: str) -> models.CheckConstraint:
    """A day needs a month, a month needs a year."""
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{prefix}_day__isnull": True})
            | models.Q(**{f"{prefix}_month__isnull": False})
        )
        & (
            models.Q(**{f"{prefix}_month__isnull": True})
            | models.Q(**{f"{prefix}_year__isnull": False})
        ),
        name=f"{model}_{prefix}_date_is_a_partial_date",
    )


class Patient(models.Model):
    class VitalStatus(models.TextChoices):
        ALIVE = "alive", _("Vivant")
        DECEASED = "deceased", _("Décédé")
        LOST = "lost", _("Perdu de vue")

    class Consanguinity(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Inconnu")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identity_link = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pseudonym = models.CharField(_("pseudonyme"), max_length=13, unique=True)
    idmr = models.CharField(
        _("identifiant national maladies rares (IdMR)"),
        max_length=20,
        blank=True,
        help_text=_("Reçu de la BNDMR, 20 chiffres ; jamais calculé ici."),
    )
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))
    birth_month = models.PositiveSmallIntegerField(_("mois de naissance"))
    vital_status = models.CharField(
        _("statut vital"), max_length=10, choices=VitalStatus.choices, default=VitalStatus.ALIVE
    )
    death_year = models.PositiveSmallIntegerField(_("année du décès"), null=True, blank=True)
    death_month = models.PositiveSmallIntegerField(_("mois du décès"), null=True, blank=True)
    death_day = models.PositiveSmallIntegerField(_("jour du décès"), null=True, blank=True)
    death_due_to_rare_disease = models.BooleanField(
        _("décès dû à la maladie rare"), null=True, blank=True
    )
    consanguinity = models.CharField(
        _("issu d'une union consanguine"),
        max_length=8,
        choices=Consanguinity.choices,
        default=Consanguinity.UNKNOWN,
    )
    biobanks = models.CharField(_("biobanque(s)"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["idmr"], condition=~models.Q(idmr=""), name="patient_idmr_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(idmr="") | models.Q(idmr__regex=r"^[0-9]{20}$"),
                name="patient_idmr_is_20_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_month__gte=1, birth_month__lte=12),
                name="patient_birth_month_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(vital_status="deceased") | models.Q(death_year__isnull=True),
                name="patient_death_date_only_when_deceased",
            ),
            partial_date_constraint("death", "patient"),
        ]
        indexes = [
            models.Index(fields=["birth_year", "birth_month"], name="patient_birth_idx"),
            models.Index(fields=["-updated_at"], name="patient_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def death_date(self) -> PartialDate | None:
        return PartialDateFields.read(self.death_year, self.death_month, self.death_day)

    @property
    def birth(self) -> PartialDate:
        return PartialDate(self.birth_year, self.birth_month)


class ReferredBy(models.TextChoices):
    """JDV_PatientAdressePar (SDM-MR 2024.01)."""

    SELF = "ORG-019", _("Venu de lui-même")
    PATIENT_ASSOCIATION = "ORG-020", _("Association de patients")
    COMMUNITY_PAEDIATRICIAN = "ORG-021", _("Pédiatre de ville")
    HOSPITAL_PAEDIATRICIAN = "ORG-022", _("Pédiatre hospitalier")
    PMI = "ORG-023", _("PMI")
    OTHER_SPECIALIST = "GEN-092.05.02", _("Autre spécialiste")
    CARE_SITE = "ORG-025", _("Site de prise en charge")
    CPDPN = "ORG-026", _("CPDPN")
    CRMR = "ORG-182", _("CRMR")
    CCMR = "ORG-183", _("CCMR")
    OTHER_PERSON = "GEN-092.05.01", _("Autre personne")
    GENERAL_PRACTICE = "G15_10/SM54", _("Médecine générale")
    MEDICAL_GENETICS = "G15_10/C72", _("Génétique médicale")
    GYNAECOLOGY = "G15_10/C23", _("Gynécologie-obstétrique")


class CareEpisode(models.Model):
    """A centre's follow-up of a patient (SDM-MR "prise en charge"); it grants the centre access."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_episodes")
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    inclusion_year = models.PositiveSmallIntegerField(_("année d'inclusion"))
    inclusion_month = models.PositiveSmallIntegerField(_("mois d'inclusion"), null=True, blank=True)
    inclusion_day = models.PositiveSmallIntegerField(_("jour d'inclusion"), null=True, blank=True)
    referring_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médecin référent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_by = models.JSONField(
        _("adressé par"), default=list, help_text=_("Codes du jeu de valeurs national.")
    )
    outside_labelled_scope = models.BooleanField(
        _("prise en charge hors labellisation du site"), default=False
    )
    ended_on = models.DateField(_("fin de suivi"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("épisode de soins", "prise en charge")
        verbose_name_plural = pgettext_lazy("épisode de soins", "prises en charge")
        ordering = ["inclusion_year", "inclusion_month", "inclusion_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "centre"],
                condition=models.Q(ended_on__isnull=True),
                name="care_episode_one_open_per_centre",
            ),
            partial_date_constraint("inclusion", "care_episode"),
        ]
        indexes = [
            models.Index(fields=["centre", "patient"], name="care_episode_centre_idx"),
            # The patients a centre follows today, read from the index alone (worklists).
            models.Index(
                fields=["centre", "patient"],
                condition=models.Q(ended_on__isnull=True),
                name="care_episode_open_centre_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} – {self.centre}"

    @property
    def inclusion_date(self) -> PartialDate:
        return PartialDate(self.inclusion_year, self.inclusion_month, self.inclusion_day)

    @property
    def referred_by_labels(self) -> list[str]:
        labels = dict(ReferredBy.choices)
        return [str(labels.get(code, code)) for code in self.referred_by]


class Consent(WithdrawableRecord):
    """One answer of the patient (or their legal representative), dated and versioned.

    Answers are never overwritten: a new answer is a new row, the latest one per kind applies.
    """

    class Kind(models.TextChoices):
        BNDMR_OPPOSITION = (
            "bndmr_opposition",
            _("Opposition à la réutilisation des données dans la BNDMR"),
        )
        ERN_REGISTRY = (
            "ern_registry",
            _("Consentement à la transmission au registre européen (ERN)"),
        )
        RESEARCH_CONTACT = "research_contact", _("Accord pour être contacté pour la recherche")
        RESEARCH_SAMPLE = "research_sample", _("Échantillon biologique donné pour la recherche")
        DIAGNOSTIC_SAMPLE = (
            "diagnostic_sample",
            _("Échantillon biologique pour le diagnostic moléculaire"),
        )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("objet"), max_length=20, choices=Kind.choices)
    answer = models.BooleanField(_("réponse"))
    answered_on = models.DateField(_("date"))
    information_version = models.CharField(_("version de l'information délivrée"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["kind", "-answered_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["patient", "kind", "-answered_on"], name="consent_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {'oui' if self.answer else 'non'}"


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
            ),
            models.CheckConstraint(
                condition=models.Q(is_index_case=True, kinship="") | models.Q(is_index_case=False),
                name="genetic_finding_kinship_only_for_relatives",
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
            ),
            models.CheckConstraint(
                condition=models.Q(hpo_id__regex=r"^HP:[0-9]{7}$"), name="phenotype_hpo_id_format"
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
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.sampled_on:%d/%m/%Y}"
