"""Case requests: submission with the registry's file, refusals, triage, urgent path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.meetings import services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries, SeriesMember
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.services import diagnosis_record, phenotype_record, platelet_workup_record
from filiere.testing.factories import give_role, glanzmann_values, identity_input, make_user
from filiere.testing.meetings import case_details, make_case, register

pytestmark = pytest.mark.django_db


def test_a_request_takes_the_clinical_file_from_the_registry(
    series: MeetingSeries, alice: User, patient_a: Patient, centre_a: Centre
) -> None:
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0000421")
    platelet_workup_record(
        actor=SYSTEM,
        patient=patient_a,
        sampled_on=dt.date(2025, 3, 1),
        platelet_count=240,
        aggregation_adp=3,
    )
    case = make_case(series, alice, patient_a)
    file = case.registry_snapshot
    assert file["diagnoses"][0]["code"] == "ORPHA:849"
    assert file["diagnoses"][0]["genes"] == ["ITGB3"]
    assert file["phenotypes"][0]["hpo"] == "HP:0000421"
    assert file["platelet_workups"][0]["values"]["Agrég. ADP (%)"] == "3"
    assert case.requester_centre == centre_a
    assert case.patient_age_years == 36
    event = AuditEvent.objects.get(action="create", object_id=str(case.public_id))
    assert event.patient_id == patient_a.public_id


def test_a_request_without_non_opposition_is_refused_and_nothing_is_saved(
    series: MeetingSeries, alice: User, patient_a: Patient
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_case(series, alice, patient_a, patient_not_opposed=False)
    assert "non-opposition" in refused.value.message_dict["patient_not_opposed"][0]
    assert not CaseRequest.objects.exists()
    event = AuditEvent.objects.get(action="refused", actor=alice)
    assert event.patient_id == patient_a.public_id
    assert "non-opposition" in event.summary


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"is_urgent": True, "urgency_justification": ""}, "urgency_justification"),
        ({"question_type": "off_label", "off_label_drug": ""}, "off_label_drug"),
        ({"question": ""}, "question"),
        ({"bleeding_score": 57}, "bleeding_score"),
        ({"additional_recipients": "pas-une-adresse"}, "additional_recipients"),
        ({"patient_informed_on": None}, "patient_not_opposed"),
    ],
)
def test_incomplete_requests_are_refused_naming_the_field(
    series: MeetingSeries,
    alice: User,
    patient_a: Patient,
    values: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_case(series, alice, patient_a, **values)
    assert field in refused.value.message_dict


def test_a_clinician_cannot_send_a_patient_of_another_centre(
    series: MeetingSeries, charlie: User, patient_a: Patient
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_case(series, charlie, patient_a)
    assert "patient" in refused.value.message_dict


def test_a_clinician_registers_a_new_pseudonymised_patient_with_the_request(
    series: MeetingSeries, charlie: User, centre_b: Centre, nomenclature: None
) -> None:
    case = services.case_request_submit(
        actor=charlie,
        series=series,
        details=case_details(),
        new_patient=identity_input(birth_date=dt.date(2019, 6, 2), sex="M"),
        centre=centre_b,
    )
    assert case.patient.care_episodes.get().centre == centre_b
    assert case.is_paediatric
    assert Identity.objects.filter(link=case.patient.identity_link).exists()


def test_a_new_patient_is_registered_only_at_a_centre_the_requester_edits(
    series: MeetingSeries, charlie: User, centre_a: Centre, nomenclature: None
) -> None:
    """Which centre follows the new patient is input: a centre where the requester may not
    register patients is refused (the form offers only hers; the service checks the value)."""
    patients = Patient.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.case_request_submit(
            actor=charlie,
            series=series,
            details=case_details(),
            new_patient=identity_input(),
            centre=centre_a,
        )
    assert "centre" in refused.value.message_dict
    assert Patient.objects.count() == patients
    assert not CaseRequest.objects.exists()


def test_an_rcp_coordinator_without_patient_rights_refers_the_new_patient_to_the_series_centre(
    series: MeetingSeries, centre_a: Centre, centre_b: Centre, nomenclature: None
) -> None:
    """Without the right to register patients anywhere, the requester (an RCP coordinator
    here) registers none at a centre of her own: the patient is referred to the centre that
    organises the series, as for an invited physician."""
    organiser = make_user(email="rcp-b@hopital.test")
    give_role(organiser, centre_b, Role.RCP_COORDINATOR)
    case = services.case_request_submit(
        actor=organiser, series=series, details=case_details(), new_patient=identity_input()
    )
    assert case.patient.care_episodes.get().centre == centre_a
    assert case.requester_centre == centre_b


def test_an_urgent_request_alerts_the_coordinator_and_the_experts_at_once(
    series: MeetingSeries,
    alice: User,
    patient_a: Patient,
    coordinator: User,
    biologist: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_case(series, alice, patient_a, is_urgent=True, urgency_justification="Chirurgie J+3")
    (mail,) = mailoutbox
    assert set(mail.to) == {coordinator.email, biologist.email}
    assert "URGENTE" in mail.subject
    assert patient_a.pseudonym in mail.subject
    assert "Lefèvre" not in mail.body


def test_an_ordinary_request_alerts_only_the_secretariat(
    series: MeetingSeries,
    alice: User,
    patient_a: Patient,
    coordinator: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_case(series, alice, patient_a)
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_one_completeness_rule_for_submission_and_triage(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> None:
    """Issue 12, defect 6: a therapeutic request without proposal passed submission and was then
    « Bloquant » at triage; what blocks triage (rules.completeness_gaps) now refuses submission,
    and a request accepted by submission is never blocked at triage."""
    with pytest.raises(ValidationError) as refused:
        make_case(meeting.series, alice, patient_a, proposal="")
    assert "proposal" in refused.value.message_dict
    case = make_case(meeting.series, alice, patient_a)
    assert not [gap for gap in services.completeness_gaps(case) if gap.blocking]


def test_a_pregnancy_question_for_a_male_patient_is_refused_naming_the_field(
    series: MeetingSeries, alice: User, centre_a: Centre, nomenclature: None
) -> None:
    """Issue 12, defect 6: a pregnancy question for a male patient was accepted."""
    from filiere.testing.factories import make_patient

    man = make_patient(centre_a, sex="M")
    with pytest.raises(ValidationError) as refused:
        make_case(
            series,
            alice,
            man,
            question_type="pregnancy",
            planned_procedure="Accouchement prévu en mai",
        )
    assert "masculin" in refused.value.message_dict["question_type"][0]
    assert not CaseRequest.objects.exists()


def test_a_completed_request_notifies_those_who_triage(
    meeting: Meeting,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Issue 12, defect 6: completing a returned case did not notify the coordinator."""
    case = make_case(meeting.series, alice, patient_a)
    services.case_return(actor=coordinator, case=case, note="Joignez le bilan.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_update(actor=alice, case=case, details=case_details())
    (mail,) = mailoutbox
    assert mail.to == [coordinator.email]
    assert "complétée" in mail.subject
    assert patient_a.pseudonym in mail.subject


def test_a_case_placed_without_a_time_takes_the_first_free_gap(
    coordinator: User, alice: User, series: MeetingSeries, centre_a: Centre, nomenclature: None
) -> None:
    """Issue 12, defect 6: « à la suite » was refused although 16:54–17:15 was free."""
    from filiere.testing.factories import make_patient
    from filiere.testing.meetings import make_meeting, session_start_today

    meeting = make_meeting(series, starts_at=session_start_today(), duration_minutes=90)
    start = meeting.starts_at
    first, later, third = (make_patient(centre_a, birth_name=n) for n in ("Un", "Deux", "Trois"))
    services.case_accept(
        actor=coordinator,
        case=make_case(series, alice, first),
        meeting=meeting,
        slot_start=start,
        slot_minutes=54,
    )
    services.case_accept(
        actor=coordinator,
        case=make_case(series, alice, later),
        meeting=meeting,
        slot_start=start + dt.timedelta(minutes=75),
        slot_minutes=15,
    )
    item = services.case_accept(
        actor=coordinator,
        case=make_case(series, alice, third),
        meeting=meeting,
        slot_minutes=21,
    )
    assert item.starts_at == start + dt.timedelta(minutes=54)


def test_an_incomplete_request_goes_back_for_completion(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    with pytest.raises(ValidationError) as refused:
        services.case_return(actor=coordinator, case=case, note=" ")
    assert "status_note" in refused.value.message_dict
    services.case_return(actor=coordinator, case=case, note="Précisez la proposition.")
    assert case.status == "returned"
    completed = dataclasses.replace(case_details(), proposal="Acide tranexamique.")
    services.case_request_update(actor=alice, case=case, details=completed)
    assert case.status == "submitted"
    item = services.case_accept(actor=coordinator, case=case, meeting=meeting)
    case.refresh_from_db()
    assert case.status == "accepted"
    assert case.accepted_at is not None
    assert item.starts_at == meeting.starts_at
    assert meeting.participants.get(user=alice).role == "presenter"


def test_a_declined_request_is_final(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    services.case_decline(actor=coordinator, case=case, note="Hors du champ de la RCP.")
    with pytest.raises(ValidationError):
        services.case_accept(actor=coordinator, case=case, meeting=meeting)


def test_the_urgent_path_convenes_a_meeting_and_collects_written_opinions(
    series: MeetingSeries,
    coordinator: User,
    biologist: User,
    geneticist: User,
    alice: User,
    patient_a: Patient,
) -> None:
    services.series_member_add(
        actor=SYSTEM, series=series, user=geneticist, role=SeriesMember.Role.EXPERT
    )
    case = make_case(series, alice, patient_a, is_urgent=True, urgency_justification="J+2")
    item = services.case_accept_urgent(
        actor=coordinator, case=case, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    assert item.meeting.kind == "urgent"
    assert item.meeting.participants.filter(user=geneticist).exists()
    opinion = services.expert_opinion_record(
        actor=geneticist, case=case, position="agrees", opinion="Favorable."
    )
    assert opinion.specialty == "medical_genetics"
    with pytest.raises(ValidationError, match="déjà donné"):
        services.expert_opinion_record(
            actor=geneticist, case=case, position="agrees", opinion="Encore."
        )
    with pytest.raises(ValidationError, match="pas inscrit"):
        services.expert_opinion_record(
            actor=alice.__class__.objects.create_user("x@h.test", "p"),
            case=case,
            position="agrees",
            opinion="?",
        )


def test_written_opinions_are_only_for_urgent_meetings(
    meeting: Meeting, coordinator: User, biologist: User, alice: User, patient_a: Patient
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    with pytest.raises(ValidationError, match="urgente"):
        services.expert_opinion_record(
            actor=biologist, case=case, position="agrees", opinion="Favorable."
        )


def test_a_case_can_move_to_another_meeting(
    meeting: Meeting, coordinator: User, alice: User, patient_a: Patient, charlie: User
) -> None:
    from filiere.testing.meetings import make_meeting

    later = make_meeting(meeting.series, starts_at=meeting.starts_at + dt.timedelta(days=14))
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.case_accept(actor=coordinator, case=case, meeting=later)
    outcomes = dict(case.agenda_items.values_list("meeting_id", "outcome"))
    assert outcomes == {meeting.pk: "postponed", later.pk: "pending"}
    register(later, charlie)
