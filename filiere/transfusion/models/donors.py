"""The donor pool: its imports, the eplet releases and the donors."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.network.models import Region
from filiere.transfusion.models.transfusions import AboGroup, HpaGenotype


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


class Donor(ChoiceLabels, models.Model):
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
