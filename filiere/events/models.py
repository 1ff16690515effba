"""The network's events: national days, webinars (in series), congresses, university diploma
modules; their public registrations with a capped number of seats and a waiting list.

A registration keeps only the SHA-256 of its personal link's token (as the surveys' invitations
do): the link, e-mailed and shown once, lets the registrant cancel and download her certificate.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.models import ChoiceLabels
from filiere.network.models import Centre


class EventSeries(models.Model):
    """A series of webinars (« Les jeudis de l'hémostase »)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("série"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("série de webinaires")
        verbose_name_plural = _("séries de webinaires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="events_series_has_a_name",
                violation_error_message=_("Série : indiquez son nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Event(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        NATIONAL_DAY = "journee_nationale", _("Journée nationale")
        WEBINAR = "webinaire", _("Webinaire")
        CONGRESS = "congres", _("Congrès")
        DIPLOMA_MODULE = "module_du", _("Module de DU")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    online = models.BooleanField(_("en ligne"), default=False)
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("série"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # The organising centre; none for the network's own events (the network coordinator's).
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre organisateur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    seats = models.PositiveIntegerField(_("nombre de places"))
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"))
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"))
    replay_url = models.URLField(_("lien du replay"), blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("Fin : elle suit le début de l'événement."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="events_event_registration_closes_after_opening",
                violation_error_message=_("Clôture des inscriptions : elle suit leur ouverture."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__lte=models.F("ends_at")),
                name="events_event_registration_closes_before_end",
                violation_error_message=_(
                    "Clôture des inscriptions : au plus tard à la fin de l'événement."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=1),
                name="events_event_has_seats",
                violation_error_message=_("Nombre de places : au moins une."),
            ),
            models.CheckConstraint(
                condition=models.Q(online=True) | ~models.Q(place=""),
                name="events_event_has_a_place",
                violation_error_message=_("Lieu : indiquez-le, ou cochez « en ligne »."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="webinaire") | models.Q(series__isnull=False),
                name="events_webinar_in_a_series",
                violation_error_message=_("Série : un webinaire appartient à une série."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def registration_is_open(self) -> bool:
        now = timezone.now()
        return self.registration_opens_at <= now < self.registration_closes_at


class Registration(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "inscrit", _("Inscrit")
        WAITING = "liste_attente", _("Liste d'attente")
        CANCELLED = "annule", _("Annulé")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField(_("nom et prénom"), max_length=200)
    # Lowercased by the service, so that one address registers once.
    email = models.EmailField(_("adresse e-mail"))
    profession = models.CharField(_("profession"), max_length=200)
    organisation = models.CharField(_("centre ou organisation"), max_length=200)
    consent_to_email = models.BooleanField(_("accepte d'être contacté par e-mail"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    registered_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Order of the waiting list: the time the registrant joined it.
    waiting_since = models.DateTimeField(_("en liste d'attente depuis"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    attended = models.BooleanField(_("présent"), default=False)
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~models.Q(status="annule"),
                name="events_registration_one_per_address",
                violation_error_message=_(
                    "Adresse e-mail : elle est déjà inscrite à cet événement."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(attended=False) | models.Q(status="inscrit"),
                name="events_registration_attendee_is_registered",
                violation_error_message=_("Présence : seul un inscrit peut être présent."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="liste_attente") | models.Q(waiting_since__isnull=False),
                name="events_registration_waiting_has_a_rank",
                violation_error_message=_("Liste d'attente : date d'entrée manquante."),
            ),
            models.CheckConstraint(
                condition=models.Q(consent_to_email=True),
                name="events_registration_consents_to_email",
                violation_error_message=_(
                    "Consentement : l'inscription demande d'accepter les e-mails de l'événement."
                ),
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="events_reg_event_status")]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"
