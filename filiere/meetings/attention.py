"""The case meetings' counts on the home page (see ``filiere.core.attention``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.attention import Attention, Today, register_attention
from filiere.meetings.models import CaseRequest, Meeting, Recommendation
from filiere.meetings.selectors import (
    my_cases,
    series_managed_by,
    series_statistics_visible_to,
    upcoming_meetings,
)
from filiere.network.models import Role

# Signed recommendations stay "received" this long on the requester's home page.
AVIS_RECENT_DAYS = 30


def cases_returned(user: User, today: Today) -> Attention | None:
    """The user's requests sent back by the coordinator for completion."""
    count = my_cases(user).filter(status=CaseRequest.Status.RETURNED).count()
    return Attention(_("Demandes d'avis RCP à compléter"), count, reverse("meetings:my_cases"))


def avis_received(user: User, today: Today) -> Attention | None:
    """Recommendations signed on the user's requests in the last 30 days (a corrected version
    counts again: it is a new avis the requester must read)."""
    since = today.now - dt.timedelta(days=AVIS_RECENT_DAYS)
    count = Recommendation.objects.filter(
        case__requester=user, status=Recommendation.Status.SIGNED, signed_at__gte=since
    ).count()
    return Attention(_("Avis RCP reçus ces 30 derniers jours"), count, reverse("meetings:my_cases"))


def cases_to_triage(user: User, today: Today) -> Attention | None:
    """Requests submitted to the series the user runs, not yet accepted, returned or declined."""
    count = CaseRequest.objects.filter(
        series__in=series_managed_by(user), status=CaseRequest.Status.SUBMITTED
    ).count()
    return Attention(_("Demandes d'avis à trier"), count, reverse("meetings:index"))


def next_meeting_agenda(user: User, today: Today) -> Attention | None:
    """The next meeting of the series the user runs (one in session comes first), with the
    number of cases on its agenda."""
    start_of_day = dt.datetime.combine(
        today.date, dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    meeting = (
        upcoming_meetings(series_managed_by(user))
        .filter(Q(status=Meeting.Status.OPEN) | Q(starts_at__gte=start_of_day))
        .annotate(cases=Count("agenda_items"))
        .first()
    )
    if meeting is None:
        return Attention(
            _("Dossiers à l'ordre du jour de la prochaine RCP"),
            0,
            reverse("meetings:index"),
            detail=_("aucune réunion prévue"),
        )
    return Attention(
        _("Dossiers à l'ordre du jour de la prochaine RCP"),
        meeting.cases,
        reverse("meetings:meeting_detail", args=[meeting.public_id]),
        when=meeting.starts_at,
        detail=meeting.series.name,
    )


def meetings_this_year(user: User, today: Today) -> Attention | None:
    """Meetings of the network held or planned this calendar year (cancelled ones left out)."""
    if not grants_for(user).is_network_wide(Capability.VIEW_STATISTICS):
        return None
    year = today.date.year
    paris = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=paris)
    end = dt.datetime(year + 1, 1, 1, tzinfo=paris)
    count = (
        Meeting.objects.filter(
            series__in=series_statistics_visible_to(user), starts_at__gte=start, starts_at__lt=end
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .count()
    )
    return Attention(_("RCP tenues ou prévues cette année"), count, reverse("meetings:statistics"))


def register_home_counts() -> None:
    register_attention(Role.CLINICIAN, "cases_returned", cases_returned, position=20)
    register_attention(Role.CLINICIAN, "avis_received", avis_received, position=30)
    register_attention(Role.RCP_COORDINATOR, "triage", cases_to_triage, position=10)
    register_attention(Role.RCP_COORDINATOR, "next_meeting", next_meeting_agenda, position=20)
    register_attention(Role.NETWORK_COORDINATOR, "meetings", meetings_this_year, position=30)
