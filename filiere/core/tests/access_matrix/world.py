"""The access matrix's world: three centres, one persona per role, objects of every kind.

Every persona works at centre A. Centre B is another staffed centre; centre C is a centre no
persona belongs to (its objects are owned by a clinician of C alone). The invited external
physician has no centre: she was invited to centre A's case-meeting series and accepted.
Built once per test module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.network.models import Centre, Role

ANONYMOUS = "anonymous"
INVITED = "invited_external"
# One persona per role of filiere.network.models.Role, plus the invited physician and nobody.
PERSONAS: tuple[str, ...] = (
    ANONYMOUS,
    Role.CLINICIAN,
    Role.CENTRE_COORDINATOR,
    Role.RCP_COORDINATOR,
    Role.TRANSFUSION_SPECIALIST,
    Role.DATA_MANAGER,
    Role.NETWORK_COORDINATOR,
    Role.AUDITOR,
    INVITED,
)
CENTRES = ("A", "B", "C")
PASSWORD = "Un-long-mot-de-passe-2026"
BORN = dt.date(2011, 3, 4)


@dataclass
class World:
    centres: dict[str, Centre]
    users: dict[str, User]
    # Centre letter -> object name -> URL arguments of that object.
    objects: dict[str, dict[str, dict[str, Any]]]
    clients: dict[str, Client] = field(default_factory=dict)
    api_clients: dict[str, Client] = field(default_factory=dict)


def _objects(centre: Centre, owner: User) -> dict[str, dict[str, Any]]:
    """Objects of ``centre``; the case-meeting ones are coordinated and attended by ``owner``."""
    from filiere.directory.tests.factories import make_test
    from filiere.events.tests.factories import make_event
    from filiere.guidelines.tests.factories import make_action, make_group, make_project
    from filiere.identity.models import DuplicateSuspicion
    from filiere.jobs.models import Job, OutgoingMail
    from filiere.jobs.services import job_create, outbox_add
    from filiere.meetings.models import SeriesMember
    from filiere.patients.services import diagnosis_record
    from filiere.surveys.tests.factories import make_survey
    from filiere.testing.education import matrix_world as education_world
    from filiere.testing.factories import (
        glanzmann_values,
        make_activity_report,
        make_export,
        make_patient,
    )
    from filiere.testing.followup import matrix_world as followup_world
    from filiere.testing.meetings import (
        matrix_avis_template_world,
        matrix_ratification_world,
        matrix_world,
    )
    from filiere.testing.research import make_research_request
    from filiere.transfusion.tests.factories import make_instruction

    patient = make_patient(centre)
    twins = [
        make_patient(
            centre, birth_name=f"Gémeau-{centre.city}", first_given_name="Inès", birth_date=BORN
        ).identity_link
        for _ in range(2)
    ]
    first, second = sorted(twins, key=str)
    suspicion = DuplicateSuspicion.objects.get(first_link=first, second_link=second)
    diagnosis = diagnosis_record(actor=SYSTEM, patient=patient, centre=centre, **glanzmann_values())
    rcp = matrix_world(centre, owner)
    member = SeriesMember.objects.get(series__public_id=rcp["series_id"], user=owner)
    # An e-mail of the centre given up after its last attempt.
    mail = outbox_add(
        kind="rcp.avis", to=[owner.email], subject="Avis de RCP", body="Texte", centre=centre
    )
    OutgoingMail.objects.filter(pk=mail.pk).update(status=OutgoingMail.Status.FAILED, attempts=5)
    # A PNDS coordinated by ``owner``, with one working group; an action of the plan owned by her.
    guideline = make_project(coordinators=[owner], title=f"PNDS {centre.city}", disease_codes=[])
    guideline_group = make_group(guideline)
    return {
        "centre": {"public_id": centre.public_id, "centre_id": centre.public_id},
        "patient": {"public_id": patient.public_id, "patient_id": patient.public_id},
        "diagnosis": {"public_id": patient.public_id, "diagnosis_id": diagnosis.public_id},
        "record": {
            "public_id": patient.public_id,
            "patient_id": patient.public_id,
            "slug": "diagnostic",
            "kind": "diagnostic",
            "record_id": diagnosis.public_id,
        },
        "instruction": {
            "public_id": patient.public_id,
            "instruction_id": make_instruction(patient).public_id,
        },
        "rcp": rcp | {"member_id": member.public_id},
        "ratification": matrix_ratification_world(centre, owner),
        "avis_template": matrix_avis_template_world(centre, owner),
        "followup": followup_world(centre),
        "duplicate": {"suspicion_id": suspicion.public_id},
        "job": {"job_id": job_create(actor=owner, kind=Job.Kind.FOLLOWUP_REFRESH).public_id},
        "export": {"job_id": make_export(centre).public_id},
        "report": {"job_id": make_activity_report(owner, centre).public_id, "extension": "csv"},
        "mail": {"mail_id": mail.public_id},
        "research": {"request_id": make_research_request(owner).public_id},
        "survey": {"survey_id": make_survey(title=f"Enquête {centre.city}").public_id},
        # A diagnostic test of the centre's laboratory, in draft.
        "directory_test": {
            "test_id": make_test(centre, publish=False, indication_codes=[]).public_id
        },
        "etp": education_world(centre, owner),
        "guideline": {"project_id": guideline.public_id},
        "guideline_group": {
            "project_id": guideline.public_id,
            "group_id": guideline_group.public_id,
        },
        "plan_action": {"action_id": make_action(owner, number=centre.short_name).public_id},
        # An event organised by the centre, not yet published.
        "event": {"event_id": make_event(centre, publish=False).public_id},
    }


def build_world() -> World:
    from filiere.accounts.services import api_token_create
    from filiere.meetings import services as meetings
    from filiere.meetings.models import MeetingSeries
    from filiere.testing.factories import (
        TOTP,
        TOTP_SECRET,
        give_role,
        load_test_nomenclature,
        make_centre,
        make_user,
    )

    load_test_nomenclature()
    centres = {
        "A": make_centre(name="CRPP Marseille (A)", short_name="Centre A"),
        "B": make_centre(name="CCMR Lille (B)", short_name="Centre B", city="Lille", region="32"),
        "C": make_centre(name="CCMR Brest (C)", short_name="Centre C", city="Brest", region="53"),
    }
    users: dict[str, User] = {}
    for role in PERSONAS:
        if role in (ANONYMOUS, INVITED):
            continue
        users[role] = make_user(email=f"{role}@a.test", first_name="Persona", last_name=role)
        give_role(users[role], centres["A"], role)
    owner_b = make_user(email="owner@b.test", first_name="Bruno", last_name="Lille")
    give_role(owner_b, centres["B"], Role.CLINICIAN)
    owner_c = make_user(email="owner@c.test", first_name="Chloé", last_name="Brest")
    give_role(owner_c, centres["C"], Role.CLINICIAN)
    objects = {
        "A": _objects(centres["A"], users[Role.CLINICIAN]),
        "B": _objects(centres["B"], owner_b),
        "C": _objects(centres["C"], owner_c),
    }
    world = World(centres=centres, users=users, objects=objects)
    world.clients[ANONYMOUS] = Client()
    world.api_clients[ANONYMOUS] = Client()
    for role, user in users.items():
        world.clients[role] = Client()
        world.clients[role].force_login(user)
        _, raw = api_token_create(actor=user, name="lecture")
        world.api_clients[role] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # The external physician accepts her invitation to centre A's series through the real flow.
    series = MeetingSeries.objects.get(public_id=objects["A"]["rcp"]["series_id"])
    _, token = meetings.external_physician_invite(
        actor=users[Role.CLINICIAN],
        series=series,
        email="externe@ailleurs.test",
        first_name="Eva",
        last_name="Xterne",
        specialty="haematology",
    )
    accepting = Client()
    accepting.get(f"/rcp/invitation/{token}/")
    accepted = accepting.post("/rcp/invitation/", {"password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 302, accepted.content
    users[INVITED] = User.objects.get(email="externe@ailleurs.test")
    # She then activates her second factor, as the invitation page asks.
    TOTP.activate(users[INVITED], TOTP_SECRET)
    world.clients[INVITED] = Client()
    world.clients[INVITED].force_login(users[INVITED])
    _, raw = api_token_create(actor=users[INVITED], name="lecture")
    world.api_clients[INVITED] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return world


def world_in_rollback(django_db_blocker: Any) -> Iterator[World]:
    """Build the world in a transaction that the end of the module rolls back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
