"""The demo's case meetings: the CRPP Marseille platelet RCP, a year of sessions, an urgent one.

Everything goes through the services (mail switched off): three past ordinary meetings with
60-80 participants and about fifteen cases each, signed recommendations (one without quorum,
presented again), an urgent paediatric meeting on written opinions ratified later, and an
upcoming meeting with its agenda and requests waiting for triage. Seeded; a second run creates
nothing (the series is the marker).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.accounts.services import user_create
from filiere.demo.accounts import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    RCP_ACCOUNTS,
)
from filiere.demo.context import DemoContext
from filiere.lib.identifiers import luhn_key
from filiere.meetings import services
from filiere.meetings.demo_scenarios import GENERIC, JACOBSEN, Scenario, scenario_for
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    RecommendationFollowUp,
    SeriesMember,
)
from filiere.meetings.notifications import mail_suppressed
from filiere.network.models import Centre, Role
from filiere.network.services import membership_grant
from filiere.patients.models import CareEpisode, Diagnosis, Patient
from filiere.patients.selectors import age_on

SERIES_NAME = "RCP Pathologies plaquettaires"
QUORUM = ("haematology", "haemostasis_biology", "medical_genetics")
GENETICS = ("medical_genetics", "molecular_genetics")
ROLE = SeriesMember.Role


@dataclass(frozen=True)
class Person:
    key: str
    title: str
    first: str
    last: str
    specialty: str
    centre: str
    series_role: str = ""


EXPERTS = (
    Person(
        "nadia.haddad", "dr", "Nadia", "Haddad", "medical_genetics", "crpp-bordeaux", ROLE.EXPERT
    ),
    Person(
        "karim.benali",
        "pr",
        "Karim",
        "Benali",
        "haemostasis_biology",
        "crpp-marseille",
        ROLE.EXPERT,
    ),
    Person(
        "julie.fontaine", "dr", "Julie", "Fontaine", "molecular_genetics", "crpp-paris", ROLE.EXPERT
    ),
    Person(
        "nathalie.blanc",
        "mme",
        "Nathalie",
        "Blanc",
        "coordination",
        "crpp-marseille",
        ROLE.SECRETARY,
    ),
)
# Clinicians who send cases from the sites that have no demo persona.
REQUESTERS = (
    Person("louise.perrin", "dr", "Louise", "Perrin", "paediatric_haematology", "crpp-paris"),
    Person("antoine.roche", "dr", "Antoine", "Roche", "haematology", "crpp-lyon"),
    Person("marie.caron", "dr", "Marie", "Caron", "haematology", "ccmr-toulouse"),
    Person("yann.le-goff", "dr", "Yann", "Le Goff", "haematology", "ccmr-nantes"),
    Person("eva.schmitt", "dr", "Eva", "Schmitt", "paediatrics", "ccmr-strasbourg"),
    Person("pierre.vidal", "dr", "Pierre", "Vidal", "haematology", "crc-montpellier"),
)
PERSONA_MEMBERS = (("sophie.bernard", ROLE.COORDINATOR), ("anne.girard", ROLE.EXPERT))
ATTENDEE_SPECIALTIES = (
    ("haematology", 34),
    ("paediatric_haematology", 15),
    ("haemostasis_biology", 14),
    ("medical_genetics", 7),
    ("paediatrics", 8),
    ("internal_medicine", 7),
    ("gynaecology", 5),
    ("anaesthesia", 5),
    ("transfusion", 5),
)
FIRST = ("Camille", "Thomas", "Sarah", "Nicolas", "Amélie", "Julien", "Claire", "Mehdi", "Laura")
LAST = (
    "Arnaud",
    "Barbier",
    "Colin",
    "Dumas",
    "Faure",
    "Gauthier",
    "Henry",
    "Joly",
    "Lacroix",
    "Marchand",
    "Noël",
    "Olivier",
    "Perret",
    "Renaud",
    "Sanchez",
    "Tessier",
    "Vasseur",
)
CENTRES = (
    "crpp-marseille",
    "crpp-bordeaux",
    "crpp-paris",
    "crpp-lyon",
    "ccmr-lille",
    "ccmr-toulouse",
    "ccmr-nantes",
    "ccmr-strasbourg",
    "crc-montpellier",
)
ATTENDEES = 70
PER_MEETING = 15  # cases per ordinary meeting: 15 slots of 6 minutes in 90 minutes


def _tuesday(days: int, hour: int = 16) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    day -= dt.timedelta(days=(day.weekday() - 1) % 7)  # the network meets on Tuesdays
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _person(ctx: DemoContext, person: Person, index: int) -> User:
    email = f"{person.key}@{DEMO_EMAIL_DOMAIN}"
    # The accounts printed by the demo command log in like the personas (demo password and
    # TOTP secret); the crowd of attendees and requesters has no password (no login).
    login = person.key in {key for key, _ in RCP_ACCOUNTS}
    user = User.objects.filter(email=email).first()
    if user is None:
        body = f"10003{index:05d}"
        user = user_create(
            actor=SYSTEM,
            email=email,
            first_name=person.first,
            last_name=person.last,
            title=person.title,
            specialty=person.specialty,
            rpps=body + luhn_key(body) if person.specialty != "coordination" else "",
            password=DEMO_PASSWORD if login else None,
            is_demo=login,
        )
    if login and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if person.specialty != "coordination":
        # The secretariat works for the series only: no centre role, hence no patient access.
        centre = ctx.objects[f"centre:{person.centre}"]
        membership_grant(actor=SYSTEM, user=user, centre=centre, role=Role.CLINICIAN)
    return user


def _attendees(ctx: DemoContext, rng: random.Random) -> list[User]:
    codes = [code for code, _ in ATTENDEE_SPECIALTIES]
    weights = [weight for _, weight in ATTENDEE_SPECIALTIES]
    people = []
    for index in range(1, ATTENDEES + 1):
        person = Person(
            f"participant.{index:02d}",
            "dr",
            rng.choice(FIRST),
            rng.choice(LAST),
            rng.choices(codes, weights)[0],
            rng.choice(CENTRES),
        )
        people.append(_person(ctx, person, 100 + index))
    return people


class Builder:
    def __init__(self, ctx: DemoContext, series: MeetingSeries, rng: random.Random) -> None:
        self.ctx, self.series, self.rng = ctx, series, rng
        self.coordinator: User = ctx.objects["user:sophie.bernard"]
        self.requesters: dict[int, User] = {}
        self.orpha: dict[int, int] = {}
        self.scenarios: dict[int, Scenario] = {}
        self.cases = 0
        self.signed = 0

    def setup_requesters(self) -> None:
        by_centre = {
            "crpp-marseille": self.ctx.objects["user:claire.martin"],
            "crpp-bordeaux": self.ctx.objects["user:hugo.lefevre"],
            "ccmr-lille": self.ctx.objects["user:ines.garnier"],
        }
        for index, person in enumerate(REQUESTERS):
            by_centre[person.centre] = _person(self.ctx, person, 50 + index)
        for key, user in by_centre.items():
            self.requesters[self.ctx.objects[f"centre:{key}"].pk] = user

    def requester_of(self, patient: Patient) -> User | None:
        for centre_id in CareEpisode.objects.filter(patient=patient).values_list(
            "centre_id", flat=True
        ):
            if centre_id in self.requesters:
                return self.requesters[centre_id]
        return None

    def submit(
        self,
        patient: Patient,
        submitted: dt.datetime,
        *,
        urgent: str = "",
        scenario: Scenario | None = None,
    ) -> CaseRequest | None:
        requester = self.requester_of(patient)
        if requester is None or age_on(patient, timezone.localtime(submitted).date()) < 0:
            return None  # no case before the patient is born (the demo's meetings are past)
        chosen = scenario or scenario_for(
            self.orpha.get(patient.pk), woman=patient.sex == "F", draw=self.rng.random()
        )
        details = services.CaseDetails(
            question_type=chosen.question_type,
            question=chosen.question,
            proposal=chosen.proposal,
            patient_informed_on=(submitted - dt.timedelta(days=self.rng.randint(0, 12))).date(),
            patient_not_opposed=True,
            clinical_summary=chosen.summary,
            planned_procedure=chosen.planned_procedure,
            off_label_drug=chosen.off_label_drug,
            is_urgent=bool(urgent),
            urgency_justification=urgent,
            bleeding_score=self.rng.randint(3, 22),
            treating_physician="Médecin traitant (MSSanté)",
        )
        case = services.case_request_submit(
            actor=requester,
            series=self.series,
            patient=patient,
            details=details,
            submitted_at=submitted,
        )
        self.cases += 1
        self.scenarios[case.pk] = chosen
        return case

    def attend(self, meeting: Meeting, attendees: list[User], count: int) -> None:
        for user in self.rng.sample(attendees, min(count, len(attendees))):
            if not meeting.participants.filter(user=user).exists():
                services.participant_add(actor=SYSTEM, meeting=meeting, user=user)

    def hold(self, meeting: Meeting, *, geneticists_leave: bool = False) -> None:
        """Open, check everyone in, discuss and sign each case, close. When the geneticists
        leave before the last case, it is signed without quorum and presented again."""
        start = meeting.starts_at
        services.meeting_open(actor=SYSTEM, meeting=meeting, at=start)
        members = set(self.series.members.values_list("user_id", flat=True))
        for participant in meeting.participants.select_related("user").order_by("pk"):
            expected = participant.user_id in members or participant.role == "presenter"
            late = 0 if participant.user_id in members else self.rng.randint(0, 12)
            if expected or self.rng.random() < 0.93:
                services.attendance_check_in(
                    actor=SYSTEM, participant=participant, at=start + dt.timedelta(minutes=late)
                )
        items = list(meeting.agenda_items.select_related("case__patient").order_by("starts_at"))
        for number, item in enumerate(items):
            when = item.starts_at + dt.timedelta(minutes=4)
            last = number == len(items) - 1
            if geneticists_leave and last:
                for participant in meeting.participants.filter(
                    specialty__in=GENETICS,
                    intervals__arrived_at__isnull=False,
                    intervals__left_at__isnull=True,
                ).distinct():
                    services.attendance_check_out(
                        actor=SYSTEM, participant=participant, at=when - dt.timedelta(minutes=2)
                    )
            if item.purpose == AgendaItem.Purpose.RATIFICATION:
                services.recommendation_ratify(
                    actor=SYSTEM, agenda_item=item, signer=self.coordinator, at=when
                )
                continue
            if meeting.status == Meeting.Status.OPEN:
                services.agenda_item_discussion_open(
                    actor=SYSTEM, agenda_item=item, at=when - dt.timedelta(minutes=1)
                )
            self.sign(item.case, when, override=geneticists_leave and last)
        services.meeting_close(actor=SYSTEM, meeting=meeting, at=meeting.ends_at)

    def sign(self, case: CaseRequest, when: dt.datetime, *, override: bool = False) -> None:
        scenario = self.scenarios.get(case.pk) or scenario_for(self.orpha.get(case.patient_id))
        answer = dict(scenario.answer or GENERIC.answer)
        draft = services.recommendation_save(actor=SYSTEM, case=case, values=answer, at=when)
        reason = "Généticiens partis avant la fin de séance ; geste programmé, avis nécessaire."
        services.recommendation_sign(
            actor=SYSTEM,
            recommendation=draft,
            signer=self.coordinator,
            override_reason=reason if override else "",
            at=when + dt.timedelta(minutes=1),
        )
        self.signed += 1


def _pick(
    patients: list[Patient],
    orpha: dict[int, int],
    rng: random.Random,
    size: int,
    wanted: tuple[int, ...] = (),
) -> list[Patient]:
    chosen: list[Patient] = []
    for code in wanted:
        # The youngest first: the showcase Bernard-Soulier surgery case is a child's.
        matches = sorted(
            (p for p in patients if orpha.get(p.pk) == code and p not in chosen),
            key=lambda p: (-p.birth_year, p.pk),
        )
        if matches:
            chosen.append(matches[0])
    rest = [p for p in patients if p not in chosen]
    chosen += rng.sample(rest, min(len(rest), size - len(chosen)))
    return chosen


def build(ctx: DemoContext) -> None:
    centre: Centre = ctx.objects["centre:crpp-marseille"]
    if MeetingSeries.objects.filter(centre=centre, name=SERIES_NAME).exists():
        ctx.report("RCP : déjà en place.")
        return
    rng = ctx.child_rng("meetings")
    with mail_suppressed():
        _build(ctx, centre, rng)


def _build(ctx: DemoContext, centre: Centre, rng: random.Random) -> None:
    series = services.series_create(
        actor=SYSTEM,
        centre=centre,
        name=SERIES_NAME,
        required_specialties=QUORUM,
        description="RCP nationale du CRPP : thrombopénies et thrombopathies constitutionnelles. "
        "Mardi 16 h – 17 h 30 (horaire compatible avec les DOM), 6 minutes par dossier.",
        default_slot_minutes=6,
        default_video_link="https://visio.demo.filiere.test/rcp-plaquettes",
    )
    for key, role in PERSONA_MEMBERS:
        services.series_member_add(
            actor=SYSTEM, series=series, user=ctx.objects[f"user:{key}"], role=role
        )
    experts = []
    for index, person in enumerate(EXPERTS):
        user = _person(ctx, person, index)
        services.series_member_add(actor=SYSTEM, series=series, user=user, role=person.series_role)
        if person.specialty != "coordination":
            experts.append(user)
    attendees = _attendees(ctx, rng)
    builder = Builder(ctx, series, rng)
    builder.setup_requesters()
    patients = [
        p
        for p in ctx.objects.get("patients") or Patient.objects.order_by("pk")[:300]
        if p.vital_status == Patient.VitalStatus.ALIVE
    ]
    builder.orpha = dict(
        Diagnosis.objects.filter(patient__in=patients, orpha__isnull=False).values_list(
            "patient_id", "orpha__code"
        )
    )
    for number, days in enumerate((-235, -145, -50)):
        start = _tuesday(days)
        if number == 2:
            _urgent(builder, experts, start - dt.timedelta(days=46, hours=3, minutes=30))
        meeting = services.meeting_create(actor=SYSTEM, series=series, starts_at=start)
        room = PER_MEETING - meeting.agenda_items.count()
        wanted = (274, 849, 477797) if number == 0 else ()
        for patient in _pick(patients, builder.orpha, rng, room, wanted):
            case = builder.submit(patient, start - dt.timedelta(days=rng.randint(8, 40), hours=5))
            if case is not None:
                services.case_accept(actor=SYSTEM, case=case, meeting=meeting)
        builder.attend(meeting, attendees, rng.randint(55, 68))
        builder.hold(meeting, geneticists_leave=number == 1)
    _answer_follow_ups(rng)
    _upcoming(builder, attendees, patients)
    _last_year(ctx, builder, experts, attendees, patients)
    meetings = series.meetings.count()
    ctx.report(
        f"RCP : « {SERIES_NAME} », {meetings} réunion(s), {builder.cases} dossier(s), "
        f"{builder.signed} avis signé(s)."
    )


def _urgent(builder: Builder, experts: list[User], start: dt.datetime) -> None:
    """A child needing surgery within days: written opinions, signature in under 72 hours."""
    paediatric = [
        p
        for p in Patient.objects.filter(pk__in=builder.orpha).order_by("pk")
        if start.year - p.birth_year < 16 and builder.requester_of(p) is not None
    ]
    if not paediatric:
        return
    patient = next((p for p in paediatric if builder.orpha.get(p.pk) == 274), paediatric[0])
    scenario = scenario_for(builder.orpha.get(patient.pk))
    if scenario.question_type != "surgery":
        scenario = JACOBSEN
    case = builder.submit(
        patient,
        start - dt.timedelta(days=2, hours=4),
        urgent="Chirurgie programmée dans 72 heures, saignement grave antérieur.",
        scenario=scenario,
    )
    if case is None:
        return
    item = services.case_accept_urgent(
        actor=SYSTEM, case=case, starts_at=start, duration_minutes=45
    )
    for minutes, expert in enumerate([*experts, builder.coordinator]):
        if item.meeting.participants.filter(user=expert).exists():
            services.expert_opinion_record(
                actor=expert,
                case=case,
                position="agrees",
                opinion="Favorable à la proposition.",
                at=start - dt.timedelta(hours=3) + dt.timedelta(minutes=7 * minutes),
            )
    builder.hold(item.meeting)


# Last year's quarterly sessions (second Tuesday of March, June, September, December), so that
# the yearly activity report of last year reads like a real one. Drawn from their own random
# stream: the current year's history stays the same.
LAST_YEAR_MONTHS = (3, 6, 9, 12)
LAST_YEAR_CASES = 8


def _second_tuesday(year: int, month: int) -> dt.datetime:
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)
    return dt.datetime.combine(day, dt.time(16), tzinfo=timezone.get_current_timezone())


def _last_year(
    ctx: DemoContext,
    current: Builder,
    experts: list[User],
    attendees: list[User],
    patients: list[Patient],
) -> None:
    rng = ctx.child_rng("meetings-last-year")
    builder = Builder(ctx, current.series, rng)
    builder.setup_requesters()
    builder.orpha = current.orpha
    year = timezone.localdate().year - 1
    for number, month in enumerate(LAST_YEAR_MONTHS):
        start = _second_tuesday(year, month)
        if number == 1:
            _urgent(builder, experts, start - dt.timedelta(days=30, hours=2))
        meeting = services.meeting_create(actor=SYSTEM, series=builder.series, starts_at=start)
        for patient in _pick(patients, builder.orpha, rng, LAST_YEAR_CASES):
            case = builder.submit(patient, start - dt.timedelta(days=rng.randint(8, 40), hours=5))
            if case is not None:
                services.case_accept(actor=SYSTEM, case=case, meeting=meeting)
        builder.attend(meeting, attendees, rng.randint(28, 45))
        builder.hold(meeting)
    _answer_follow_ups(rng)
    current.cases += builder.cases
    current.signed += builder.signed


def _answer_follow_ups(rng: random.Random) -> None:
    due = RecommendationFollowUp.objects.filter(
        due_on__lte=timezone.localdate(), answered_at__isnull=True
    ).select_related("case__requester")
    reasons = ["patient_refusal", "clinical_change", "funding_refused", "physician_decision"]
    for follow_up in due:
        if rng.random() < 0.2:
            continue
        applied = rng.choices(["yes", "partly", "no"], weights=[75, 15, 10])[0]
        services.follow_up_answer(
            actor=follow_up.case.requester,
            case=follow_up.case,
            applied=applied,
            reason="" if applied == "yes" else rng.choice(reasons),
        )


def _upcoming(builder: Builder, attendees: list[User], patients: list[Patient]) -> None:
    start = _tuesday(21)
    meeting = services.meeting_create(actor=SYSTEM, series=builder.series, starts_at=start)
    now = timezone.now()
    for patient in _pick(patients, builder.orpha, builder.rng, 11):
        case = builder.submit(patient, now - dt.timedelta(days=builder.rng.randint(2, 15)))
        if case is None:
            continue
        if builder.cases % 4 == 0:
            continue  # waits for the coordinator's triage
        services.case_accept(actor=SYSTEM, case=case, meeting=meeting)
    builder.attend(meeting, attendees, 40)
    services.external_physician_invite(
        actor=SYSTEM,
        series=builder.series,
        email=f"minh.nguyen@{DEMO_EMAIL_DOMAIN}",
        first_name="Minh",
        last_name="Nguyen",
        specialty="paediatric_haematology",
        institution="CHU de La Réunion",
        meeting=meeting,
    )
