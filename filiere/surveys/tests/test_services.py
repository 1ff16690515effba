"""The survey services: one answer per personal link, anonymous, audited; refusals write
nothing and say why in French."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.jobs.models import OutgoingMail
from filiere.network.models import Centre, Role
from filiere.surveys import services
from filiere.surveys.models import Answer, Invitation, Survey
from filiere.surveys.tests.factories import invite_with_token, make_survey, ranks
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int]:
    return (
        Answer.objects.count(),
        Invitation.objects.filter(answered_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )


def test_a_survey_is_created_with_its_lists_in_order(network_coordinator: User) -> None:
    survey = services.survey_create(
        actor=network_coordinator,
        title="Enquête 2024",
        lists=[("10 actions", ["Webinaires", "RCP nationale"]), ("", [])],
    )
    assert survey.status == Survey.Status.DRAFT
    (ranked,) = survey.lists.all()
    assert [item.label for item in ranked.items.all()] == ["Webinaires", "RCP nationale"]
    event = AuditEvent.objects.get(object_id=str(survey.public_id))
    assert event.actor == network_coordinator


def test_a_list_with_a_repeated_item_is_refused_naming_the_list(
    network_coordinator: User,
) -> None:
    with pytest.raises(ValidationError) as error:
        services.survey_create(
            actor=network_coordinator, title="X", lists=[("Outils", ["Carnet", "Carnet"])]
        )
    assert error.value.message_dict == {
        "list_1": ["Liste « Outils » : un élément y figure deux fois."]
    }
    assert not Survey.objects.exists()


def test_the_members_are_invited_once_each_with_a_link_whose_hash_only_is_kept(
    centre_a: Centre,
    centre_b: Centre,
    alice: User,
    charlie: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_user(email="sans-role@filiere.test")  # no membership: not a member
    survey = make_survey()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.survey_invite(actor=SYSTEM, survey=survey, centres=[centre_a])
    assert [link.email for link in sent] == ["alice@hopital.test"]
    (message,) = mail.outbox
    assert message.to == ["alice@hopital.test"]
    found = re.search(r"/enquetes/r/([\w-]+)/", str(message.body))
    assert found is not None
    token = found.group(1)
    assert token == sent[0].token
    invitation = Invitation.objects.get(user=alice)
    assert invitation.token_hash == services.token_hash(token) != token
    assert token not in str(list(Invitation.objects.values()))
    # Sent through the outbox, which erases the message (and its link) once delivered.
    sent_mail = OutgoingMail.objects.get(kind="enquete.invitation")
    assert sent_mail.status == OutgoingMail.Status.SENT
    assert token not in sent_mail.body
    with django_capture_on_commit_callbacks(execute=True):
        assert len(services.survey_invite(actor=SYSTEM, survey=survey)) == 1  # charlie only
    assert [m.to for m in mail.outbox[1:]] == [["charlie@hopital.test"]]


def test_a_draft_survey_sends_no_invitation(alice: User) -> None:
    survey = make_survey(status=Survey.Status.DRAFT)
    with pytest.raises(ValidationError, match="ouvrez l'enquête"):
        services.survey_invite(actor=SYSTEM, survey=survey)
    assert not Invitation.objects.exists()


def test_one_answer_per_link_the_second_is_refused_and_writes_nothing(alice: User) -> None:
    survey = make_survey()
    invite_with_token(survey, alice, "jeton-alice")
    answer = services.survey_answer(token="jeton-alice", ranks=ranks(survey, [2, 1, 3], [1, 2]))
    assert answer.survey == survey
    assert Invitation.objects.get(user=alice).answered_at is not None
    before = _snapshot()
    with pytest.raises(services.AnswerRefused) as error:
        services.survey_answer(token="jeton-alice", ranks=ranks(survey, [1, 2, 3], [2, 1]))
    assert error.value.messages == ["Ce lien a déjà servi : une seule réponse par personne."]
    assert _snapshot() == before


def test_an_unknown_link_is_refused(alice: User) -> None:
    survey = make_survey()
    before = _snapshot()
    with pytest.raises(services.AnswerRefused) as error:
        services.survey_answer(token="inconnu", ranks=ranks(survey, [1, 2, 3], [1, 2]))
    assert error.value.messages == ["Ce lien d'enquête est inconnu : vérifiez qu'il est complet."]
    assert _snapshot() == before


def test_a_closed_survey_takes_no_answer(alice: User) -> None:
    survey = make_survey()
    invite_with_token(survey, alice, "jeton")
    services.survey_close(actor=SYSTEM, survey=survey)
    before = _snapshot()
    with pytest.raises(services.AnswerRefused) as error:
        services.survey_answer(token="jeton", ranks=ranks(survey, [1, 2, 3], [1, 2]))
    assert error.value.messages == [
        "Cette enquête n'est pas ouverte : elle ne reçoit pas de réponse."
    ]
    assert _snapshot() == before


def test_two_items_sharing_a_rank_are_refused_naming_the_list(alice: User) -> None:
    survey = make_survey()
    invite_with_token(survey, alice, "jeton")
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.survey_answer(token="jeton", ranks=ranks(survey, [1, 2, 3], [1, 1]))
    assert list(error.value.message_dict.values()) == [
        ["Liste « Outils » : donnez à chaque élément un rang différent, de 1 à 2."]
    ]
    assert _snapshot() == before
    assert Invitation.objects.get(user=alice).answered_at is None


def test_the_answer_and_its_audit_name_neither_the_member_nor_the_invitation(
    alice: User,
) -> None:
    survey = make_survey()
    invitation = invite_with_token(survey, alice, "jeton")
    answer = services.survey_answer(token="jeton", ranks=ranks(survey, [3, 2, 1], [2, 1]))
    field_names = {field.name for field in Answer._meta.get_fields()}
    assert field_names == {"id", "survey", "ranks"}
    event = AuditEvent.objects.filter(object_type="surveys.answer").get()
    assert event.actor is None
    assert event.object_id == str(survey.public_id)
    recorded = f"{event.object_id} {event.summary} {event.changes}"
    for secret in (str(answer.pk), str(invitation.public_id), "jeton", alice.email):
        assert secret not in recorded
    assert services.token_hash("jeton") not in recorded


def test_a_concurrent_second_submit_loses_the_conditional_update(alice: User) -> None:
    """Two requests read the link unused; the first records its answer; the second, holding
    the invitation as it read it, is refused by the conditional UPDATE and writes nothing."""
    survey = make_survey()
    invite_with_token(survey, alice, "jeton")
    read_by_second = services.invitation_for_token("jeton")
    services.survey_answer(token="jeton", ranks=ranks(survey, [1, 2, 3], [1, 2]))
    before = _snapshot()
    with pytest.raises(services.AnswerRefused, match="déjà servi"):
        services.answer_record(invitation=read_by_second, ranks=ranks(survey, [3, 2, 1], [2, 1]))
    assert _snapshot() == before
    assert Answer.objects.count() == 1


def test_open_then_close_and_a_second_close_is_refused(network_coordinator: User) -> None:
    survey = make_survey(status=Survey.Status.DRAFT)
    services.survey_open(actor=network_coordinator, survey=survey)
    services.survey_close(actor=network_coordinator, survey=survey)
    with pytest.raises(ValidationError, match="seule une enquête ouverte"):
        services.survey_close(actor=network_coordinator, survey=survey)
    assert Survey.objects.get().status == Survey.Status.CLOSED


def test_an_inactive_member_is_not_invited(centre_a: Centre) -> None:
    gone = make_user(email="parti@filiere.test")
    give_role(gone, centre_a, Role.CLINICIAN)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    survey = make_survey()
    assert services.survey_invite(actor=SYSTEM, survey=survey) == []
