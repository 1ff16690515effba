"""The pseudonymised patient, the centres that follow it (care episodes) and its consents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import ChoiceLabels, WithdrawableRecord
from filiere.identity.models import Sex
from filiere.lib.partial_dates import PartialDate
from filiere.patients.models.dates import PartialDateFields, partial_date_constraint


class Patient(ChoiceLabels, models.Model):
    class VitalStatus(models.TextChoices):
        ALIVE = "alive", _("Vivant")
        DECEASED = "deceased", _("Décédé")
        LOST = "lost", _("Perdu de vue")

    class Consanguinity(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Inconnu")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identity_link = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pseudonym = models.CharField(_("pseudonyme"), max_length=13, unique=True)
    idmr = models.CharField(
        _("identifiant national maladies rares (IdMR)"),
        max_length=20,
        blank=True,
        help_text=_("Reçu de la BNDMR, 20 chiffres ; jamais calculé ici."),
    )
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))
    birth_month = models.PositiveSmallIntegerField(_("mois de naissance"))
    vital_status = models.CharField(
        _("statut vital"), max_length=10, choices=VitalStatus.choices, default=VitalStatus.ALIVE
    )
    death_year = models.PositiveSmallIntegerField(_("année du décès"), null=True, blank=True)
    death_month = models.PositiveSmallIntegerField(_("mois du décès"), null=True, blank=True)
    death_day = models.PositiveSmallIntegerField(_("jour du décès"), null=True, blank=True)
    death_due_to_rare_disease = models.BooleanField(
        _("décès dû à la maladie rare"), null=True, blank=True
    )
    consanguinity = models.CharField(
        _("issu d'une union consanguine"),
        max_length=8,
        choices=Consanguinity.choices,
        default=Consanguinity.UNKNOWN,
    )
    biobanks = models.CharField(_("biobanque(s)"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["idmr"],
                condition=~models.Q(idmr=""),
                name="patient_idmr_unique",
                violation_error_message=_("Cet IdMR est déjà celui d'un autre patient."),
            ),
            models.CheckConstraint(
                condition=models.Q(idmr="") | models.Q(idmr__regex=r"^[0-9]{20}$"),
                name="patient_idmr_is_20_digits",
                violation_error_message=_("L'IdMR compte 20 chiffres."),
            ),
            models.CheckConstraint(
                condition=models.Q(birth_month__gte=1, birth_month__lte=12),
                name="patient_birth_month_valid",
                violation_error_message=_("Le mois de naissance est compris entre 1 et 12."),
            ),
            models.CheckConstraint(
                condition=models.Q(vital_status="deceased") | models.Q(death_year__isnull=True),
                name="patient_death_date_only_when_deceased",
                violation_error_message=_("Une date de décès exige le statut vital « décédé »."),
            ),
            partial_date_constraint("death", "patient"),
        ]
        indexes = [
            models.Index(fields=["birth_year", "birth_month"], name="patient_birth_idx"),
            models.Index(fields=["-updated_at"], name="patient_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def death_date(self) -> PartialDate | None:
        return PartialDateFields.read(self.death_year, self.death_month, self.death_day)

    @property
    def birth(self) -> PartialDate:
        return PartialDate(self.birth_year, self.birth_month)


class ReferredBy(models.TextChoices):
    """JDV_PatientAdressePar (SDM-MR 2024.01)."""

    SELF = "ORG-019", _("Venu de lui-même")
    PATIENT_ASSOCIATION = "ORG-020", _("Association de patients")
    COMMUNITY_PAEDIATRICIAN = "ORG-021", _("Pédiatre de ville")
    HOSPITAL_PAEDIATRICIAN = "ORG-022", _("Pédiatre hospitalier")
    PMI = "ORG-023", _("PMI")
    OTHER_SPECIALIST = "GEN-092.05.02", _("Autre spécialiste")
    CARE_SITE = "ORG-025", _("Site de prise en charge")
    CPDPN = "ORG-026", _("CPDPN")
    CRMR = "ORG-182", _("CRMR")
    CCMR = "ORG-183", _("CCMR")
    OTHER_PERSON = "GEN-092.05.01", _("Autre personne")
    GENERAL_PRACTICE = "G15_10/SM54", _("Médecine générale")
    MEDICAL_GENETICS = "G15_10/C72", _("Génétique médicale")
    GYNAECOLOGY = "G15_10/C23", _("Gynécologie-obstétrique")


class CareEpisode(models.Model):
    """A centre's follow-up of a patient (SDM-MR "prise en charge"); it grants the centre access."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_episodes")
    centre = models.ForeignKey(
        "network.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    inclusion_year = models.PositiveSmallIntegerField(_("année d'inclusion"))
    inclusion_month = models.PositiveSmallIntegerField(_("mois d'inclusion"), null=True, blank=True)
    inclusion_day = models.PositiveSmallIntegerField(_("jour d'inclusion"), null=True, blank=True)
    referring_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médecin référent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_by = models.JSONField(
        _("adressé par"), default=list, help_text=_("Codes du jeu de valeurs national.")
    )
    outside_labelled_scope = models.BooleanField(
        _("prise en charge hors labellisation du site"), default=False
    )
    ended_on = models.DateField(_("fin de suivi"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("épisode de soins", "prise en charge")
        verbose_name_plural = pgettext_lazy("épisode de soins", "prises en charge")
        ordering = ["inclusion_year", "inclusion_month", "inclusion_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "centre"],
                condition=models.Q(ended_on__isnull=True),
                name="care_episode_one_open_per_centre",
                violation_error_message=_("Ce centre suit déjà ce patient."),
            ),
            partial_date_constraint("inclusion", "care_episode"),
        ]
        indexes = [
            models.Index(fields=["centre", "patient"], name="care_episode_centre_idx"),
            # The patients a centre follows today, read from the index alone (worklists).
            models.Index(
                fields=["centre", "patient"],
                condition=models.Q(ended_on__isnull=True),
                name="care_episode_open_centre_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} – {self.centre}"

    @property
    def inclusion_date(self) -> PartialDate:
        return PartialDate(self.inclusion_year, self.inclusion_month, self.inclusion_day)

    @property
    def referred_by_labels(self) -> list[str]:
        labels = dict(ReferredBy.choices)
        return [str(labels.get(code, code)) for code in self.referred_by]


class Consent(WithdrawableRecord):
    """One answer of the patient (or their legal representative), dated and versioned.

    Answers are never overwritten: a new answer is a new row, the latest one per kind applies.
    """

    class Kind(models.TextChoices):
        BNDMR_OPPOSITION = (
            "bndmr_opposition",
            _("Opposition à la réutilisation des données dans la BNDMR"),
        )
        ERN_REGISTRY = (
            "ern_registry",
            _("Consentement à la transmission au registre européen (ERN)"),
        )
        RESEARCH_CONTACT = "research_contact", _("Accord pour être contacté pour la recherche")
        RESEARCH_SAMPLE = "research_sample", _("Échantillon biologique donné pour la recherche")
        DIAGNOSTIC_SAMPLE = (
            "diagnostic_sample",
            _("Échantillon biologique pour le diagnostic moléculaire"),
        )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("objet"), max_length=20, choices=Kind.choices)
    answer = models.BooleanField(_("réponse"))
    answered_on = models.DateField(_("date"))
    information_version = models.CharField(_("version de l'information délivrée"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["kind", "-answered_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["patient", "kind", "-answered_on"], name="consent_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {'oui' if self.answer else 'non'}"
