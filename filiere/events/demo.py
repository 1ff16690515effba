"""The demo's events: last year's series of 15 webinars (replays, attendance), the first
multi-network congress (La Réunion, 1–2 October of last year), a national day, and two upcoming
events, one of them full with a waiting list.

Registrants are fictitious (addresses under the reserved ``.test`` domain); no e-mail is queued.
Built through the services; a second run changes nothing (an event that exists is left as is).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from zoneinfo import ZoneInfo

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.demo.context import DemoContext
from filiere.events import services
from filiere.events.models import Event
from filiere.events.notifications import mail_suppressed
from filiere.events.services import EventValues

SERIES = "Les jeudis de la filière MHEMO"
WEBINARS = (
    "Thrombasthénie de Glanzmann : du diagnostic au suivi",
    "Syndrome de Bernard-Soulier",
    "Thrombopénies liées à MYH9",
    "Interpréter une agrégation plaquettaire",
    "Le panel NGS des pathologies plaquettaires",
    "Transfusion de plaquettes HLA-compatibles",
    "Grossesse et thrombopathie",
    "Chirurgie et gestes invasifs",
    "Règles abondantes chez l'adolescente",
    "Éducation thérapeutique : l'atelier saignements",
    "Le carnet de santé du patient",
    "Immunisation anti-HLA et anti-HPA",
    "RUNX1 et risque d'hémopathie",
    "Le registre de la filière : pourquoi coder",
    "Questions de patients : la transition enfant-adulte",
)
FIRST_NAMES = ("Camille", "Nora", "Lucas", "Yanis", "Léa", "Hugo", "Manon", "Sarah", "Tom", "Inès")
LAST_NAMES = ("Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "Henry")
PROFESSIONS = (
    "Médecin hématologue",
    "Pédiatre",
    "Biologiste",
    "Infirmière",
    "Interne d'hématologie",
    "Sage-femme",
)
ORGANISATIONS = ("CHU de Lille", "CHU de Bordeaux", "AP-HM", "CHU de La Réunion", "HCL", "AP-HP")
REUNION = ZoneInfo("Indian/Reunion")


def _values(**fields: object) -> EventValues:
    starts_at = fields["starts_at"]
    assert isinstance(starts_at, dt.datetime)  # noqa: S101 - built below
    defaults: dict[str, object] = {
        "description": "",
        "place": "",
        "online": False,
        "series_name": "",
        "centre": None,
        "registration_opens_at": starts_at - dt.timedelta(days=60),
        "registration_closes_at": starts_at,
        "replay_url": "",
    }
    return EventValues(**(defaults | fields))  # type: ignore[arg-type]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _register(event: Event, count: int, rng: random.Random, *, past: bool) -> list[uuid.UUID]:
    """Register ``count`` people; return the public ids of those given a seat."""
    seated: list[uuid.UUID] = []
    for number in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        at = None
        if past:
            window = event.registration_closes_at - event.registration_opens_at
            at = event.registration_opens_at + window * (number + 1) / (count + 2)
        created = services.registration_create(
            event=event,
            name=f"{first} {last}",
            email=_ascii(f"{first}.{last}.{number}@{event.public_id.hex[:6]}.test").lower(),
            profession=rng.choice(PROFESSIONS),
            organisation=rng.choice(ORGANISATIONS),
            consent_to_email=True,
            at=at,
        )
        if created.registration.status == "inscrit":
            seated.append(created.registration.public_id)
    return seated


def _held(event: Event, seated: list[uuid.UUID], rng: random.Random) -> None:
    present = [public_id for public_id in seated if rng.random() < 0.75]
    services.attendance_record(actor=SYSTEM, event=event, present=present)


def _create(values: EventValues) -> Event | None:
    if Event.objects.filter(title=values.title, starts_at=values.starts_at).exists():
        return None
    event = services.event_save(actor=SYSTEM, values=values)
    return services.event_publish(actor=SYSTEM, event=event)


def build(ctx: DemoContext) -> None:
    rng = ctx.child_rng("events")
    paris = timezone.get_current_timezone()
    year = timezone.localdate().year - 1
    created = 0
    with mail_suppressed():
        # Fifteen Thursdays at 13:00, a fortnight apart from mid-January.
        thursday = dt.date(year, 1, 15)
        thursday += dt.timedelta(days=(3 - thursday.weekday()) % 7)
        for number, title in enumerate(WEBINARS, start=1):
            day = thursday + dt.timedelta(weeks=2 * (number - 1) + (4 if number > 10 else 0))
            start = dt.datetime.combine(day, dt.time(13), tzinfo=paris)
            event = _create(
                _values(
                    kind=Event.Kind.WEBINAR,
                    title=f"Webinaire {number} : {title}",
                    description="Une heure : un exposé de 40 minutes, puis les questions.",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                    online=True,
                    series_name=SERIES,
                    seats=100,
                    replay_url=f"https://replay.filiere-mhemo.test/webinaires/{year}-{number:02d}",
                )
            )
            if event is not None:
                _held(event, _register(event, rng.randint(18, 45), rng, past=True), rng)
                created += 1
        national_day = _create(
            _values(
                kind=Event.Kind.NATIONAL_DAY,
                title=f"Journée nationale de la filière MHEMO {year}",
                description="Les centres, les associations de patients et les laboratoires.",
                starts_at=dt.datetime(year, 6, 12, 9, tzinfo=paris),
                ends_at=dt.datetime(year, 6, 12, 17, 30, tzinfo=paris),
                place="Institut Imagine, Paris",
                seats=150,
            )
        )
        if national_day is not None:
            _held(national_day, _register(national_day, 96, rng, past=True), rng)
            created += 1
        congress = _create(
            _values(
                kind=Event.Kind.CONGRESS,
                title="1er congrès multi-filières des maladies rares hémorragiques",
                description="Premier congrès commun des filières, à La Réunion (heure locale).",
                starts_at=dt.datetime(year, 10, 1, 8, 30, tzinfo=REUNION),
                ends_at=dt.datetime(year, 10, 2, 17, tzinfo=REUNION),
                place="Saint-Denis, La Réunion",
                seats=250,
            )
        )
        if congress is not None:
            _held(congress, _register(congress, 140, rng, past=True), rng)
            created += 1
        soon = timezone.localdate() + dt.timedelta(days=40)
        module = _create(
            _values(
                kind=Event.Kind.DIPLOMA_MODULE,
                title="DU pathologies plaquettaires — module 2 : diagnostic biologique",
                starts_at=dt.datetime.combine(soon, dt.time(9), tzinfo=paris),
                ends_at=dt.datetime.combine(soon, dt.time(17), tzinfo=paris),
                place="Faculté de médecine de la Timone, Marseille",
                centre=ctx.objects.get("centre:crpp-marseille"),
                seats=24,
                registration_opens_at=timezone.now() - dt.timedelta(days=20),
            )
        )
        if module is not None:
            # Full, and three on the waiting list.
            _register(module, 27, rng, past=False)
            created += 1
        later = timezone.localdate() + dt.timedelta(days=18)
        webinar = _create(
            _values(
                kind=Event.Kind.WEBINAR,
                title="Webinaire : nouveautés de la classification des thrombopathies",
                starts_at=dt.datetime.combine(later, dt.time(13), tzinfo=paris),
                ends_at=dt.datetime.combine(later, dt.time(14), tzinfo=paris),
                online=True,
                series_name=f"{SERIES} ({year + 1})",
                seats=100,
                registration_opens_at=timezone.now() - dt.timedelta(days=5),
            )
        )
        if webinar is not None:
            _register(webinar, 12, rng, past=False)
            created += 1
    ctx.report(f"Événements : {created} événement(s) créé(s).")
