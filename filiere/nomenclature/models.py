"""Nomenclatures as versioned data: ORPHA, ICD-10 and HGNC gene tables, and their imports.

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


class NomenclatureRelease(models.Model):
    """One import of one nomenclature file."""

    class System(models.TextChoices):
        ORPHA = "orpha", "ORPHA"
        ICD10 = "icd10", "CIM-10"
        HGNC = "hgnc", "HGNC"

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


class OrphaConcept(models.Model):
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
