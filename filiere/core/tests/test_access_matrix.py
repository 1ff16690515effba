"""Deny by default: every page and API route needs a login or a token.

A new route with an object identifier in its path must be added to OBJECT_ROUTES, which says
how to build an object of centre A (the browser form tests open each page with it). Who may
open each route, persona by persona and centre by centre, is the access matrix's job
(access_matrix/, OWASP ASVS v5.0.0-8.2.2, test A-01 of the security plan).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.api import api
from filiere.network.models import Centre

pytestmark = pytest.mark.django_db

# Pages anyone may open without logging in (allauth's own pages are checked by allauth).
# The invitation form is opened by a physician without an account yet; it answers 404 unless the
# session holds a usable invitation link (filiere/meetings/tests/test_invitation_sessions.py).
# A member answers a survey through her personal link, without an account: the token is the
# credential (filiere/surveys/tests/test_views.py).
# The public directory is open to all: only what the network coordinator published
# (filiere/directory/tests/test_public_views.py).
PUBLIC_PAGES: set[str] = {
    "directory:index",
    "directory:centre",
    "directory:tests",
    "directory:test",
    "directory:export_csv",
    "directory:export_json",
    "events:list",
    "events:detail",
    "events:calendar",
    "set_language",
    "health",
    "metrics",
    "meetings:invitation_accept",
    "surveys:respond",
}

# Route name -> (builder of the URL kwargs for an object of centre A, page or API).
ObjectBuilder = Callable[[Centre, User], dict[str, Any]]


def _patient(centre: Centre, user: User) -> dict[str, Any]:
    from filiere.testing.factories import load_test_nomenclature, make_patient

    load_test_nomenclature()
    return {"public_id": make_patient(centre).public_id}


def _diagnosis(centre: Centre, user: User) -> dict[str, Any]:
    from filiere.patients.models import Patient
    from filiere.patients.services import diagnosis_record
    from filiere.testing.factories import glanzmann_values

    kwargs = _patient(centre, user)
    patient = Patient.objects.get(public_id=kwargs["public_id"])
    diagnosis = diagnosis_record(actor=SYSTEM, patient=patient, centre=centre, **glanzmann_values())
    return kwargs | {"diagnosis_id": diagnosis.public_id}


def _diagnosis_record(centre: Centre, user: User) -> dict[str, Any]:
    kwargs = _diagnosis(centre, user)
    return {
        "public_id": kwargs["public_id"],
        "slug": "diagnostic",
        "record_id": kwargs["diagnosis_id"],
    }


def _transfusion_instruction(centre: Centre, user: User) -> dict[str, Any]:
    from filiere.patients.models import Patient
    from filiere.transfusion.tests.factories import make_instruction

    kwargs = _patient(centre, user)
    patient = Patient.objects.get(public_id=kwargs["public_id"])
    return kwargs | {"instruction_id": make_instruction(patient).public_id}


def _rcp(*names: str) -> ObjectBuilder:
    """A closed case meeting coordinated and attended by the user, with their signed case."""

    def build(centre: Centre, user: User) -> dict[str, Any]:
        from filiere.testing.meetings import matrix_world

        world = matrix_world(centre, user)
        return {name: world[name] for name in names}

    return build


def _rcp_ratification(centre: Centre, user: User) -> dict[str, Any]:
    """An urgent avis requested by the user, ratified at a meeting they coordinate."""
    from filiere.testing.meetings import matrix_ratification_world

    return matrix_ratification_world(centre, user)


def _rcp_avis_template(centre: Centre, user: User) -> dict[str, Any]:
    """A template of avis text of a series coordinated by the user."""
    from filiere.testing.meetings import matrix_avis_template_world

    return matrix_avis_template_world(centre, user)


def _job(centre: Centre, user: User) -> dict[str, Any]:
    """A background job the user asked for."""
    from filiere.jobs.models import Job
    from filiere.jobs.services import job_create

    return {"job_id": job_create(actor=user, kind=Job.Kind.FOLLOWUP_REFRESH).public_id}


def _export(centre: Centre, user: User) -> dict[str, Any]:
    """The centre's SDM-MR export, run (its zip written) as the worker would run it."""
    from filiere.testing.factories import make_export

    return {"job_id": make_export(centre).public_id}


def _report(centre: Centre, user: User) -> dict[str, Any]:
    """The user's activity report of the centre, its PDF and CSV written as the worker would."""
    from filiere.testing.factories import make_activity_report

    return {"job_id": make_activity_report(user, centre).public_id, "extension": "csv"}


def _research_request(centre: Centre, user: User) -> dict[str, Any]:
    """A research extract request of the user's, awaiting its decision."""
    from filiere.testing.research import make_research_request

    return {"request_id": make_research_request(user).public_id}


def _followup(*names: str) -> ObjectBuilder:
    """A patient of the centre with a visit, an ISTH-BAT and a treatment (follow-up module)."""

    def build(centre: Centre, user: User) -> dict[str, Any]:
        from filiere.testing.followup import matrix_world

        world = matrix_world(centre)
        return {name: world[name] for name in names}

    return build


def _survey(centre: Centre, user: User) -> dict[str, Any]:
    """A survey of the network, open (a survey belongs to no centre)."""
    from filiere.surveys.tests.factories import make_survey

    return {"survey_id": make_survey().public_id}


def _etp(centre: Centre, user: User) -> dict[str, Any]:
    """A programme of the centre whose team counts the user, with a session and a participant."""
    from filiere.testing.education import matrix_world

    return matrix_world(centre, user)


def _directory_profile(centre: Centre, user: User) -> dict[str, Any]:
    """The centre's published profile in the public directory."""
    from filiere.directory.tests.factories import make_profile

    return {"centre_id": make_profile(centre, disease_codes=[]).centre.public_id}


def _directory_test(centre: Centre, user: User) -> dict[str, Any]:
    """A published diagnostic test of the centre's laboratory."""
    from filiere.directory.tests.factories import make_test

    return {"test_id": make_test(centre, indication_codes=[]).public_id}


def _guideline(centre: Centre, user: User) -> dict[str, Any]:
    """A PNDS coordinated by the user, with a working group, and an action of the plan."""
    from filiere.guidelines.tests.factories import make_action, make_group, make_project

    project = make_project(coordinators=[user], disease_codes=[])
    return {
        "project_id": project.public_id,
        "group_id": make_group(project).public_id,
        # Built once per route: each action needs a number of its own.
        "action_id": make_action(user, number=uuid.uuid4().hex[:8]).public_id,
    }


def _event(centre: Centre, user: User) -> dict[str, Any]:
    """A published event organised by the centre."""
    from filiere.events.tests.factories import make_event

    return {"event_id": make_event(centre).public_id}


OBJECT_ROUTES: dict[str, ObjectBuilder] = {
    "guidelines:project": _guideline,
    "guidelines:project_edit": _guideline,
    "guidelines:group_create": _guideline,
    "guidelines:group_edit": _guideline,
    "guidelines:meeting_add": _guideline,
    "guidelines:version_add": _guideline,
    "guidelines:action_edit": _guideline,
    "events:detail": _event,
    "events:edit": _event,
    "events:registrations": _event,
    "events:registrations_csv": _event,
    "directory:centre": _directory_profile,
    "directory:test": _directory_test,
    "directory:profile_edit": lambda centre, user: {"centre_id": centre.public_id},
    "directory:test_edit": _directory_test,
    "education:detail": _etp,
    "education:team_add": _etp,
    "education:session_create": _etp,
    "education:session": _etp,
    "education:participant_add": _etp,
    "education:evaluation_add": _etp,
    "surveys:detail": _survey,
    "surveys:invite": _survey,
    "surveys:results": _survey,
    "surveys:results_csv": _survey,
    "network:centre_detail": lambda centre, user: {"public_id": centre.public_id},
    "patients:detail": _patient,
    "patients:identity_edit": _patient,
    "patients:status_edit": _patient,
    "patients:diagnosis_add": _patient,
    "patients:diagnosis_edit": _diagnosis,
    "patients:record_correct": _diagnosis_record,
    "patients:record_withdraw": _diagnosis_record,
    "patients:record_history": _diagnosis_record,
    "patients:finding_add": _patient,
    "patients:phenotype_add": _patient,
    "patients:workup_add": _patient,
    "patients:consent_add": _patient,
    "patients:episode_add": _patient,
    "transfusion:patient": _patient,
    "transfusion:transfusion_add": _patient,
    "transfusion:profile_edit": _patient,
    "transfusion:typing_add": _patient,
    "transfusion:screen_add": _patient,
    "transfusion:instruction": _patient,
    "transfusion:instruction_results": _patient,
    "transfusion:instruction_detail": _transfusion_instruction,
    "transfusion:instruction_pdf": _transfusion_instruction,
    "patients:sdm_mr": _patient,
    "followup:worklist": lambda centre, user: {"centre_id": centre.public_id},
    "followup:patient": _patient,
    "followup:visit_add": _patient,
    "followup:visit_edit": _followup("public_id", "visit_id"),
    "jobs:detail": _job,
    "jobs:file": _export,
    "jobs:other_file": _report,
    "research:detail": _research_request,
    "followup:isth_bat_add": _patient,
    "followup:isth_bat_detail": _followup("public_id", "score_id"),
    "followup:bleed_add": _patient,
    "followup:treatment_add": _patient,
    "followup:treatment_edit": _followup("public_id", "treatment_id"),
    "followup:adverse_event_add": _patient,
    "followup:care_card": _patient,
    "followup:booklet": _patient,
    "meetings:series_detail": _rcp("series_id"),
    "meetings:series_edit": _rcp("series_id"),
    "meetings:invite": _rcp("series_id"),
    "meetings:meeting_create": _rcp("series_id"),
    "meetings:meeting_detail": _rcp("meeting_id"),
    "meetings:meeting_edit": _rcp("meeting_id"),
    "meetings:meeting_live": _rcp("meeting_id"),
    "meetings:meeting_quorum": _rcp("meeting_id"),
    "meetings:meeting_ics": _rcp("meeting_id"),
    "meetings:attendance_csv": _rcp("meeting_id"),
    "meetings:certificate": _rcp("meeting_id", "participant_id"),
    "meetings:case_detail": _rcp("case_id"),
    "meetings:case_edit": _rcp("case_id"),
    "meetings:case_triage": _rcp("case_id"),
    "meetings:attachment_download": _rcp("case_id", "attachment_id"),
    "meetings:recommendation_edit": _rcp("case_id"),
    "meetings:recommendation_pdf": _rcp("case_id", "recommendation_id"),
    "meetings:ratification_pdf": _rcp_ratification,
    "meetings:recommendation_record_copy": _rcp("case_id", "recommendation_id"),
    "meetings:certificates_zip": _rcp("meeting_id"),
    "meetings:follow_up": _rcp("case_id"),
    "meetings:participant_list": _rcp("meeting_id"),
    "meetings:presentation": _rcp("meeting_id"),
    "meetings:agenda_pdf": _rcp("meeting_id"),
    "meetings:case_move": _rcp("meeting_id"),
    "meetings:series_calendar": _rcp("series_id"),
    "meetings:avis_template_create": _rcp("series_id"),
    "meetings:avis_template_edit": _rcp_avis_template,
}
OBJECT_API_PATHS: dict[str, ObjectBuilder] = {
    **{
        f"/api/v1/suivi/patients/{{patient_id}}/{resource}": lambda centre, user: {
            "patient_id": _patient(centre, user)["public_id"]
        }
        for resource in (
            "visites",
            "isth-bat",
            "saignements",
            "traitements",
            "evenements-indesirables",
        )
    },
    "/api/v1/suivi/centres/{centre_id}/retards": lambda centre, user: {
        "centre_id": centre.public_id
    },
    "/api/v1/centres/{centre_id}": lambda centre, user: {"centre_id": centre.public_id},
    "/api/v1/patients/{patient_id}": lambda centre, user: {
        "patient_id": _patient(centre, user)["public_id"]
    },
    "/api/v1/patients/{patient_id}/identite": lambda centre, user: {
        "patient_id": _patient(centre, user)["public_id"]
    },
    "/api/v1/patients/{patient_id}/fhir": lambda centre, user: {
        "patient_id": _patient(centre, user)["public_id"]
    },
    "/api/v1/rcp/demandes/{case_id}": _rcp("case_id"),
    "/api/v1/patients/{patient_id}/enregistrements/{kind}/{record_id}/historique": (
        lambda centre, user: {
            "patient_id": (built := _diagnosis_record(centre, user))["public_id"],
            "kind": built["slug"],
            "record_id": built["record_id"],
        }
    ),
}
# Write-only API paths, whose refusals are tested beside their endpoints.
WRITE_ONLY_API_PATHS = {
    "/api/v1/patients/{patient_id}/diagnostics",
    "/api/v1/patients/{patient_id}/diagnostics/{diagnosis_id}",
    "/api/v1/patients/{patient_id}/genetique",
    "/api/v1/patients/{patient_id}/phenotypes",
    "/api/v1/patients/{patient_id}/consentements",
    "/api/v1/suivi/patients/{patient_id}/traitements/{treatment_id}/urgence",
    "/api/v1/patients/{patient_id}/enregistrements/{kind}/{record_id}/correction",
    "/api/v1/patients/{patient_id}/enregistrements/{kind}/{record_id}/retrait",
}
# Routes checked elsewhere because the object is personal, not a centre's.
PERSONAL_ROUTES = {"accounts:token_revoke", "meetings:invitation_link", "surveys:respond"}
# A registrant's own page, cancel button and certificate: her personal link is the credential
# (filiere/events/tests/test_public_views.py).
PERSONAL_ROUTES |= {"events:registration", "events:cancel", "events:certificate"}
# The case-meeting module's POST-only routes (refusals tested in filiere/meetings/tests).
MEETINGS_POST_ONLY = {
    "meetings:member_add",
    "meetings:member_remove",
    "meetings:meeting_status",
    "meetings:meeting_register",
    "meetings:participant_add",
    "meetings:participant_update",
    "meetings:attendance",
    "meetings:agenda_item",
    "meetings:snapshot_refresh",
    "meetings:attachment_upload",
    "meetings:expert_opinion",
    "meetings:recommendation_sign",
    "meetings:recommendation_correct",
    "meetings:attendance_all",
    "meetings:series_members_add",
    "meetings:agenda_send",
    "meetings:avis_template_withdraw",
}
# POST-only routes whose refusal is tested beside their view (« Renvoyer » an undelivered e-mail:
# filiere/jobs/tests/test_outbox_views.py).
POST_ONLY_ROUTES = {
    "jobs:mail_resend",
    "patients:duplicate_resolve",
    "transfusion:instruction_save",
    "transfusion:crossmatch_add",
} | MEETINGS_POST_ONLY
# The follow-up interview's htmx partial and the usual-emergency-treatment button (refusals
# tested in filiere/followup/tests).
POST_ONLY_ROUTES |= {"followup:isth_bat_domain", "followup:treatment_emergency"}
# Printing the care cards of a worklist (refusals tested in
# filiere/followup/tests/test_care_cards_bulk.py).
POST_ONLY_ROUTES |= {"followup:worklist_care_cards"}
# The research extract's decision and download buttons (filiere/research/tests).
POST_ONLY_ROUTES |= {"research:decide", "research:download"}
# Opening and closing a survey (refusals tested in filiere/surveys/tests).
POST_ONLY_ROUTES |= {"surveys:status"}
# Publishing a directory entry or taking it out (refusals tested in filiere/directory/tests).
POST_ONLY_ROUTES |= {
    "directory:profile_publish",
    "directory:test_publish",
    "directory:profile_withdraw",
    "directory:test_withdraw",
}
# Publishing an event or taking it out (refusals tested in filiere/events/tests).
POST_ONLY_ROUTES |= {"events:publish"}

# Marking an ETP participant present or absent (refusals tested in filiere/education/tests).
POST_ONLY_ROUTES |= {"education:attendance", "education:status"}
# Moving a PNDS to another step (refusals tested in filiere/guidelines/tests).
POST_ONLY_ROUTES |= {"guidelines:project_status"}


def our_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from our_patterns(entry, prefix + str(entry.pattern), ns)
        elif entry.callback.__module__.startswith("filiere."):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield name, prefix + str(entry.pattern), entry


def test_every_page_needs_a_login(client: Client) -> None:
    checked = 0
    for name, route, _ in our_patterns():
        if name in PUBLIC_PAGES or "<" in route:
            continue
        response = client.get("/" + route)
        assert response.status_code in {302, 405}, name
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), name
        checked += 1
    assert checked >= 5


def test_every_object_route_is_in_the_matrix() -> None:
    with_objects = {name for name, route, _ in our_patterns() if "<" in route}
    missing = with_objects - set(OBJECT_ROUTES) - PERSONAL_ROUTES - POST_ONLY_ROUTES
    assert not missing, f"add these routes to OBJECT_ROUTES: {sorted(missing)}"
    api_paths = {path for path in api.get_openapi_schema()["paths"] if "{" in path}
    missing_api = api_paths - set(OBJECT_API_PATHS) - WRITE_ONLY_API_PATHS
    assert not missing_api, f"add these API paths to OBJECT_API_PATHS: {sorted(missing_api)}"


def test_every_api_path_needs_authentication(client: Client, centre_a: Centre) -> None:
    for path, operations in api.get_openapi_schema()["paths"].items():
        url = re.sub(r"\{[^}]+\}", str(centre_a.public_id), path)
        for method in operations:
            response = getattr(client, method)(url)
            assert response.status_code == 401, f"{method.upper()} {path}"
