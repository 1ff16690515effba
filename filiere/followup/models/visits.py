"""Follow-up visits, the expected rhythm of visits and each patient's next due date."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels, WithdrawableRecord
from filiere.exports.sdm_mr.value_sets import ActivityContext, ActivityObjective


class DiseaseSeverity(models.TextChoices):
    """The form of the disease, as the follow-up rhythm depends on it (FranceCoag's rules)."""

    MILD = "mild", _("Forme mineure")
    MODERATE = "moderate", _("Forme modérée")
    SEVERE = "severe", _("Forme sévère")


SEVERITY_HELP = _(
    "Hémophilie : selon le taux de facteur (sévère < 1 %, modérée 1–5 %, mineure 5–40 %) ; "
    "autres maladies : selon le phénotype hémorragique."
)


def _between(field: str, low: float, high: float) -> models.Q:
    return models.Q(**{f"{field}__isnull": True}) | models.Q(
        **{f"{field}__gte": low, f"{field}__lte": high}
    )


class Visit(WithdrawableRecord):
    """A dated follow-up visit at a centre; it is also a national-dataset activity (SDM-MR)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="followup_visits"
    )
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("date de la visite"))
    context = models.CharField(
        _("contexte de l'activité"),
        max_length=16,
        choices=ActivityContext.choices(),
        default=ActivityContext.CONSULTATION.code,
        help_text=_("Jeu de valeurs national JDV_ContexteActivite."),
    )
    objective = models.CharField(
        _("objectif de l'activité"),
        max_length=16,
        choices=ActivityObjective.choices(),
        default=ActivityObjective.FOLLOW_UP.code,
        help_text=_("Jeu de valeurs national JDV_ObjectifActivite."),
    )
    period_start = models.DateField(
        _("début de la période décrite"),
        null=True,
        blank=True,
        help_text=_("En général la date de la visite précédente."),
    )
    severity = models.CharField(
        _("forme de la maladie"),
        max_length=10,
        choices=DiseaseSeverity.choices,
        blank=True,
        help_text=SEVERITY_HELP,
    )
    weight_kg = models.DecimalField(
        _("poids (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("taille (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    platelet_count = models.DecimalField(
        _("plaquettes (G/L)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    mean_platelet_volume = models.DecimalField(
        _("volume plaquettaire moyen (fL)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    haemoglobin = models.DecimalField(
        _("hémoglobine (g/dL)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    factor_viii = models.DecimalField(
        _("facteur VIII (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    factor_ix = models.DecimalField(
        _("facteur IX (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    vwf_activity = models.DecimalField(
        _("activité du facteur Willebrand (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    other_results = models.TextField(_("autres résultats"), blank=True)
    major_events = models.TextField(
        _("événements majeurs de la période"),
        blank=True,
        help_text=_("Chirurgie, grossesse, hospitalisation, événement indésirable grave…"),
    )
    to_complete = models.BooleanField(_("à compléter"), default=False)
    missing_data = models.TextField(_("données manquantes"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visite de suivi")
        verbose_name_plural = _("visites de suivi")
        ordering = ["-visited_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_start__lte=models.F("visited_on")),
                name="visit_period_starts_before_the_visit",
                violation_error_message=_(
                    "La période décrite commence au plus tard le jour de la visite."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(to_complete=True) | models.Q(missing_data=""),
                name="visit_missing_data_only_when_to_complete",
                violation_error_message=_(
                    "Des données manquantes ne se notent que pour une visite à compléter."
                ),
            ),
            models.CheckConstraint(
                condition=_between("weight_kg", 0.3, 400),
                name="visit_weight_plausible",
                violation_error_message=_(
                    "Poids : valeur invraisemblable, attendue entre 0,3 et 400 kg."
                ),
            ),
            models.CheckConstraint(
                condition=_between("height_cm", 20, 250),
                name="visit_height_plausible",
                violation_error_message=_(
                    "Taille : valeur invraisemblable, attendue entre 20 et 250 cm."
                ),
            ),
            models.CheckConstraint(
                condition=_between("platelet_count", 0, 2000),
                name="visit_platelets_plausible",
                violation_error_message=_(
                    "Numération plaquettaire : valeur invraisemblable, attendue entre 0 et 2 000 "
                    "G/L."
                ),
            ),
            models.CheckConstraint(
                condition=_between("mean_platelet_volume", 3, 30),
                name="visit_mpv_plausible",
                violation_error_message=_(
                    "Volume plaquettaire moyen : valeur invraisemblable, attendue entre 3 et 30 fL."
                ),
            ),
            models.CheckConstraint(
                condition=_between("haemoglobin", 2, 25),
                name="visit_haemoglobin_plausible",
                violation_error_message=_(
                    "Hémoglobine : valeur invraisemblable, attendue entre 2 et 25 g/dL."
                ),
            ),
            models.CheckConstraint(
                condition=_between("factor_viii", 0, 400),
                name="visit_factor_viii_plausible",
                violation_error_message=_(
                    "Facteur VIII : valeur invraisemblable, attendue entre 0 et 400 %%."
                ),
            ),
            models.CheckConstraint(
                condition=_between("factor_ix", 0, 400),
                name="visit_factor_ix_plausible",
                violation_error_message=_(
                    "Facteur IX : valeur invraisemblable, attendue entre 0 et 400 %%."
                ),
            ),
            models.CheckConstraint(
                condition=_between("vwf_activity", 0, 400),
                name="visit_vwf_plausible",
                violation_error_message=_(
                    "Activité VWF : valeur invraisemblable, attendue entre 0 et 400 %%."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-visited_on"], name="visit_patient_date_idx"),
            models.Index(fields=["centre", "-visited_on"], name="visit_centre_date_idx"),
            # The data managers' "visits to complete" (home page and list): a few rows among
            # millions, found without reading the others.
            models.Index(
                fields=["centre", "visited_on"],
                condition=models.Q(to_complete=True, withdrawn_at__isnull=True),
                name="visit_to_complete_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%d/%m/%Y} {self.get_context_display()}"


class FollowUpRule(ChoiceLabels, models.Model):
    """The expected interval between visits for a disease group (and a form of the disease).

    A rule without a form applies to every form of the group; a network coordinator sets them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    disease_group = models.ForeignKey(
        "nomenclature.DiseaseGroup",
        verbose_name=_("groupe de maladies"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    severity = models.CharField(
        _("forme"),
        max_length=10,
        choices=DiseaseSeverity.choices,
        blank=True,
        help_text=_("Vide : toutes les formes."),
    )
    interval_months = models.PositiveSmallIntegerField(_("intervalle entre deux visites (mois)"))
    note = models.CharField(_("source ou remarque"), max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rythme de suivi")
        verbose_name_plural = _("rythmes de suivi")
        ordering = ["disease_group__position", "severity"]
        constraints = [
            models.UniqueConstraint(
                fields=["disease_group", "severity"], name="followup_rule_once_per_group_and_form"
            ),
            models.CheckConstraint(
                condition=models.Q(interval_months__gte=1, interval_months__lte=120),
                name="followup_rule_interval_1_to_120_months",
                violation_error_message=_(
                    "L'intervalle entre deux visites est compris entre 1 et 120 mois."
                ),
            ),
        ]

    def __str__(self) -> str:
        form = self.get_severity_display() if self.severity else _("toutes formes")
        return f"{self.disease_group} ({form}) : {self.interval_months} mois"


class FollowUpSchedule(ChoiceLabels, models.Model):
    """A patient's next expected visit, derived from the visits and the rules.

    Derived data, kept so that a centre's overdue worklist is one indexed query: the visit and
    rule services refresh it, and ``filiere followup refresh`` recomputes every row (run it
    daily, so that diagnoses changed in the registry are taken into account).
    """

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="followup_schedule"
    )
    last_visit_on = models.DateField(_("dernière visite"), null=True, blank=True)
    anchor_on = models.DateField(_("point de départ"))
    interval_months = models.PositiveSmallIntegerField(_("intervalle (mois)"))
    next_due_on = models.DateField(_("prochaine visite attendue"))
    disease_group = models.ForeignKey(
        "nomenclature.DiseaseGroup",
        verbose_name=_("groupe de maladies"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    severity = models.CharField(
        _("forme"), max_length=10, choices=DiseaseSeverity.choices, blank=True
    )
    rule = models.ForeignKey(
        FollowUpRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("échéance de suivi")
        verbose_name_plural = _("échéances de suivi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_due_on__gt=models.F("anchor_on")),
                name="followup_schedule_due_after_anchor",
                violation_error_message=_("La prochaine échéance suit la date de référence."),
            ),
        ]
        indexes = [
            # The worklist walks the due dates in page order and stops at the page's end...
            models.Index(fields=["next_due_on", "id"], name="followup_schedule_due_idx"),
            # ...and its counts join the centre's open episodes without reading the table.
            models.Index(fields=["patient", "next_due_on"], name="followup_schedule_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} → {self.next_due_on:%d/%m/%Y}"


class CentreDue(models.Model):
    """A patient's next due date as seen by one centre that follows them (open care episode).

    Derived data, written with the schedule by ``schedules_refresh`` (which care-episode changes
    trigger), so that a centre's worklist counts are index range counts instead of a join of the
    centre's episodes to every patient's schedule.
    """

    schedule = models.ForeignKey(FollowUpSchedule, on_delete=models.CASCADE, related_name="+")
    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+")
    next_due_on = models.DateField()

    class Meta:
        verbose_name = _("échéance par centre")
        verbose_name_plural = _("échéances par centre")
        constraints = [
            models.UniqueConstraint(fields=["centre", "schedule"], name="centre_due_once"),
        ]
        indexes = [models.Index(fields=["centre", "next_due_on"], name="centre_due_idx")]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.schedule_id} → {self.next_due_on:%d/%m/%Y}"
