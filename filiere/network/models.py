from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.lib.identifiers import is_valid_finess


def validate_finess(value: str) -> None:
    if not is_valid_finess(value):
        raise ValidationError(
            _("Numéro FINESS invalide : 9 chiffres dont une clé de contrôle (Luhn)."),
            code="invalid_finess",
        )


class Region(models.TextChoices):
    """French regions by their INSEE code (code officiel géographique, 2016 regions)."""

    GUADELOUPE = "01", "Guadeloupe"
    MARTINIQUE = "02", "Martinique"
    GUYANE = "03", "Guyane"
    LA_REUNION = "04", "La Réunion"
    MAYOTTE = "06", "Mayotte"
    ILE_DE_FRANCE = "11", "Île-de-France"
    CENTRE_VAL_DE_LOIRE = "24", "Centre-Val de Loire"
    BOURGOGNE_FRANCHE_COMTE = "27", "Bourgogne-Franche-Comté"
    NORMANDIE = "28", "Normandie"
    HAUTS_DE_FRANCE = "32", "Hauts-de-France"
    GRAND_EST = "44", "Grand Est"
    PAYS_DE_LA_LOIRE = "52", "Pays de la Loire"
    BRETAGNE = "53", "Bretagne"
    NOUVELLE_AQUITAINE = "75", "Nouvelle-Aquitaine"
    OCCITANIE = "76", "Occitanie"
    AUVERGNE_RHONE_ALPES = "84", "Auvergne-Rhône-Alpes"
    PROVENCE_ALPES_COTE_D_AZUR = "93", "Provence-Alpes-Côte d'Azur"
    CORSE = "94", "Corse"


class Centre(ChoiceLabels, models.Model):
    """A site of the network: reference or competence centre, laboratory, blood establishment."""

    class Kind(models.TextChoices):
        CRMR_COORDINATING = "crmr_coordinating", _("CRMR – site coordonnateur")
        CRMR_CONSTITUENT = "crmr_constituent", _("CRMR – site constitutif")
        CCMR = "ccmr", _("Centre de compétence (CCMR)")
        CRC = "crc", _("Centre de ressources et de compétences (CRC)")
        LABORATORY = "laboratory", _("Laboratoire")
        BLOOD_ESTABLISHMENT = "blood_establishment", _("Site de l'établissement de sang")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    finess = models.CharField(
        _("numéro FINESS"), max_length=9, unique=True, validators=[validate_finess]
    )
    rd_site_code = models.CharField(
        _("code du site maladies rares"),
        max_length=20,
        blank=True,
        help_text=_("Code du site dans BaMaRa, utilisé par le set de données minimal."),
    )
    city = models.CharField(_("ville"), max_length=100)
    region = models.CharField(_("région"), max_length=2, choices=Region.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("centre de rattachement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    emergency_phone = models.CharField(
        _("téléphone d'urgence 24 h/24"),
        max_length=32,
        blank=True,
        help_text=_("Imprimé sur les cartes de soins des patients suivis."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finess__regex=r"^[0-9]{9}$"),
                name="centre_finess_is_9_digits",
                violation_error_message=_("Le numéro FINESS compte 9 chiffres."),
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="centre_not_its_own_parent",
                violation_error_message=_(
                    "Un centre ne peut pas être son propre centre de rattachement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        ancestor, visited = self.parent, set()
        while ancestor is not None and ancestor.pk not in visited:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("Un centre ne peut pas être rattaché à lui-même.")}
                )
            visited.add(ancestor.pk)
            ancestor = ancestor.parent


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("Clinicien")
    CENTRE_COORDINATOR = "centre_coordinator", _("Coordonnateur de centre")
    RCP_COORDINATOR = "rcp_coordinator", _("Coordonnateur de RCP")
    TRANSFUSION_SPECIALIST = "transfusion_specialist", _("Spécialiste en transfusion")
    DATA_MANAGER = "data_manager", _("Gestionnaire de données")
    NETWORK_COORDINATOR = "network_coordinator", _("Coordonnateur de la filière")
    AUDITOR = "auditor", _("Auditeur (lecture seule)")


class Membership(ChoiceLabels, models.Model):
    """A user's role at one centre; a user may hold several roles at several centres."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        ordering = ["centre__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre", "role"], name="membership_unique_role_per_centre"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.centre}"
