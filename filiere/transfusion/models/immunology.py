"""HLA typings and anti-HLA antibody screens with their beads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


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


class AntibodyScreen(ChoiceLabels, models.Model):
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
