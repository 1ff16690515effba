"""The network's public directory: each centre's published profile and the diagnostic tests.

A centre's coordinator edits a draft; the network coordinator publishes it. Publishing copies
the draft into ``published`` (what the public pages and the open-data export read), so that an
edit in progress never shows to the public. The centre's address, phone and e-mail are the
centre's own (``network.Centre``), never copied here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.network.models import Centre
from filiere.nomenclature.models import OrphaConcept


class Publishable(models.Model):
    """The draft-and-publish columns shared by a centre's profile and a diagnostic test."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(_("brouillon modifié le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The published version, as shown to the public: written by the publish service only.
    published = models.JSONField(_("version publiée"), default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The published words lowercased and without accents (filiere.lib.names.search_key), so that
    # "hemostase" finds "Hémostase" on SQLite as on PostgreSQL.
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def draft_is_newer(self) -> bool:
        """The draft holds changes the public does not see yet."""
        return self.published_at is None or self.updated_at > self.published_at


class CentreProfile(Publishable):
    """A centre's page in the public directory: presentation, team, diseases followed."""

    centre = models.OneToOneField(
        Centre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="directory_profile",
    )
    presentation = models.TextField(_("présentation"), blank=True)
    diseases = models.ManyToManyField(
        OrphaConcept, verbose_name=_("maladies suivies"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fiche de centre de l'annuaire")
        verbose_name_plural = _("fiches de centre de l'annuaire")
        ordering = ["centre__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | ~models.Q(search_text=""),
                name="directory_profile_published_is_searchable",
                violation_error_message=_("Une fiche publiée a un texte de recherche."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.centre)


class TeamMember(models.Model):
    """A professional of the centre, shown publicly by design (never a patient)."""

    profile = models.ForeignKey(CentreProfile, on_delete=models.CASCADE, related_name="team")
    position = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200)
    specialty = models.CharField(_("spécialité"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("membres de l'équipe")
        ordering = ["profile", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "position"], name="directory_team_member_unique_position"
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="directory_team_member_has_a_name",
                violation_error_message=_("Équipe : chaque membre a un nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DiagnosticTest(Publishable):
    """A diagnostic test offered by a laboratory of the network (or named by its coordinator)."""

    laboratory = models.ForeignKey(
        Centre,
        verbose_name=_("laboratoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostic_tests",
    )
    laboratory_name = models.CharField(
        _("laboratoire (hors réseau)"),
        max_length=200,
        blank=True,
        help_text=_("Le nom du laboratoire lorsqu'il n'est pas un centre du réseau."),
    )
    name = models.CharField(_("examen"), max_length=200)
    indications = models.ManyToManyField(
        OrphaConcept, verbose_name=_("indications"), blank=True, related_name="+"
    )
    indication_text = models.CharField(
        _("indication (précisions)"),
        max_length=300,
        blank=True,
        help_text=_("En clair, ce que les codes ORPHA ne disent pas."),
    )
    sample = models.CharField(_("prélèvement"), max_length=300)
    turnaround = models.CharField(_("délai de rendu"), max_length=100)
    how_to_send = models.TextField(_("modalités d'envoi"))
    contact = models.CharField(_("contact"), max_length=300)

    class Meta:
        verbose_name = _("examen diagnostique")
        verbose_name_plural = _("examens diagnostiques")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(laboratory__isnull=False) | ~models.Q(laboratory_name=""),
                name="directory_test_has_a_laboratory",
                violation_error_message=_(
                    "Laboratoire : choisissez un centre du réseau ou indiquez son nom."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | ~models.Q(search_text=""),
                name="directory_test_published_is_searchable",
                violation_error_message=_("Un examen publié a un texte de recherche."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def laboratory_label(self) -> str:
        return self.laboratory.name if self.laboratory is not None else self.laboratory_name
