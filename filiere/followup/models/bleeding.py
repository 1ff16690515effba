"""Bleeding history: ISTH-BAT assessments (the 14 domain scores) and dated bleeding events."""

from __future__ import annotations

import uuid
from functools import reduce
from operator import add
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filiere.clinical.isth_bat import MAX_TOTAL, Domain
from filiere.core.models import WithdrawableRecord
from filiere.lib.ages import Age
from filiere.lib.ages import AgePrecision as LibPrecision
from filiere.patients.models import BleedingSite

DOMAIN_FIELDS: tuple[str, ...] = tuple(domain.value for domain in Domain)


class Version(models.TextChoices):
    """The values of ``filiere.clinical.isth_bat.BatVersion``."""

    ISTH_BAT = "ISTH-BAT", _("ISTH-BAT (entretien)")
    SELF_BAT = "Self-BAT", _("Self-BAT (auto-questionnaire)")


class ReferencePopulation(models.TextChoices):
    """The values of ``filiere.clinical.isth_bat.Population`` (Elbatarny 2014 normal ranges)."""

    ADULT_MAN = "adult_man", _("Homme adulte")
    ADULT_WOMAN = "adult_woman", _("Femme adulte")
    CHILD = "child", _("Enfant (moins de 18 ans)")


class AgePrecision(models.TextChoices):
    """The values of ``filiere.lib.ages.AgePrecision``."""

    DAY = "jour", _("exact (date de naissance)")
    MONTH = "mois", _("au mois près")


def _domain_score(label: Any) -> Any:
    return models.PositiveSmallIntegerField(label, default=0)


class BleedingScore(WithdrawableRecord):
    """One ISTH-BAT (or Self-BAT) assessment: domain scores, total and interpretation.

    Scored by ``filiere.clinical.isth_bat``; the database re-checks the invariants (allowed
    values, total, cut-off flag) so that no write path can store an impossible assessment.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="bleeding_scores"
    )
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("date de l'évaluation"))
    version = models.CharField(
        _("version"), max_length=10, choices=Version.choices, default=Version.ISTH_BAT
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enquêteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    epistaxis = _domain_score(_("épistaxis"))
    cutaneous = _domain_score(_("saignements cutanés"))
    minor_wounds = _domain_score(_("plaies mineures"))
    oral_cavity = _domain_score(_("cavité buccale"))
    gastrointestinal = _domain_score(_("saignements digestifs"))
    haematuria = _domain_score(_("hématurie"))
    tooth_extraction = _domain_score(_("extractions dentaires"))
    surgery = _domain_score(_("chirurgie"))
    menorrhagia = _domain_score(_("ménorragies"))
    postpartum_haemorrhage = _domain_score(_("hémorragie du post-partum"))
    muscle_haematomas = _domain_score(_("hématomes musculaires"))
    haemarthrosis = _domain_score(_("hémarthroses"))
    cns = _domain_score(_("système nerveux central"))
    other = _domain_score(_("autres saignements"))
    total = models.PositiveSmallIntegerField(_("score total"))
    age_years = models.PositiveSmallIntegerField(_("âge à l'évaluation (ans)"))
    # The age that chose the cut-off, kept so that the verdict never changes afterwards and
    # pseudonymised pages can show it; null months on assessments recorded before they were kept.
    age_months = models.PositiveIntegerField(_("âge à l'évaluation (mois)"), null=True, blank=True)
    age_precision = models.CharField(
        _("précision de l'âge"),
        max_length=4,
        choices=AgePrecision.choices,
        default=AgePrecision.MONTH,
    )
    population = models.CharField(
        _("population de référence"), max_length=12, choices=ReferencePopulation.choices
    )
    cutoff = models.PositiveSmallIntegerField(_("seuil d'anormalité"))
    abnormal = models.BooleanField(_("score anormal"))
    answers = models.JSONField(
        _("réponses au questionnaire"),
        default=dict,
        blank=True,
        help_text=_("Par rubrique : symptôme présent, réponses oui/non, note libre."),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("score ISTH-BAT")
        verbose_name_plural = _("scores ISTH-BAT")
        ordering = ["-assessed_on", "-created_at"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__lte": 4}),
                    name=f"bleeding_score_{name}_0_to_4",
                    violation_error_message=format_lazy(
                        _("Score « {domain} » : de 0 à 4."), domain=Domain(name).label
                    ),
                )
                for name in DOMAIN_FIELDS
                if name != Domain.CNS.value
            ),
            models.CheckConstraint(
                condition=models.Q(cns__in=(0, 3, 4)),
                name="bleeding_score_cns_0_3_or_4",
                violation_error_message=_("Le score du système nerveux central vaut 0, 3 ou 4."),
            ),
            models.CheckConstraint(
                condition=models.Q(total=reduce(add, (models.F(n) for n in DOMAIN_FIELDS))),
                name="bleeding_score_total_is_the_sum",
                violation_error_message=_(
                    "Le total ISTH-BAT est la somme des scores des 14 domaines."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(total__lte=MAX_TOTAL),
                name="bleeding_score_total_at_most_56",
                violation_error_message=_("Le total ISTH-BAT est au plus de 56."),
            ),
            models.CheckConstraint(
                condition=models.Q(age_precision__in=AgePrecision.values),
                name="bleeding_score_age_precision_known",
                violation_error_message=_("Précision de l'âge inconnue : au jour ou au mois."),
            ),
            models.CheckConstraint(
                condition=models.Q(age_months__isnull=True)
                | models.Q(age_years=models.F("age_months") / 12),
                name="bleeding_score_age_months_match_years",
                violation_error_message=_("L'âge en mois correspond à l'âge en années."),
            ),
            models.CheckConstraint(
                condition=models.Q(abnormal=True, total__gte=models.F("cutoff"))
                | models.Q(abnormal=False, total__lt=models.F("cutoff")),
                name="bleeding_score_abnormal_matches_cutoff",
                violation_error_message=_(
                    "Le score est anormal exactement lorsqu'il atteint le seuil de la population de"
                    " référence."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-assessed_on"], name="bleeding_score_patient_idx")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.total}/{MAX_TOTAL} ({self.assessed_on:%d/%m/%Y})"

    def domain_scores(self) -> dict[Domain, int]:
        return {domain: int(getattr(self, domain.value)) for domain in Domain}

    @property
    def age(self) -> Age:
        """The age at the assessment as stored (months unknown on older rows: whole years)."""
        months = self.age_months if self.age_months is not None else self.age_years * 12
        return Age(years=self.age_years, months=months, precision=LibPrecision(self.age_precision))


class BleedingEvent(WithdrawableRecord):
    class Severity(models.TextChoices):
        MINOR = "minor", _("Mineur")
        MAJOR = "major", _("Majeur")
        LIFE_THREATENING = "life_threatening", _("Menaçant le pronostic vital")

    class Circumstance(models.TextChoices):
        SPONTANEOUS = "spontaneous", _("Spontané")
        TRAUMATIC = "traumatic", _("Traumatique")
        PROCEDURE = "procedure", _("Après un geste (chirurgie, soins dentaires…)")
        OBSTETRIC = "obstetric", _("Gynécologique ou obstétrical")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="bleeding_events"
    )
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date"))
    site = models.CharField(_("localisation"), max_length=20, choices=BleedingSite.choices)
    site_detail = models.CharField(_("précision"), max_length=200, blank=True)
    severity = models.CharField(_("gravité"), max_length=20, choices=Severity.choices)
    circumstance = models.CharField(
        _("circonstances"), max_length=12, choices=Circumstance.choices, blank=True
    )
    treatment_given = models.TextField(
        _("traitement reçu"),
        blank=True,
        help_text=_("Résumé ; les traitements hémostatiques se saisissent aussi à part."),
    )
    hospitalised = models.BooleanField(_("hospitalisation"), default=False)
    hospital_days = models.PositiveSmallIntegerField(
        _("durée d'hospitalisation (jours)"), null=True, blank=True
    )
    visit = models.ForeignKey(
        "followup.Visit",
        verbose_name=_("rapporté lors de la visite"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bleeding_events",
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("épisode hémorragique")
        verbose_name_plural = _("épisodes hémorragiques")
        ordering = ["-occurred_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hospital_days__isnull=True) | models.Q(hospitalised=True),
                name="bleeding_event_days_only_when_hospitalised",
                violation_error_message=_(
                    "Des jours d'hospitalisation exigent une hospitalisation."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-occurred_on"], name="bleeding_event_patient_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_site_display()} {self.occurred_on:%d/%m/%Y}"
