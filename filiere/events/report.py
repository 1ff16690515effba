"""The events' section of the yearly activity report."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from filiere.core.reports import Figure, ReportPeriod, Section, Table
from filiere.events.models import Event, Registration


def events_section(period: ReportPeriod) -> Section:
    start, end = period.bounds()
    # Held: begun by the end of the year, or by now for the year in progress.
    held = Event.objects.filter(
        published_at__isnull=False, starts_at__gte=start, starts_at__lt=min(end, timezone.now())
    )
    if period.centre is not None:
        held = held.filter(centre=period.centre)
    registrations = Registration.objects.filter(event__in=held).exclude(
        status=Registration.Status.CANCELLED
    )
    by_kind = dict(held.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    series_rows = [
        [name, count, attended]
        for name, count, attended in held.filter(kind=Event.Kind.WEBINAR)
        .values_list("series__name")
        .annotate(
            n=Count("pk", distinct=True),
            present=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("series__name")
        .values_list("series__name", "n", "present")
    ]
    return Section(
        "Événements",
        figures=[
            Figure(
                "Événements tenus",
                held.count(),
                "Événements publiés ayant commencé dans l'année (journées nationales, "
                "webinaires, congrès, modules de DU).",
            ),
            Figure(
                "Inscriptions",
                registrations.count(),
                "Inscriptions non annulées (places confirmées et liste d'attente).",
            ),
            Figure(
                "Participants présents",
                registrations.filter(attended=True).count(),
                "Inscrits marqués présents par l'organisateur.",
            ),
        ],
        tables=[
            Table(
                "Événements par type",
                ["Type", "Événements"],
                [
                    [str(label), by_kind[kind]]
                    for kind, label in Event.Kind.choices
                    if kind in by_kind
                ],
            ),
            Table(
                "Webinaires par série",
                ["Série", "Webinaires", "Présents"],
                series_rows,
            ),
        ],
    )
