"""Meeting series (one RCP stream), their staff and permanent members, invited physicians."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.models import ChoiceLabels

Specialty = User.Specialty

# Specialties whose holders are not physicians: present, they do not count for the quorum.
NON_PHYSICIAN_SPECIALTIES = frozenset(
    {
        Specialty.NURSING,
        Specialty.COORDINATION,
        Specialty.DATA,
        Specialty.PHARMACY,
        Specialty.OTHER,
    }
)


def usual_start_time() -> dt.time:
    # A callable: Django warns (fields.W161) about a fixed time default whenever its checks run
    # within seconds of that time of day, which once failed a deploy check at 16:00.
    return dt.time(16, 0)


class MeetingSeries(models.Model):
    """One RCP stream organised by a centre (e.g. "RCP Pathologies plaquettaires")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    centre = models.ForeignKey(
        "network.Centre",
        verbose_name=_("centre organisateur"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description et charte"), blank=True)
    required_specialties = models.JSONField(
        _("spécialités requises au quorum"),
        default=list,
        help_text=_("Les spécialités qui doivent être présentes pour qu'un avis soit valide."),
    )
    minimum_specialties = models.PositiveSmallIntegerField(
        _("nombre minimal de spécialités différentes"), default=3
    )
    default_start_time = models.TimeField(_("heure habituelle"), default=usual_start_time)
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("durée habituelle (minutes)"), default=90
    )
    default_slot_minutes = models.PositiveSmallIntegerField(
        _("durée d'un dossier (minutes)"), default=10
    )
    default_video_link = models.URLField(_("lien de visioconférence habituel"), blank=True)
    # A series run as a continuing-education (DPC) programme: its reference and organisation
    # are printed on every attendance certificate of its meetings.
    dpc_programme_reference = models.CharField(
        _("référence du programme de DPC"),
        max_length=40,
        blank=True,
        help_text=_("Numéro du programme enregistré auprès de l'ANDPC, s'il y en a un."),
    )
    dpc_organisation = models.CharField(
        _("organisme de DPC"),
        max_length=200,
        blank=True,
        help_text=_("L'organisme qui porte le programme et délivre l'attestation officielle."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("série de RCP")
        verbose_name_plural = _("séries de RCP")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "name"], name="series_name_unique_per_centre"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_specialties__gte=3),
                name="series_quorum_at_least_three_specialties",
                violation_error_message=_("Le quorum compte au moins trois spécialités."),
            ),
            models.CheckConstraint(
                condition=models.Q(dpc_organisation="") | ~models.Q(dpc_programme_reference=""),
                name="series_dpc_organisation_has_programme",
                violation_error_message=_(
                    "Un organisme de DPC s'indique avec la référence de son programme."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(default_duration_minutes__gt=0, default_slot_minutes__gt=0),
                name="series_durations_positive",
                violation_error_message=_(
                    "La durée d'une réunion et celle d'un créneau sont positives."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def required_specialty_labels(self) -> list[str]:
        labels = dict(Specialty.choices)
        return [str(labels.get(code, code)) for code in self.required_specialties]


class SeriesMember(ChoiceLabels, models.Model):
    """A person attached to a series: coordinator, secretariat or permanent expert."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordonnateur")
        SECRETARY = "secretary", _("Secrétariat")
        EXPERT = "expert", _("Expert (membre permanent)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.PROTECT,
        related_name="rcp_series_roles",
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membre d'une série de RCP")
        verbose_name_plural = _("membres des séries de RCP")
        ordering = ["role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "user", "role"], name="series_member_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


STAFF_ROLES = (SeriesMember.Role.COORDINATOR, SeriesMember.Role.SECRETARY)


class ExternalInvitation(models.Model):
    """An invitation link for a physician outside the network: a limited account, no centre.

    Only the SHA-256 digest of the link's token is stored.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="invitations")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("réunion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rcp_invitations"
    )
    institution = models.CharField(_("établissement"), max_length=200, blank=True)
    may_submit_cases = models.BooleanField(_("peut soumettre des dossiers"), default=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation d'un médecin extérieur")
        verbose_name_plural = _("invitations de médecins extérieurs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
                violation_error_message=_("L'invitation expire après sa création."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.series})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
