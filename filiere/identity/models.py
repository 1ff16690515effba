"""Identity traits, kept apart from clinical data.

The identity table is linked to the registry's patient by a random UUID (``Patient.identity_link``),
not by a foreign key: clinical tables never reference it, pages that do not need identity never
join it, and it could move to a database of its own without touching clinical code.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels


class Sex(models.TextChoices):
    FEMALE = "F", _("Féminin")
    MALE = "M", _("Masculin")
    UNKNOWN = "U", _("Indéterminé")


class Identity(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        # The four identity statuses of the national identity-vigilance rules (RNIV).
        PROVISIONAL = "provisional", _("Identité provisoire")
        RECOVERED = "recovered", _("Identité récupérée")
        VALIDATED = "validated", _("Identité validée")
        QUALIFIED = "qualified", _("Identité qualifiée")

    link = models.UUIDField(_("lien patient"), unique=True, editable=False)
    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    birth_first_names = models.CharField(
        _("prénoms de naissance"), max_length=200, help_text=_("Tous les prénoms de l'acte.")
    )
    first_given_name = models.CharField(_("premier prénom de naissance"), max_length=100)
    used_name = models.CharField(_("nom utilisé"), max_length=100, blank=True)
    used_first_name = models.CharField(_("prénom utilisé"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_place_insee = models.CharField(
        _("lieu de naissance (code INSEE)"),
        max_length=5,
        blank=True,
        help_text=_("Code officiel géographique de la commune, ou 99xxx pour un pays étranger."),
    )
    ins_matricule = models.CharField(_("matricule INS"), max_length=15, blank=True)
    ins_oid = models.CharField(_("OID du matricule INS"), max_length=40, blank=True)
    status = models.CharField(
        _("statut de l'identité"), max_length=12, choices=Status.choices, default=Status.PROVISIONAL
    )
    ipp = models.CharField(_("IPP (identifiant local)"), max_length=40, blank=True)
    ipp_finess = models.CharField(_("FINESS de l'IPP"), max_length=9, blank=True)
    multiple_birth = models.BooleanField(_("naissance multiple"), null=True, blank=True)
    search_key = models.CharField(max_length=400, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("identité")
        verbose_name_plural = _("identités")
        db_table = "identity_traits"
        constraints = [
            models.UniqueConstraint(
                fields=["ins_matricule", "ins_oid"],
                condition=~models.Q(ins_matricule=""),
                name="identity_one_record_per_ins",
                violation_error_message=_(
                    "Ce matricule INS est déjà celui d'un autre patient du registre."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ins_matricule="")
                | models.Q(ins_matricule__regex=r"^[0-9AB]{15}$"),
                name="identity_ins_is_15_characters",
                violation_error_message=_(
                    "Le matricule INS compte 15 caractères (chiffres, 2A ou 2B)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["birth_date", "sex"], name="identity_birth_sex_idx")]

    def __str__(self) -> str:
        return (
            f"{self.used_name or self.birth_name} {self.used_first_name or self.first_given_name}"
        )


class DuplicateSuspicion(ChoiceLabels, models.Model):
    """Two identities that may be the same person; a data manager merges or dismisses them."""

    class Reason(models.TextChoices):
        SAME_INS = "same_ins", _("Même matricule INS")
        SAME_TRAITS = "same_traits", _("Mêmes traits d'identité")

    class Status(models.TextChoices):
        OPEN = "open", _("À examiner")
        MERGED = "merged", _("Fusionnés")
        DISMISSED = "dismissed", _("Écartés (personnes différentes)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_link = models.UUIDField()
    second_link = models.UUIDField()
    reason = models.CharField(_("motif"), max_length=12, choices=Reason.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    detected_at = models.DateTimeField(_("détecté le"), default=timezone.now)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("doublon potentiel")
        verbose_name_plural = _("doublons potentiels")
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_link", "second_link"], name="duplicate_pair_flagged_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(first_link=models.F("second_link")),
                name="duplicate_pair_of_two_identities",
                violation_error_message=_(
                    "Un doublon potentiel réunit deux identités différentes."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"
