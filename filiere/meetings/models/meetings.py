"""Meetings (sessions of a series), their registered participants and attendance."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import User
from filiere.core.models import ChoiceLabels
from filiere.meetings import rules
from filiere.meetings.models.series import MeetingSeries


def _clock(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


class Meeting(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinaire")
        URGENT = "urgent", _("Urgente")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planifiée")
        OPEN = "open", _("En séance")
        CLOSED = "closed", _("Clôturée")
        CANCELLED = "cancelled", _("Annulée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        MeetingSeries, verbose_name=_("série"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ORDINARY)
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    notes = models.TextField(_("informations pour les participants"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    opened_at = models.DateTimeField(_("ouverte à"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée à"), null=True, blank=True)
    # iCalendar SEQUENCE: raised at each change sent to the participants (RFC 5545 §3.8.7.4).
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    # A case added, removed, moved or given another slot after the agenda last went out: the
    # participants' copy is out of date until the agenda is sent again.
    agenda_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    agenda_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("réunion de concertation")
        verbose_name_plural = _("réunions de concertation")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=600),
                name="meeting_duration_1_to_600_minutes",
                violation_error_message=_(
                    "La durée de la réunion est comprise entre 1 et 600 minutes."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["open", "closed"])
                | models.Q(opened_at__isnull=False),
                name="meeting_open_or_closed_has_opened_at",
                violation_error_message=_("Une réunion ouverte ou close a une heure d'ouverture."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="meeting_closed_has_closed_at",
                violation_error_message=_("Une réunion close a une heure de clôture."),
            ),
        ]
        indexes = [models.Index(fields=["series", "starts_at"], name="meeting_series_start_idx")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.series} – {local:%d/%m/%Y %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.OPEN)

    @property
    def video_link_or_default(self) -> str:
        """The meeting's videoconference link, else the series' usual one."""
        return self.video_link or self.series.default_video_link

    @property
    def agenda_changed_since_sent(self) -> bool:
        if self.agenda_changed_at is None:
            return False
        return self.agenda_sent_at is None or self.agenda_changed_at > self.agenda_sent_at


class Participant(ChoiceLabels, models.Model):
    """A physician registered for a meeting, and their verified presence (for DPC)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordonnateur")
        PRESENTER = "presenter", _("Présentateur (médecin demandeur)")
        EXPERT = "expert", _("Expert")
        ATTENDEE = "attendee", _("Participant")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médecin"),
        on_delete=models.PROTECT,
        related_name="rcp_participations",
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)
    specialty = models.CharField(_("spécialité"), max_length=40, choices=User.Specialty.choices)
    additional_specialties = models.JSONField(
        _("autres qualifications"),
        default=list,
        blank=True,
        help_text=_("Un médecin ne compte que pour une seule spécialité au quorum."),
    )
    is_external = models.BooleanField(_("extérieur à la filière"), default=False)
    registered_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="participant_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.meeting})"

    def spans(self) -> list[rules.Span]:
        """The participant's stretches of presence, in order (reads prefetched intervals)."""
        intervals = sorted(self.intervals.all(), key=lambda i: i.arrived_at)
        return [rules.Span(i.arrived_at, i.left_at) for i in intervals]

    def present_at(self, when: dt.datetime) -> bool:
        return rules.present_during(self.spans(), when, when)

    @property
    def presence_periods(self) -> str:
        """« 16:05–16:07, 16:08–17:30 »: each stretch of presence, an open one ending at the
        session's close (« … » while it runs); empty for one never checked in."""
        closed_at = self.meeting.closed_at
        return ", ".join(
            f"{_clock(span.start)}–{_clock(span.end or closed_at) or '…'}" for span in self.spans()
        )

    @property
    def is_present(self) -> bool:
        return any(span.end is None for span in self.spans())

    @property
    def first_arrival(self) -> dt.datetime | None:
        spans = self.spans()
        return spans[0].start if spans else None

    @property
    def last_departure(self) -> dt.datetime | None:
        """The last departure; for one still there when the session closed, its closing time.
        An absent participant has none."""
        spans = self.spans()
        if not spans:
            return None
        return spans[-1].end or self.meeting.closed_at

    @property
    def minutes_present(self) -> int | None:
        spans = self.spans()
        if not spans:
            return None
        return rules.minutes_present(spans, self.meeting.closed_at)


class PresenceInterval(models.Model):
    """One stretch of a participant's presence: arrival, then departure once they leave.

    A participant who steps out and comes back has two intervals; the DPC evidence and the
    quorum of each case are read from them."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="intervals")
    arrived_at = models.DateTimeField(_("arrivée"))
    left_at = models.DateTimeField(_("départ"), null=True, blank=True)

    class Meta:
        verbose_name = _("période de présence")
        verbose_name_plural = _("périodes de présence")
        ordering = ["arrived_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_at__isnull=True)
                | models.Q(left_at__gte=models.F("arrived_at")),
                name="presence_leaves_after_arriving",
                violation_error_message=_("L'heure de départ suit l'heure d'arrivée."),
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(left_at__isnull=True),
                name="presence_one_open_interval",
                violation_error_message=_("Ce participant est déjà présent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.arrived_at:%H:%M}–{self.left_at or ''}"
