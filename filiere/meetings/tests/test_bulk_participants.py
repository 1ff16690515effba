"""Registering a list of participants (pasted or CSV) and the series' members in one click
(issue 12, build 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.lib.identifiers import luhn_key
from filiere.meetings import participant_list, services
from filiere.meetings.models import Meeting, MeetingSeries, Participant, SeriesMember
from filiere.network.models import Centre
from filiere.testing.factories import make_user
from filiere.testing.meetings import make_physician

ClientFor = Callable[[User], Client]
RPPS_GIRARD = "1000000000" + luhn_key("1000000000")


# --- Reading the list (pure) ---------------------------------------------------------------


def test_a_list_reads_semicolons_commas_a_header_and_a_byte_order_mark() -> None:
    text = (
        "\ufeffE-mail;Spécialité;Rôle\r\nBio@Hopital.test ; Hématologie\r\n\r\n123 456 789 01,x\n"
    )
    lines = participant_list.read_lines(text)
    assert [(line.number, line.identifier, line.specialty, line.role) for line in lines] == [
        (2, "bio@hopital.test", "Hématologie", ""),
        (4, "12345678901", "x", ""),
    ]
    assert participant_list.read_lines("a@b.test,medical_genetics,expert")[0].role == "expert"
    assert participant_list.read_lines("E-mail ou RPPS;Spécialité\nx@y.test;")[0].number == 2
    assert participant_list.decode("é".encode("utf-8-sig")) == "é"


def test_a_specialty_is_its_code_or_its_label_whatever_the_case_and_accents() -> None:
    choices = {"haematology": "Hématologie", "medical_genetics": "Génétique médicale"}
    assert participant_list.choice_matching("HEMATOLOGIE", choices) == "haematology"
    assert participant_list.choice_matching("génétique  Médicale", choices) == "medical_genetics"
    assert participant_list.choice_matching("medical_genetics", choices) == "medical_genetics"
    assert participant_list.choice_matching("cardiologie", choices) is None
    assert participant_list.choice_matching("", choices) is None


# --- The service ------------------------------------------------------------------------------


@pytest.fixture
def girard(biologist: User) -> User:
    biologist.rpps = RPPS_GIRARD
    biologist.save(update_fields=["rpps"])
    return biologist


@pytest.mark.django_db
def test_the_check_says_line_by_line_what_is_added_and_why_the_rest_is_refused(
    meeting: Meeting, girard: User, geneticist: User, coordinator: User, centre_a: Centre
) -> None:
    newcomer = make_physician(centre_a, "paediatrics", email="ped@hopital.test")
    text = "\n".join(
        [
            "email;specialite;role",
            f"{RPPS_GIRARD};Biologie de l'hemostase",  # already registered (series member)
            "ped@hopital.test;pediatrie",
            "genet@hopital.test;Génétique médicale;expert",
            "inconnu@ailleurs.test;Hématologie",
            "PED@hopital.test;Pédiatrie",
            "genet2@hopital.test;cardiologie",
            "pas-un-identifiant;Hématologie",
        ]
    )
    make_physician(centre_a, "haematology", email="genet2@hopital.test")
    checked = services.participant_list_check(meeting, text)
    assert [(r.number, r.user, r.specialty, r.role) for r in checked.accepted] == [
        (3, newcomer, "paediatrics", Participant.Role.ATTENDEE),
        (4, geneticist, "medical_genetics", Participant.Role.EXPERT),
    ]
    refusals = {r.number: r.refusal for r in checked.refused}
    assert "déjà inscrit" in refusals[2]
    assert "Aucun compte Filière avec cette adresse" in refusals[5]
    assert "expert extérieur" in refusals[5]
    assert refusals[6] == "Doublon de la ligne 3."
    assert refusals[7] == "Spécialité inconnue : « cardiologie »."
    assert "Ni une adresse e-mail ni un numéro RPPS" in refusals[8]
    assert checked.unknown_accounts


@pytest.mark.django_db
def test_adding_a_list_registers_the_valid_lines_as_participants_and_invites_them(
    meeting: Meeting,
    coordinator: User,
    centre_a: Centre,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    users = [make_physician(centre_a, "haematology") for _ in range(3)]
    mail.outbox.clear()
    text = "\n".join(f"{u.email};" for u in users) + "\ninconnu@ailleurs.test;Hématologie"
    with django_capture_on_commit_callbacks(execute=True):
        done = services.participants_add_list(actor=coordinator, meeting=meeting, text=text)
    assert len(done.accepted) == 3
    assert len(done.refused) == 1
    added = Participant.objects.filter(meeting=meeting, user__in=users)
    # Nobody becomes coordinator for want of a role (issue 12, defect 6).
    assert {p.role for p in added} == {Participant.Role.ATTENDEE}
    assert {p.specialty for p in added} == {"haematology"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert AuditEvent.objects.filter(
        actor=coordinator, summary__startswith="3 participant(s) inscrit(s) par liste"
    ).exists()


@pytest.mark.django_db
def test_a_list_with_nothing_valid_changes_nothing(meeting: Meeting, coordinator: User) -> None:
    before = meeting.participants.count()
    with pytest.raises(ValidationError) as refusal:
        services.participants_add_list(
            actor=coordinator, meeting=meeting, text="inconnu@ailleurs.test;Hématologie"
        )
    assert "lines" in refusal.value.message_dict
    assert meeting.participants.count() == before


@pytest.mark.django_db
def test_only_the_series_staff_add_a_list(
    meeting: Meeting, biologist: User, centre_a: Centre, client_for: ClientFor
) -> None:
    """An expert of the series gets the page's audited 404 (the service trusts its caller)."""
    user = make_physician(centre_a, "haematology")
    response = client_for(biologist).post(
        f"/rcp/reunions/{meeting.public_id}/participants/liste/",
        {"text": user.email, "confirmed": "1"},
    )
    assert response.status_code == 404
    assert not meeting.participants.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=biologist, object_id=str(meeting.public_id)
    ).exists()


@pytest.mark.django_db
def test_the_series_members_not_yet_registered_are_added_in_one_call(
    series: MeetingSeries, meeting: Meeting, coordinator: User, centre_a: Centre
) -> None:
    later = [make_physician(centre_a, "medical_genetics") for _ in range(2)]
    gone = make_physician(centre_a, "haematology")
    secretary = make_user(email="secretariat@hopital.test")
    for user in [*later, gone]:
        services.series_member_add(
            actor=SYSTEM, series=series, user=user, role=SeriesMember.Role.EXPERT
        )
    services.series_member_add(
        actor=SYSTEM, series=series, user=secretary, role=SeriesMember.Role.SECRETARY
    )
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    added = services.participants_add_series_members(actor=coordinator, meeting=meeting)
    assert {p.user for p in added} == set(later)
    assert {p.role for p in added} == {Participant.Role.EXPERT}
    assert services.participants_add_series_members(actor=coordinator, meeting=meeting) == []


# --- The pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_is_shown_before_anything_is_registered_then_confirmed(
    meeting: Meeting, coordinator: User, centre_a: Centre, client_for: ClientFor
) -> None:
    user = make_physician(centre_a, "haematology", last_name="Mercier")
    client = client_for(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/participants/liste/"
    page = client.get(f"/rcp/reunions/{meeting.public_id}/")
    assert "Ajouter les membres de la série" in page.content.decode()
    preview = client.post(url, {"lines": f"{user.email};\ninconnu@ailleurs.test;Hématologie"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Mercier" in html
    assert "Aucun compte Filière" in html
    assert not meeting.participants.filter(user=user).exists()
    done = client.post(url, {"lines": f"{user.email};", "confirmed": "1"}, follow=True)
    assert "1 participant inscrit et invité." in done.content.decode()
    assert meeting.participants.filter(user=user, role=Participant.Role.ATTENDEE).exists()


@pytest.mark.django_db
def test_an_uploaded_csv_with_a_byte_order_mark_is_read(
    meeting: Meeting, coordinator: User, centre_a: Centre, client_for: ClientFor
) -> None:
    user = make_physician(centre_a, "haematology", last_name="Éluard")
    upload = SimpleUploadedFile(
        "liste.csv", f"E-mail;Spécialité\r\n{user.email};Hématologie\r\n".encode("utf-8-sig")
    )
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/participants/liste/", {"file": upload}
    )
    assert "Éluard" in response.content.decode()
    bad = SimpleUploadedFile("liste.csv", "é;x".encode("latin-1"))
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/participants/liste/", {"file": bad}
    )
    assert "enregistrez-le en UTF-8" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_list_names_the_field(
    meeting: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/participants/liste/", {"lines": "  "}
    )
    assert "Collez une liste ou choisissez un fichier CSV." in response.content.decode()


@pytest.mark.django_db
def test_the_list_and_the_series_button_are_refused_outside_the_staff(
    meeting: Meeting, biologist: User, charlie: User, client_for: ClientFor
) -> None:
    base = f"/rcp/reunions/{meeting.public_id}/participants/"
    for user in (biologist, charlie):
        client = client_for(user)
        assert client.get(base + "liste/").status_code == 404
        assert (
            client.post(base + "liste/", {"lines": charlie.email, "confirmed": "1"}).status_code
            == 404
        )
        assert client.post(base + "membres-serie/").status_code == 404
    assert not meeting.participants.filter(user=charlie).exists()


@pytest.mark.django_db
def test_the_series_button_confirms_how_many_were_added(
    series: MeetingSeries,
    meeting: Meeting,
    coordinator: User,
    centre_a: Centre,
    client_for: ClientFor,
) -> None:
    user = make_physician(centre_a, "medical_genetics")
    services.series_member_add(
        actor=SYSTEM, series=series, user=user, role=SeriesMember.Role.EXPERT
    )
    response = client_for(coordinator).post(
        f"/rcp/reunions/{meeting.public_id}/participants/membres-serie/", follow=True
    )
    assert "1 membre de la série inscrit et invité." in response.content.decode()
    assert meeting.participants.filter(user=user).exists()
