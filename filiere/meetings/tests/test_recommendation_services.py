"""The recommendation: quorum-checked signature, override and re-presentation, immutability,
corrections, delivery, follow-up, the urgent path."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    Recommendation,
    RecommendationFollowUp,
    SeriesMember,
)
from filiere.patients.models import Patient
from filiere.testing.meetings import check_in, decided_values, make_case, make_meeting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_session(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> tuple[Meeting, CaseRequest]:
    """An open meeting with Alice's case on the agenda, nobody checked in yet."""
    case = make_case(
        meeting.series,
        alice,
        patient_a,
        additional_recipients="medecin.traitant@mssante.test",
    )
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    meeting.refresh_from_db()
    return meeting, case


def _draft(case: CaseRequest, coordinator: User, **values: Any) -> Recommendation:
    return services.recommendation_save(
        actor=coordinator, case=case, values=decided_values(**values)
    )


def test_signing_with_quorum_produces_the_pdf_sends_it_and_files_it(
    in_session: tuple[Meeting, CaseRequest],
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    meeting, case = in_session
    register(meeting, geneticist)
    check_in(meeting, coordinator, biologist, geneticist)
    draft = _draft(case, coordinator)
    case.refresh_from_db()
    assert case.status == "discussed"
    with django_capture_on_commit_callbacks(execute=True):
        signed = services.recommendation_sign(actor=coordinator, recommendation=draft)
    assert signed.quorum_met is True
    assert bytes(signed.pdf or b"").startswith(b"%PDF-")
    names = [a["name"] for a in signed.quorum_record["attendees"]]
    assert geneticist.display_name in names
    case.refresh_from_db()
    assert case.status == "delivered"
    assert case.signed_at
    assert case.delivered_at
    assert sorted(d.email for d in signed.deliveries.all()) == sorted(
        [alice.email, "medecin.traitant@mssante.test"]
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [alice.email, "medecin.traitant@mssante.test"]
    )
    _name, content, mimetype = mailoutbox[0].attachments[0]
    assert mimetype == "application/pdf"
    assert content == bytes(signed.pdf or b"")
    follow_up = RecommendationFollowUp.objects.get(case=case)
    assert follow_up.due_on == timezone.localdate() + dt.timedelta(days=91)
    actions = set(
        AuditEvent.objects.filter(patient_id=case.patient.public_id).values_list(
            "action", flat=True
        )
    )
    assert {"sign", "send"} <= actions


def test_signing_without_quorum_and_without_override_is_refused(
    in_session: tuple[Meeting, CaseRequest], coordinator: User, biologist: User
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator, biologist)
    draft = _draft(case, coordinator)
    with pytest.raises(ValidationError) as refused:
        services.recommendation_sign(actor=coordinator, recommendation=draft)
    message = refused.value.message_dict["override_reason"][0]
    assert "Génétique médicale" in message
    assert "2 spécialité(s) sur 3" in message
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not draft.deliveries.exists()
    assert AuditEvent.objects.filter(
        action="refused", object_id=str(draft.public_id), patient_id=case.patient.public_id
    ).exists()


def test_an_override_signs_and_puts_the_case_on_the_next_meeting(
    in_session: tuple[Meeting, CaseRequest], coordinator: User, biologist: User
) -> None:
    meeting, case = in_session
    following = make_meeting(meeting.series, starts_at=meeting.starts_at + dt.timedelta(days=28))
    check_in(meeting, coordinator, biologist)
    signed = services.recommendation_sign(
        actor=coordinator,
        recommendation=_draft(case, coordinator),
        override_reason="Geste dans 48 h, généticien joint par téléphone.",
    )
    assert signed.quorum_met is False
    item = AgendaItem.objects.get(meeting=following, case=case)
    assert item.purpose == AgendaItem.Purpose.REPRESENTATION
    # At the next meeting, with quorum, a new version supersedes the first.
    services.meeting_open(actor=coordinator, meeting=following, at=following.starts_at)


def test_an_override_without_a_next_meeting_waits_for_the_next_one_planned(
    in_session: tuple[Meeting, CaseRequest], coordinator: User
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator)
    services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    case.refresh_from_db()
    assert case.awaiting_purpose == AgendaItem.Purpose.REPRESENTATION
    following = make_meeting(meeting.series, starts_at=meeting.starts_at + dt.timedelta(days=30))
    assert following.agenda_items.get().purpose == AgendaItem.Purpose.REPRESENTATION


def test_a_signed_recommendation_cannot_be_edited_and_a_correction_is_a_new_version(
    in_session: tuple[Meeting, CaseRequest], coordinator: User, biologist: User
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator, biologist)
    signed = services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.recommendation_save(
            actor=coordinator,
            case=case,
            recommendation=signed,
            values={"therapeutic_proposal": "Autre chose"},
        )
    assert AuditEvent.objects.filter(action="refused", object_id=str(case.public_id)).exists()
    with pytest.raises(ValidationError, match=r"déjà signé|ne se modifie plus"):
        services.recommendation_sign(actor=coordinator, recommendation=signed)
    correction = services.recommendation_correct(
        actor=coordinator, recommendation=signed, reason="Faute de frappe dans la posologie."
    )
    assert correction.version == 2
    assert correction.supersedes == signed
    assert correction.therapeutic_proposal == signed.therapeutic_proposal
    services.recommendation_save(
        actor=coordinator,
        case=case,
        recommendation=correction,
        values={"therapeutic_proposal": "Acide tranexamique 1 g × 3/j."},
    )
    services.meeting_close(actor=coordinator, meeting=meeting)
    second = services.recommendation_sign(actor=coordinator, recommendation=correction)
    # The wording changed; the decision, its meeting and its quorum are those of the session.
    assert second.quorum_record == signed.quorum_record
    signed.refresh_from_db()
    assert signed.therapeutic_proposal != second.therapeutic_proposal
    assert signed.status == "signed"


def test_the_database_refuses_to_change_a_signed_recommendation(
    in_session: tuple[Meeting, CaseRequest], coordinator: User
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator)
    signed = services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Recommendation.objects.filter(pk=signed.pk).update(therapeutic_proposal="changé")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Recommendation.objects.filter(pk=signed.pk).delete()


def test_the_secretariat_drafts_the_avis(
    in_session: tuple[Meeting, CaseRequest], coordinator: User, biologist: User
) -> None:
    """Only the coordinator signs it: the signing page refuses the secretariat with the
    audited 404 (``test_views_secretariat``)."""
    meeting, case = in_session
    services.series_member_add(
        actor=SYSTEM, series=meeting.series, user=biologist, role=SeriesMember.Role.SECRETARY
    )
    draft = services.recommendation_save(actor=biologist, case=case, values=decided_values())
    assert draft.status == Recommendation.Status.DRAFT
    assert draft.drafted_by == biologist


def test_an_off_label_proposal_needs_its_whole_block(
    in_session: tuple[Meeting, CaseRequest], coordinator: User
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator)
    draft = _draft(case, coordinator, is_off_label=True, off_label_drug="rFVIIa (eptacog alfa)")
    with pytest.raises(ValidationError) as refused:
        services.recommendation_sign(actor=coordinator, recommendation=draft, override_reason="x")
    assert {"off_label_indication", "off_label_funding_route", "off_label_monitoring"} <= set(
        refused.value.message_dict
    )


def test_the_follow_up_is_asked_after_three_months_and_answered_with_a_reason(
    in_session: tuple[Meeting, CaseRequest],
    coordinator: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    meeting, case = in_session
    check_in(meeting, coordinator)
    services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    later = timezone.localdate() + dt.timedelta(days=95)
    none = services.Reminders(first=0, second=0)
    assert services.follow_up_reminders_send(today=timezone.localdate()) == none
    with django_capture_on_commit_callbacks(execute=True):
        assert services.follow_up_reminders_send(today=later).first == 1
    assert services.follow_up_reminders_send(today=later) == none
    assert mailoutbox[-1].to == [alice.email]
    with pytest.raises(ValidationError) as refused:
        services.follow_up_answer(actor=alice, case=case, applied="no")
    assert "reason" in refused.value.message_dict
    services.follow_up_answer(actor=alice, case=case, applied="no", reason="funding_refused")
    case.refresh_from_db()
    assert case.status == "followed_up"


def test_the_reminder_command_reports_how_many_were_asked(db: None) -> None:
    from io import StringIO

    out = StringIO()
    call_command("rcp_follow_up_reminders", stdout=out)
    assert "0 relance(s) et 0 seconde(s) relance(s) envoyée(s)" in out.getvalue()


def test_an_unanswered_follow_up_is_asked_twice_and_the_command_simulates_a_day(
    in_session: tuple[Meeting, CaseRequest],
    coordinator: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 12, « what to build » 7: a second reminder, and ``--date`` / ``--dry-run`` on the
    command. The follow-up falls due three months after the avis; without an answer the
    requester is asked again 30 days later, then never more."""
    from io import StringIO

    meeting, case = in_session
    check_in(meeting, coordinator)
    services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    due = case.follow_up.due_on

    def run(day: dt.date, *flags: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rcp_follow_up_reminders", "--date", day.isoformat(), *flags, stdout=out)
        return out.getvalue()

    mailoutbox.clear()
    assert "1 relance(s) et 0 seconde(s) relance(s) à envoyer" in run(due, "--dry-run")
    assert mailoutbox == []
    assert "1 relance(s) et 0 seconde(s) relance(s) envoyée(s)" in run(due)
    assert "0 relance(s) et 0" in run(due + dt.timedelta(days=29))
    assert "0 relance(s) et 1 seconde(s)" in run(due + dt.timedelta(days=30))
    assert "0 relance(s) et 0" in run(due + dt.timedelta(days=60))
    assert [m.subject.split(" :")[0] for m in mailoutbox] == [
        "[Filière] Suivi de l'avis RCP",
        "[Filière] Rappel",
    ]
    assert "Second rappel" in mailoutbox[1].body
    with pytest.raises(CommandError, match="--date"):
        call_command("rcp_follow_up_reminders", "--date", "31/02/2027")


def test_an_urgent_recommendation_counts_written_opinions_and_is_ratified_later(
    series: Any,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
) -> None:
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    ordinary = make_meeting(series, starts_at=timezone.now() + dt.timedelta(days=20))
    case = make_case(series, alice, patient_a, is_urgent=True, urgency_justification="J+2")
    item = services.case_accept_urgent(
        actor=coordinator, case=case, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    for expert in (biologist, geneticist):
        services.expert_opinion_record(
            actor=expert, case=case, position="agrees", opinion="Favorable."
        )
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    # Asynchronous: nobody is checked in, the meeting is not even open; the coordinator and two
    # written opinions cover the three specialties.
    coordinator_participant = item.meeting.participants.get(user=coordinator)
    assert coordinator_participant.first_arrival is None
    with pytest.raises(ValidationError, match="Hématologie"):
        services.recommendation_sign(actor=coordinator, recommendation=draft)
    services.expert_opinion_record(
        actor=coordinator, case=case, position="agrees", opinion="Favorable."
    )
    signed = services.recommendation_sign(actor=coordinator, recommendation=draft)
    assert signed.quorum_met
    assert signed.urgent_path
    assert (case.signed_at or timezone.now()) - case.submitted_at < dt.timedelta(hours=72)
    ratification = AgendaItem.objects.get(meeting=ordinary, case=case)
    assert ratification.purpose == AgendaItem.Purpose.RATIFICATION
    services.meeting_open(actor=coordinator, meeting=ordinary, at=ordinary.starts_at)
    ratification.refresh_from_db()
    # The ratification is the ordinary meeting's decision, under its quorum (issue 12, defect 4).
    check_in(ordinary, coordinator, biologist, geneticist, at=ordinary.starts_at)
    services.recommendation_ratify(
        actor=coordinator, agenda_item=ratification, at=ordinary.starts_at
    )
    ratification.refresh_from_db()
    assert ratification.outcome == "discussed"


def _pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


def test_the_pdf_words_age_signer_and_reasons_as_clinicians_write_them(
    meeting: Meeting, coordinator: User, alice: User, centre_a: Any
) -> None:
    """Issue 12, defect 7: a newborn was « 0 ans » (ages under 2 are in months, as
    ``filiere.lib.ages.age_display``); « Dr Sophie Bernard, coordonnateur » (the signer's sex is
    said only by Mme / M.); a reason ending with a full stop gave « .. »."""
    from filiere.lib.partial_dates import PartialDate
    from filiere.patients.services import patient_register
    from filiere.testing.factories import identity_input, make_user

    today = timezone.localdate()
    newborn = patient_register(
        actor=SYSTEM,
        centre=centre_a,
        identity=identity_input(birth_date=today - dt.timedelta(days=75)),
        inclusion_date=PartialDate(today.year, today.month, today.day),
    ).patient
    case = make_case(meeting.series, alice, newborn)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    check_in(meeting, coordinator)
    signer = make_user(specialty="haematology", title="mme", last_name="Lambert")
    draft = services.recommendation_save(actor=coordinator, case=case, values=decided_values())
    signed = services.recommendation_sign(
        actor=coordinator,
        recommendation=draft,
        override_reason="Généticien absent, geste dans 48 heures.",
        signer=signer,
    )
    text = _pdf_text(bytes(signed.pdf or b""))
    assert "0 ans" not in text
    assert "mois (pédiatrique)" in text
    assert f"{signer.display_name}, coordonnatrice de la RCP" in text
    assert "geste dans 48 heures. Le dossier" in text
    assert ".." not in text


def test_the_signer_is_named_by_function_when_the_title_does_not_say_the_sex() -> None:
    from filiere.meetings.rules import coordination_role, rcp_title

    assert coordination_role("dr") == "pour la coordination de la RCP"
    assert coordination_role("m") == "coordonnateur de la RCP"
    assert rcp_title("RCP Pathologies plaquettaires") == "RCP Pathologies plaquettaires"
    assert rcp_title("Pathologies plaquettaires") == "RCP Pathologies plaquettaires"


def test_a_second_signature_of_the_same_avis_is_told_it_is_already_signed(
    in_session: tuple[Meeting, CaseRequest], coordinator: User
) -> None:
    """Seen: a second parallel « Signer » click ended in an IntegrityError (a 500). The second
    request read the avis before the first one signed it: it is told so, and nothing changes."""
    meeting, case = in_session
    check_in(meeting, coordinator)
    draft = _draft(case, coordinator)
    stale = Recommendation.objects.get(pk=draft.pk)
    services.recommendation_sign(actor=coordinator, recommendation=draft, override_reason="U.")
    for second in (
        lambda: services.recommendation_sign(
            actor=coordinator, recommendation=stale, override_reason="U."
        ),
        lambda: services.recommendation_sign_as_shown(
            actor=coordinator,
            case=case,
            values=decided_values(),
            recommendation=stale,
            override_reason="U.",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            second()
        assert "déjà signé" in " ".join(refused.value.messages)
    assert Recommendation.objects.filter(case=case, status="signed").count() == 1
    assert AuditEvent.objects.filter(action="sign", object_id=str(draft.public_id)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parallel_signatures_sign_once_and_tell_the_second(
    in_session: tuple[Meeting, CaseRequest], coordinator: User
) -> None:
    """Two « Signer » requests at once, each in its own connection (PostgreSQL: SQLite serialises
    writers by itself)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    meeting, case = in_session
    check_in(meeting, coordinator)
    draft_pk = _draft(case, coordinator).pk
    stale = [Recommendation.objects.get(pk=draft_pk) for _ in range(2)]
    outcomes: list[str] = []

    def sign(recommendation: Recommendation) -> None:
        try:
            services.recommendation_sign_as_shown(
                actor=coordinator,
                case=case,
                values=decided_values(),
                recommendation=recommendation,
                override_reason="U.",
            )
            outcomes.append("signé")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(r,)) for r in stale]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "signé"
    assert "déjà signé" in sorted(outcomes)[0]
    assert Recommendation.objects.filter(case=case, status="signed").count() == 1


def test_the_daily_reminder_job_asks_the_requester_once(
    in_session: tuple[Meeting, CaseRequest],
    coordinator: User,
    alice: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The scheduled job sends what the command sends; run twice (a redelivered message), it
    asks once."""
    from filiere.meetings.tasks import send_follow_up_reminders

    meeting, case = in_session
    check_in(meeting, coordinator)
    services.recommendation_sign(
        actor=coordinator, recommendation=_draft(case, coordinator), override_reason="Urgence."
    )
    # Three months have passed: the follow-up falls due today.
    RecommendationFollowUp.objects.filter(case=case).update(due_on=timezone.localdate())
    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders.delay().get() == {"first": 1, "second": 0}
        assert send_follow_up_reminders.delay().get() == {"first": 0, "second": 0}
    assert [message.to for message in mailoutbox[sent_before:]] == [[alice.email]]
    assert RecommendationFollowUp.objects.get(case=case).reminded_at is not None
