"""Nomenclatures as versioned data: ORPHA, ICD-10, HGNC genes and their MANE transcripts, French
HPO, and their imports.

Codes are never typed into the code base: they come from an import, each import is recorded
with its version, and a code that disappears from a newer release is kept as obsolete (records
that used it stay readable).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class NomenclatureRelease(ChoiceLabels, models.Model):
    """One import of one nomenclature file."""

    class System(models.TextChoices):
        ORPHA = "orpha", "ORPHA"
        ICD10 = "icd10", "CIM-10"
        HGNC = "hgnc", "HGNC"
        HPO = "hpo", "HPO"
        HPO_FR = "hpo-fr", _("HPO (traduction française)")
        MANE = "mane", "MANE"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.CharField(_("nomenclature"), max_length=8, choices=System.choices)
    version = models.CharField(_("version"), max_length=100)
    source = models.CharField(_("source"), max_length=300)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added = models.PositiveIntegerField(_("codes ajoutés"), default=0)
    updated = models.PositiveIntegerField(_("codes modifiés"), default=0)
    obsoleted = models.PositiveIntegerField(_("codes devenus obsolètes"), default=0)

    class Meta:
        verbose_name = _("import de nomenclature")
        verbose_name_plural = _("imports de nomenclature")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "checksum"], name="nomenclature_release_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.version}"


class Icd10Code(models.Model):
    code = models.CharField(_("code CIM-10"), max_length=8, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=300, blank=True)
    label_en = models.CharField(_("libellé (anglais)"), max_length=300, blank=True)
    is_obsolete = models.BooleanField(_("obsolète"), default=False)
    last_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("code CIM-10")
        verbose_name_plural = _("codes CIM-10")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self.label_fr or self.label_en


class Gene(models.Model):
    symbol = models.CharField(_("symbole HGNC"), max_length=30, unique=True)
    hgnc_id = models.CharField(_("identifiant HGNC"), max_length=20, blank=True)
    ncbi_gene_id = models.CharField(_("identifiant NCBI Gene"), max_length=20, blank=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    is_obsolete = models.BooleanField(_("obsolète"), default=False)
    last_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("gène")
        verbose_name_plural = _("gènes")
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol


class Transcript(ChoiceLabels, models.Model):
    """A RefSeq transcript of a gene (MANE), with its lengths when known.

    The accession is kept without its version, so that a newer release moves the row forward
    instead of adding a second one; the lengths belong to the version stored.
    """

    class ManeStatus(models.TextChoices):
        SELECT = "MANE Select", "MANE Select"
        PLUS_CLINICAL = "MANE Plus Clinical", "MANE Plus Clinical"

    gene = models.ForeignKey(
        Gene, verbose_name=_("gène"), on_delete=models.PROTECT, related_name="transcripts"
    )
    accession = models.CharField(
        _("transcrit RefSeq"), max_length=20, unique=True, help_text=_("Sans version : NM_000212")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    protein_accession = models.CharField(_("protéine RefSeq"), max_length=20, blank=True)
    ensembl_transcript = models.CharField(_("transcrit Ensembl"), max_length=30, blank=True)
    mane_status = models.CharField(
        _("statut MANE"), max_length=20, choices=ManeStatus.choices, blank=True
    )
    cds_length = models.PositiveIntegerField(
        _("longueur codante (nucléotides)"),
        null=True,
        blank=True,
        help_text=_("Codon stop compris : 3 × (acides aminés + 1)."),
    )
    protein_length = models.PositiveIntegerField(
        _("longueur de la protéine (acides aminés)"), null=True, blank=True
    )
    last_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("transcrit")
        verbose_name_plural = _("transcrits")
        ordering = ["gene__symbol", "accession"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accession__regex=r"^N[MR]_[0-9]+$"),
                name="transcript_refseq_accession_without_version",
                violation_error_message=_(
                    "L'accession RefSeq du transcrit s'écrit NM_ ou NR_ suivi de chiffres, sans "
                    "version."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(cds_length__isnull=True)
                | models.Q(protein_length__isnull=True)
                | models.Q(cds_length=models.F("protein_length") * 3 + 3),
                name="transcript_cds_codes_the_protein_and_its_stop",
                violation_error_message=_(
                    "La longueur codante vaut trois fois la longueur de la protéine, plus le codon "
                    "stop."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gene} {self.versioned}"

    @property
    def versioned(self) -> str:
        return f"{self.accession}.{self.version}"


class OrphaConcept(ChoiceLabels, models.Model):
    """An Orphanet entity: a group of disorders, a disorder or a subtype."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Groupe")
        DISORDER = "disorder", _("Maladie")
        SUBTYPE = "subtype", _("Sous-type")

    code = models.PositiveIntegerField(_("code ORPHA"), unique=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=300, blank=True)
    name_fr = models.CharField(_("nom (français)"), max_length=300, blank=True)
    # Both names lowercased and without accents (filiere.lib.names.search_key), written by the
    # import: "thrombasthenie" must find "Thrombasthénie", on SQLite as on PostgreSQL.
    search_key = models.CharField(_("clé de recherche"), max_length=601, blank=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, blank=True)
    is_obsolete = models.BooleanField(_("obsolète"), default=False)
    parents = models.ManyToManyField("self", symmetrical=False, related_name="children", blank=True)
    genes = models.ManyToManyField(Gene, related_name="orpha_concepts", blank=True)
    first_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+", null=True
    )
    last_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("code ORPHA")
        verbose_name_plural = _("codes ORPHA")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"ORPHA:{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_fr or self.name_en

    @property
    def curie(self) -> str:
        return f"ORPHA:{self.code}"


class DiseaseGroup(models.Model):
    """A disease group of the network (its own configuration), defined by ORPHA roots."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    orpha_roots = models.ManyToManyField(
        OrphaConcept,
        verbose_name=_("codes ORPHA racines"),
        related_name="disease_groups",
        blank=True,
        help_text=_("Le groupe comprend ces codes et tous leurs descendants."),
    )
    icd10_prefixes = models.CharField(
        _("préfixes CIM-10"),
        max_length=200,
        blank=True,
        help_text=_("Séparés par des virgules, par exemple D66, D67."),
    )

    class Meta:
        verbose_name = _("groupe de maladies")
        verbose_name_plural = _("groupes de maladies")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class HpoFrenchLabel(models.Model):
    """The official French label of an HPO term (the English one comes from hpo3).

    The HPO licence forbids altering its content: labels are stored as published.
    """

    hpo_id = models.CharField(_("terme HPO"), max_length=10, unique=True)
    label = models.CharField(_("libellé (français)"), max_length=300)
    definition = models.TextField(_("définition (français)"), blank=True)
    is_obsolete = models.BooleanField(_("obsolète"), default=False)
    last_release = models.ForeignKey(
        NomenclatureRelease, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("libellé HPO français")
        verbose_name_plural = _("libellés HPO français")
        ordering = ["hpo_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hpo_id__regex=r"^HP:[0-9]{7}$"),
                name="hpo_french_label_id_format",
                violation_error_message=_("Le terme HPO s'écrit HP: suivi de 7 chiffres."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hpo_id} {self.label}"


class HpoFrenchName(ChoiceLabels, models.Model):
    """A French name to search an HPO term by: its official label, or a synonym (an exact
    synonym, or a wording the translators have not made official yet; never shown as a label).

    ``folded`` is the name without accents or case (``filiere.lib.names.search_key``), indexed
    so that a search does not fold every row at query time.
    """

    class Kind(models.TextChoices):
        LABEL = "label", _("libellé")
        SYNONYM = "synonym", _("synonyme")

    hpo_id = models.CharField(_("terme HPO"), max_length=10)
    name = models.CharField(_("nom"), max_length=300)
    folded = models.CharField(_("nom normalisé"), max_length=300, db_index=True)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = _("nom HPO français")
        verbose_name_plural = _("noms HPO français")
        ordering = ["hpo_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hpo_id", "name"], name="hpo_french_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.hpo_id} {self.name}"
