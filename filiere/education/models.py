"""Therapeutic patient education (ETP): programmes authorised by the regional health agency,
their team, their sessions with the workshops held, participants and workshop evaluations.

A participant is either a registry patient (a foreign key: the identity stays in the identity
app, shown only to the treating team) or a relative, of whom only the first name and the
relation are kept.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from filiere.network.models import Centre
from filiere.nomenclature.models import OrphaConcept
from filiere.patients.models import Patient

# The workshop questionnaire: each item scored from 1 (pas du tout) to 4 (tout à fait).
SCORE_MIN, SCORE_MAX = 1, 4
QUESTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("expectations", _("L'atelier a répondu à mes attentes")),
    ("clarity", _("Les informations données étaient claires")),
    ("usefulness", _("Je me sens plus à l'aise pour vivre avec ma maladie au quotidien")),
    ("recommend", _("Je recommanderais cet atelier")),
)


class Programme(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        ACTIVE = "active", _("Actif")
        CLOSED = "closed", _("Arrêté")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200)
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    diseases = models.ManyToManyField(
        OrphaConcept, verbose_name=_("maladies"), related_name="+", blank=True
    )
    ars_number = models.CharField(_("numéro d'autorisation ARS"), max_length=60, blank=True)
    ars_authorised_on = models.DateField(_("date d'autorisation ARS"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("programme d'ETP")
        verbose_name_plural = _("programmes d'ETP")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "closed"]),
                name="etp_programme_status_known",
                violation_error_message=_("État du programme inconnu."),
            ),
            models.UniqueConstraint(fields=["centre", "title"], name="etp_programme_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Workshop(models.Model):
    """A workshop of the programme (« Gestion des saignements »…), offered at its sessions."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="workshops"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("atelier"), max_length=200)

    class Meta:
        verbose_name = _("atelier d'ETP")
        verbose_name_plural = _("ateliers d'ETP")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="etp_workshop_position"),
            models.UniqueConstraint(fields=["programme", "title"], name="etp_workshop_title"),
        ]

    def __str__(self) -> str:
        return self.title


class TeamMember(ChoiceLabels, models.Model):
    """A member of the educational team: a user of the network or a person from outside."""

    class Profile(models.TextChoices):
        PROFESSIONAL = "professional", _("Professionnel de santé")
        RESOURCE_PARENT = "resource_parent", _("Parent ressource")
        ASSOCIATION = "association", _("Représentant d'association de patients")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre du réseau"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    full_name = models.CharField(_("nom"), max_length=200, blank=True)
    profile = models.CharField(_("profil"), max_length=20, choices=Profile.choices)
    specialty = models.CharField(_("spécialité"), max_length=120, blank=True)
    organisation = models.CharField(_("association ou structure"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membre de l'équipe éducative")
        verbose_name_plural = _("membres de l'équipe éducative")
        ordering = ["programme", "profile", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, full_name="")
                | Q(user__isnull=True) & ~Q(full_name=""),
                name="etp_team_member_user_or_name",
                violation_error_message=_(
                    "Membre : choisissez un membre du réseau ou indiquez le nom d'une personne "
                    "extérieure, pas les deux."
                ),
            ),
            models.CheckConstraint(
                condition=Q(profile__in=["professional", "resource_parent", "association"]),
                name="etp_team_member_profile_known",
                violation_error_message=_("Profil du membre inconnu."),
            ),
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=Q(user__isnull=False),
                name="etp_team_member_once",
                violation_error_message=_("Membre : déjà dans l'équipe de ce programme."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.full_name


class Session(ChoiceLabels, models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("Présentiel")
        REMOTE = "remote", _("Distanciel")
        MIXED = "mixed", _("Mixte")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    workshops = models.ManyToManyField(
        Workshop, verbose_name=_("ateliers tenus"), related_name="sessions"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("séance d'ETP")
        verbose_name_plural = _("séances d'ETP")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["in_person", "remote", "mixed"]),
                name="etp_session_format_known",
                violation_error_message=_("Format de séance inconnu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.held_on:%d/%m/%Y}"


class Participant(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        PATIENT = "patient", _("Patient du registre")
        RELATIVE = "relative", _("Proche")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        Session, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    patient = models.ForeignKey(
        Patient,
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_name = models.CharField(_("prénom du proche"), max_length=100, blank=True)
    relation = models.CharField(_("lien avec le patient"), max_length=100, blank=True)
    consent_on = models.DateField(_("consentement recueilli le"))
    attended = models.BooleanField(_("présent"), default=False)

    class Meta:
        verbose_name = _("participant à une séance d'ETP")
        verbose_name_plural = _("participants à une séance d'ETP")
        ordering = ["session", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="patient", patient__isnull=False, first_name="", relation="")
                | Q(kind="relative", patient__isnull=True) & ~Q(first_name="") & ~Q(relation=""),
                name="etp_participant_patient_or_relative",
                violation_error_message=_(
                    "Participant : un patient du registre, ou un proche avec son prénom et son "
                    "lien avec le patient."
                ),
            ),
            models.UniqueConstraint(
                fields=["session", "patient"],
                condition=Q(patient__isnull=False),
                name="etp_participant_patient_once",
                violation_error_message=_("Patient : déjà inscrit à cette séance."),
            ),
            models.UniqueConstraint(
                fields=["session", "first_name", "relation"],
                condition=Q(kind="relative"),
                name="etp_participant_relative_once",
                violation_error_message=_("Prénom du proche : déjà inscrit à cette séance."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.patient) if self.patient_id else f"{self.first_name} ({self.relation})"


class Evaluation(models.Model):
    """One participant's answers to one workshop's questionnaire."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.PROTECT, related_name="evaluations"
    )
    expectations = models.PositiveSmallIntegerField(QUESTIONS[0][1])
    clarity = models.PositiveSmallIntegerField(QUESTIONS[1][1])
    usefulness = models.PositiveSmallIntegerField(QUESTIONS[2][1])
    recommend = models.PositiveSmallIntegerField(QUESTIONS[3][1])
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("évaluation d'atelier")
        verbose_name_plural = _("évaluations d'atelier")
        ordering = ["workshop", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "workshop"], name="etp_evaluation_once"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{key}__gte": SCORE_MIN, f"{key}__lte": SCORE_MAX}),
                    name=f"etp_evaluation_{key}_1_to_4",
                    violation_error_message=_("Les réponses se notent de 1 à 4."),
                )
                for key, _label in QUESTIONS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} – {self.participant}"

    def scores(self) -> list[int]:
        return [getattr(self, key) for key, _label in QUESTIONS]
