"""The network's national guidelines (PNDS) and its action plan.

A PNDS project moves through the HAS steps (``GuidelineProject.Status``, in order); every change
of step is kept in ``StatusChange`` with its date and author, so that the activity report can
read where each project stood at the end of a year. Document versions are a label, a date and a
note: the files themselves stay in the network's shared drive.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.nomenclature.models import OrphaConcept


class GuidelineProject(ChoiceLabels, models.Model):
    """A PNDS, led by the network or written by another network with its participation."""

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("En préparation")
        DRAFTING = "drafting", _("Rédaction")
        REVIEW = "review", _("Relecture")
        SUBMITTED = "submitted", _("Soumis à la HAS")
        PUBLISHED = "published", _("Publié HAS")
        UPDATE_PLANNED = "update_planned", _("Mise à jour prévue")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=300)
    diseases = models.ManyToManyField(
        OrphaConcept, verbose_name=_("maladies"), blank=True, related_name="+"
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordonnateurs (membres du réseau)"),
        blank=True,
        related_name="coordinated_guidelines",
    )
    external_coordinators = models.TextField(
        _("coordonnateurs (hors réseau)"), blank=True, help_text=_("Un nom par ligne.")
    )
    status = models.CharField(
        _("étape"), max_length=20, choices=Status.choices, default=Status.PREPARATION
    )
    target_date = models.DateField(_("date cible"), null=True, blank=True)
    led_by_network = models.BooleanField(_("porté par la filière"), default=True)
    other_network = models.CharField(_("filière porteuse"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("projet de PNDS")
        verbose_name_plural = _("projets de PNDS")
        ordering = ["target_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(led_by_network=True) | ~models.Q(other_network=""),
                name="guideline_participation_names_the_network",
                violation_error_message=_(
                    "Filière porteuse : indiquez la filière qui porte le PNDS."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(title=""),
                name="guideline_has_a_title",
                violation_error_message=_("Titre : indiquez le titre du PNDS."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def external_coordinator_names(self) -> list[str]:
        return [name.strip() for name in self.external_coordinators.splitlines() if name.strip()]


class StatusChange(ChoiceLabels, models.Model):
    """One step of a project's history: the status it entered, when and by whom."""

    project = models.ForeignKey(
        GuidelineProject, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("étape"), max_length=20, choices=GuidelineProject.Status.choices)
    changed_at = models.DateTimeField(_("date"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["project", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} : {self.get_status_display()}"


class WorkingGroup(models.Model):
    project = models.ForeignKey(GuidelineProject, on_delete=models.CASCADE, related_name="groups")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    lead = models.CharField(_("responsable"), max_length=200)

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="guideline_group_unique_number",
                violation_error_message=_("Numéro : ce projet a déjà un groupe de ce numéro."),
            ),
        ]

    def __str__(self) -> str:
        return f"GT{self.number} — {self.title}"


class GroupMember(models.Model):
    """A member of a working group: name and profile (specialty, or patient representative)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("nom"), max_length=200)
    profile = models.CharField(_("profil ou spécialité"), max_length=200)

    class Meta:
        verbose_name = _("membre du groupe")
        verbose_name_plural = _("membres du groupe")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "position"], name="guideline_member_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMeeting(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("compte rendu"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("réunion du groupe")
        verbose_name_plural = _("réunions du groupe")
        ordering = ["group", "-held_on"]

    def __str__(self) -> str:
        return f"{self.group} — {self.held_on:%d/%m/%Y}"


class DocumentVersion(models.Model):
    project = models.ForeignKey(GuidelineProject, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("version"), max_length=100)
    dated = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version du document")
        verbose_name_plural = _("versions du document")
        ordering = ["project", "-dated", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "label"],
                name="guideline_version_unique_label",
                violation_error_message=_("Version : ce libellé existe déjà pour ce projet."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class PlanAction(ChoiceLabels, models.Model):
    """An action of the network's action plan (the national plan's actions, followed here)."""

    class Status(models.TextChoices):
        TO_START = "to_start", _("À lancer")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Fait")
        ABANDONED = "abandoned", _("Abandonné")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    title = models.CharField(_("intitulé"), max_length=300)
    working_group = models.CharField(_("groupe de travail"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pilote"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.TO_START
    )
    indicators = models.TextField(_("indicateurs"), blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)

    class Meta:
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions du plan")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(number="") & ~models.Q(title=""),
                name="plan_action_has_number_and_title",
                violation_error_message=_("Une action a un numéro et un intitulé."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"
