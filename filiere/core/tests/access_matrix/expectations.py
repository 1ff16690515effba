"""Who may open or post each route, as a table: every cell not granted here must be refused.

Personas all work at centre A (world.py). ``get``/``post`` list the personas allowed on centre
A's object (or on the page, for routes without an identifier); ``everywhere`` lists the
network-wide personas also allowed on the objects of centres B and C. Everyone else is refused:
404 (``refused=403`` where a 403 is the documented answer), a login redirect for the anonymous
visitor (401 on the API), 405 for a wrong method. ``post=None`` marks a route that only reads.

A new route must be added here (the test names it); a route's case-meeting objects are
coordinated, presented and attended by centre A's clinician (the series' coordinator).
"""

from __future__ import annotations

from dataclasses import dataclass

from filiere.core.tests.access_matrix.world import ANONYMOUS, INVITED, PERSONAS
from filiere.network.models import Role

CLINICIAN = Role.CLINICIAN.value
CENTRE_COORDINATOR = Role.CENTRE_COORDINATOR.value
RCP_COORDINATOR = Role.RCP_COORDINATOR.value
TRANSFUSION = Role.TRANSFUSION_SPECIALIST.value
DATA_MANAGER = Role.DATA_MANAGER.value
NETWORK = Role.NETWORK_COORDINATOR.value
AUDITOR = Role.AUDITOR.value

NOBODY: frozenset[str] = frozenset()
SIGNED_IN = frozenset(PERSONAS) - {ANONYMOUS}
STAFF = SIGNED_IN - {INVITED}
# Capability "view/edit patients" at centre A.
PATIENTS = frozenset({CLINICIAN, CENTRE_COORDINATOR, DATA_MANAGER})
TRANSFUSION_TEAM = PATIENTS | {TRANSFUSION}
NETWORK_WIDE = frozenset({NETWORK, AUDITOR})
# Centre A's series: only its coordinator (A's clinician) runs it.
SERIES_STAFF = frozenset({CLINICIAN})
# A case's avis may be read by the series' staff and by those who see the patient.
CASE_READERS = SERIES_STAFF | PATIENTS
# Capability "submit cases", and the invited physician (invited with may_submit_cases).
CASE_SENDERS = frozenset({CLINICIAN, CENTRE_COORDINATOR, RCP_COORDINATOR, INVITED})
EXPORTERS = frozenset({CENTRE_COORDINATOR, DATA_MANAGER})
STATISTICS = frozenset({CLINICIAN, CENTRE_COORDINATOR, RCP_COORDINATOR, DATA_MANAGER, NETWORK})
# The members' surveys: the network coordinator's, for the whole network (a survey belongs to
# no centre: each centre's world holds one, all of them hers).
SURVEYS = frozenset({NETWORK})
# The public directory's drafts: a centre's coordinators for their centre, the network
# coordinator everywhere; she alone publishes (filiere/access/directory.py).
DIRECTORY_EDITORS = frozenset({CENTRE_COORDINATOR, NETWORK})
DIRECTORY_PUBLISHER = frozenset({NETWORK})
# PNDS projects and the action plan: every member of the network reads them all (a project
# belongs to no centre); a project's coordinators (centre A's clinician for A's) edit it; the
# network coordinator manages everything (filiere/access/guidelines.py).
NETWORK_MEMBERS = STAFF
GUIDELINE_EDITORS = frozenset({CLINICIAN, NETWORK})
GUIDELINE_MANAGER = frozenset({NETWORK})

# Therapeutic education: the centre's readers of patients and the network coordinator see a
# programme; its centre's coordinator and its team (A's programme counts A's clinician) edit it.
ETP_READERS = PATIENTS | {NETWORK}
ETP_EDITORS = frozenset({CENTRE_COORDINATOR, CLINICIAN})
# The network's events: a centre's coordinators organise their centre's, the network
# coordinator every event (filiere/access/events.py).
EVENT_ORGANISERS = frozenset({CENTRE_COORDINATOR, NETWORK})
EVENTS_EVERYWHERE = frozenset({NETWORK})


@dataclass(frozen=True)
class Expect:
    get: frozenset[str] = NOBODY
    post: frozenset[str] | None = None
    everywhere: frozenset[str] = NOBODY
    post_only: bool = False
    refused: int = 404
    # Personas sent to their own page instead (a redirect that shows nothing).
    redirected: frozenset[str] = NOBODY


def reads(get: frozenset[str], everywhere: frozenset[str] = NOBODY) -> Expect:
    return Expect(get=get, everywhere=everywhere)


def form(who: frozenset[str]) -> Expect:
    """A page with a form: the same personas open and post it."""
    return Expect(get=who, post=who)


def action(who: frozenset[str]) -> Expect:
    """A POST-only route (a button): GET answers 405 to everybody."""
    return Expect(post=who, post_only=True)


PAGES: dict[str, Expect] = {
    "directory:manage": reads(DIRECTORY_EDITORS),
    "directory:profile_edit": Expect(
        get=DIRECTORY_EDITORS, post=DIRECTORY_EDITORS, everywhere=DIRECTORY_PUBLISHER
    ),
    "directory:profile_publish": Expect(
        post=DIRECTORY_PUBLISHER, everywhere=DIRECTORY_PUBLISHER, post_only=True
    ),
    "directory:test_create": form(DIRECTORY_EDITORS),
    "directory:test_edit": Expect(
        get=DIRECTORY_EDITORS, post=DIRECTORY_EDITORS, everywhere=DIRECTORY_PUBLISHER
    ),
    "directory:test_publish": Expect(
        post=DIRECTORY_PUBLISHER, everywhere=DIRECTORY_PUBLISHER, post_only=True
    ),
    "directory:profile_withdraw": Expect(
        post=DIRECTORY_PUBLISHER, everywhere=DIRECTORY_PUBLISHER, post_only=True
    ),
    "directory:test_withdraw": Expect(
        post=DIRECTORY_PUBLISHER, everywhere=DIRECTORY_PUBLISHER, post_only=True
    ),
    "guidelines:index": reads(NETWORK_MEMBERS),
    "guidelines:project_create": form(GUIDELINE_MANAGER),
    "guidelines:project": reads(NETWORK_MEMBERS, everywhere=NETWORK_MEMBERS),
    "guidelines:project_edit": Expect(
        get=GUIDELINE_EDITORS, post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER
    ),
    "guidelines:project_status": Expect(
        post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER, post_only=True
    ),
    "guidelines:group_create": Expect(
        get=GUIDELINE_EDITORS, post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER
    ),
    "guidelines:group_edit": Expect(
        get=GUIDELINE_EDITORS, post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER
    ),
    "guidelines:meeting_add": Expect(
        get=GUIDELINE_EDITORS, post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER
    ),
    "guidelines:version_add": Expect(
        get=GUIDELINE_EDITORS, post=GUIDELINE_EDITORS, everywhere=GUIDELINE_MANAGER
    ),
    "guidelines:plan": reads(NETWORK_MEMBERS),
    "guidelines:action_create": form(GUIDELINE_MANAGER),
    "guidelines:action_edit": Expect(
        get=GUIDELINE_MANAGER, post=GUIDELINE_MANAGER, everywhere=GUIDELINE_MANAGER
    ),
    "events:manage": reads(EVENT_ORGANISERS),
    "events:create": form(EVENT_ORGANISERS),
    "events:edit": Expect(
        get=EVENT_ORGANISERS, post=EVENT_ORGANISERS, everywhere=EVENTS_EVERYWHERE
    ),
    "events:publish": Expect(post=EVENT_ORGANISERS, everywhere=EVENTS_EVERYWHERE, post_only=True),
    "events:registrations": Expect(
        get=EVENT_ORGANISERS, post=EVENT_ORGANISERS, everywhere=EVENTS_EVERYWHERE
    ),
    "events:registrations_csv": reads(EVENT_ORGANISERS, everywhere=EVENTS_EVERYWHERE),
    "surveys:list": reads(SURVEYS),
    "surveys:create": form(SURVEYS),
    "surveys:detail": reads(SURVEYS, everywhere=SURVEYS),
    "surveys:status": Expect(post=SURVEYS, everywhere=SURVEYS, post_only=True),
    "surveys:invite": Expect(get=SURVEYS, post=SURVEYS, everywhere=SURVEYS),
    "surveys:results": reads(SURVEYS, everywhere=SURVEYS),
    "surveys:results_csv": reads(SURVEYS, everywhere=SURVEYS),
    "education:list": reads(ETP_READERS),
    "education:create": form(frozenset({CENTRE_COORDINATOR})),
    "education:detail": reads(ETP_READERS, everywhere=frozenset({NETWORK})),
    "education:session": reads(ETP_READERS, everywhere=frozenset({NETWORK})),
    "education:team_add": form(ETP_EDITORS),
    "education:session_create": form(ETP_EDITORS),
    "education:participant_add": form(ETP_EDITORS),
    "education:evaluation_add": form(ETP_EDITORS),
    "education:attendance": action(ETP_EDITORS),
    "education:status": action(ETP_EDITORS),
    "home": reads(SIGNED_IN),
    "accounts:profile": reads(SIGNED_IN),
    # allauth's address page, its changes verified and audited (accounts/views.EmailView).
    "account_email": reads(SIGNED_IN),
    # Minted by a POST carrying the password (and code): no page of its own.
    "accounts:token_create": action(SIGNED_IN),
    # The network's directory of centres (names, cities): also shown to the invited physician.
    "network:centre_list": reads(SIGNED_IN),
    "network:centre_detail": reads(STAFF, everywhere=NETWORK_WIDE),
    "patients:list": Expect(get=PATIENTS, redirected=frozenset({TRANSFUSION})),
    "patients:register": form(PATIENTS),
    "patients:duplicates": reads(frozenset({DATA_MANAGER, NETWORK})),
    # A pair of one centre's records: its data manager resolves it; the network coordinator
    # sees and resolves every pair, pseudonymised (README, Security).
    "patients:duplicate_resolve": Expect(
        post=frozenset({DATA_MANAGER}), everywhere=frozenset({NETWORK}), post_only=True
    ),
    "patients:hpo_search": reads(PATIENTS),
    "patients:orpha_search": reads(PATIENTS),
    "patients:detail": reads(PATIENTS),
    "patients:sdm_mr": reads(PATIENTS),
    "patients:identity_edit": form(PATIENTS),
    "patients:status_edit": form(PATIENTS),
    "patients:diagnosis_add": form(PATIENTS),
    "patients:diagnosis_edit": form(PATIENTS),
    "patients:finding_add": form(PATIENTS),
    "patients:phenotype_add": form(PATIENTS),
    "patients:workup_add": form(PATIENTS),
    "patients:consent_add": form(PATIENTS),
    "patients:episode_add": form(PATIENTS),
    "patients:record_correct": form(PATIENTS),
    "patients:record_withdraw": form(PATIENTS),
    "patients:record_history": reads(PATIENTS),
    "meetings:index": reads(SIGNED_IN),
    "meetings:calendar": reads(CASE_SENDERS),
    "meetings:statistics": reads(STATISTICS),
    "meetings:statistics_csv": reads(STATISTICS),
    "meetings:series_create": form(frozenset({RCP_COORDINATOR})),
    "meetings:series_detail": reads(SERIES_STAFF),
    "meetings:series_edit": form(SERIES_STAFF),
    "meetings:member_add": action(SERIES_STAFF),
    "meetings:member_remove": action(SERIES_STAFF),
    "meetings:invite": form(SERIES_STAFF),
    "meetings:meeting_create": form(SERIES_STAFF),
    "meetings:meeting_detail": reads(SERIES_STAFF),
    "meetings:meeting_edit": form(SERIES_STAFF),
    "meetings:meeting_status": action(SERIES_STAFF),
    # Centre A's meeting is closed: nobody registers any more (open meetings: test_rules.py).
    "meetings:meeting_register": action(NOBODY),
    "meetings:meeting_ics": reads(SERIES_STAFF),
    "meetings:attendance_csv": reads(SERIES_STAFF),
    "meetings:participant_add": action(SERIES_STAFF),
    "meetings:participant_update": action(SERIES_STAFF),
    "meetings:certificate": reads(SERIES_STAFF),
    "meetings:meeting_live": reads(SERIES_STAFF),
    "meetings:meeting_quorum": reads(SERIES_STAFF),
    "meetings:attendance": action(SERIES_STAFF),
    "meetings:agenda_item": action(SERIES_STAFF),
    "meetings:my_cases": reads(SIGNED_IN),
    "meetings:case_create": form(CASE_SENDERS),
    "meetings:case_detail": reads(CASE_READERS),
    "meetings:case_edit": form(SERIES_STAFF),
    "meetings:case_triage": form(SERIES_STAFF),
    "meetings:snapshot_refresh": action(SERIES_STAFF),
    "meetings:attachment_upload": action(SERIES_STAFF),
    "meetings:attachment_download": reads(CASE_READERS),
    "meetings:expert_opinion": action(SERIES_STAFF),
    "meetings:follow_up": form(SERIES_STAFF),
    "meetings:recommendation_edit": form(SERIES_STAFF),
    "meetings:recommendation_sign": action(SERIES_STAFF),
    "meetings:recommendation_correct": action(SERIES_STAFF),
    "meetings:recommendation_pdf": reads(CASE_READERS),
    "meetings:ratification_pdf": reads(CASE_READERS),
    "meetings:agenda_pdf": reads(SERIES_STAFF),
    "meetings:agenda_send": action(SERIES_STAFF),
    "meetings:case_move": form(SERIES_STAFF),
    "meetings:series_calendar": reads(SERIES_STAFF),
    "meetings:avis_template_create": form(SERIES_STAFF),
    "meetings:avis_template_edit": form(SERIES_STAFF),
    "meetings:avis_template_withdraw": action(SERIES_STAFF),
    "meetings:my_meetings": reads(SIGNED_IN),
    "meetings:certificates_zip": reads(SERIES_STAFF),
    "meetings:recommendation_record_copy": reads(CASE_READERS),
    "meetings:participant_list": reads(SERIES_STAFF),
    "meetings:series_members_add": action(SERIES_STAFF),
    "meetings:attendance_all": action(SERIES_STAFF),
    "meetings:presentation": reads(SERIES_STAFF),
    "followup:worklist_home": reads(PATIENTS),
    "followup:worklist": reads(PATIENTS),
    "followup:worklist_care_cards": action(PATIENTS),
    "followup:rules": form(frozenset({NETWORK})),
    # A background job is followed by the person who asked for it (here centre A's clinician)
    # and the administrators, whom no persona is.
    "jobs:detail": reads(frozenset({CLINICIAN})),
    # A centre's export is started and its zip downloaded by those who may export the centre's
    # patients (capability « export national »).
    "patients:exports": form(EXPORTERS),
    "jobs:file": reads(EXPORTERS),
    # A report's other file (its CSV): the requester's alone (centre A's clinician, in the world).
    "jobs:other_file": reads(frozenset({CLINICIAN})),
    # Undelivered e-mails: a centre's RCP coordinators for its messages, the network
    # coordinators for every centre's (filiere/access/jobs.py).
    "jobs:undelivered_mail": reads(frozenset({RCP_COORDINATOR, NETWORK})),
    "jobs:mail_resend": Expect(
        post=frozenset({RCP_COORDINATOR}), everywhere=frozenset({NETWORK}), post_only=True
    ),
    "followup:visits_to_complete": reads(PATIENTS),
    "followup:observatory": reads(frozenset({NETWORK})),
    "observatory:diagnosis": reads(frozenset({CENTRE_COORDINATOR, DATA_MANAGER, NETWORK})),
    "observatory:diagnosis_csv": reads(frozenset({CENTRE_COORDINATOR, DATA_MANAGER, NETWORK})),
    "observatory:incomplete_csv": reads(frozenset({CENTRE_COORDINATOR, DATA_MANAGER})),
    "reports:activity": form(frozenset({CENTRE_COORDINATOR, DATA_MANAGER, NETWORK})),
    "followup:observatory_export": reads(frozenset({NETWORK})),
    "followup:patient": reads(PATIENTS),
    "followup:visit_add": form(PATIENTS),
    "followup:visit_edit": form(PATIENTS),
    "followup:isth_bat_add": form(PATIENTS),
    "followup:isth_bat_domain": action(PATIENTS),
    "followup:isth_bat_detail": reads(PATIENTS),
    "followup:bleed_add": form(PATIENTS),
    "followup:treatment_add": form(PATIENTS),
    "followup:treatment_edit": form(PATIENTS),
    "followup:treatment_emergency": action(PATIENTS),
    "followup:adverse_event_add": form(PATIENTS),
    "followup:care_card": reads(PATIENTS),
    "followup:booklet": reads(PATIENTS),
    "transfusion:worklist": reads(frozenset({TRANSFUSION})),
    "transfusion:donors_import": form(frozenset({TRANSFUSION})),
    "transfusion:patient_search": reads(frozenset({TRANSFUSION})),
    "transfusion:patient": reads(TRANSFUSION_TEAM),
    "transfusion:profile_edit": form(TRANSFUSION_TEAM),
    "transfusion:transfusion_add": form(TRANSFUSION_TEAM),
    "transfusion:typing_add": form(TRANSFUSION_TEAM),
    "transfusion:screen_add": form(TRANSFUSION_TEAM),
    "transfusion:instruction": reads(TRANSFUSION_TEAM),
    "transfusion:instruction_results": reads(TRANSFUSION_TEAM),
    # Only a transfusion specialist of the patient's region signs an instruction.
    "transfusion:instruction_save": action(frozenset({TRANSFUSION})),
    "transfusion:crossmatch_add": action(TRANSFUSION_TEAM),
    "transfusion:instruction_detail": reads(TRANSFUSION_TEAM),
    "transfusion:instruction_pdf": reads(TRANSFUSION_TEAM),
    "audit:event_list": reads(NETWORK_WIDE),
    "audit:event_export": reads(NETWORK_WIDE),
    # Research extracts: asked for by the registry's staff, decided by the network coordinator
    # (every request, of every centre's staff); centre A's request is its clinician's, who alone
    # downloads it (here not produced yet: refused with a message, nothing written).
    "research:list": reads(PATIENTS | {NETWORK}),
    "research:request_create": form(PATIENTS),
    "research:detail": reads(frozenset({CLINICIAN}), everywhere=frozenset({NETWORK})),
    "research:decide": Expect(post=NOBODY, everywhere=frozenset({NETWORK}), post_only=True),
    "research:download": action(frozenset({CLINICIAN})),
}

# API paths read with each persona's read-only bearer token (writes need a write token and are
# tested beside their endpoints). Lists answer 200 to every token, filtered to what it may see.
API: dict[str, Expect] = {
    "/api/v1/moi": reads(SIGNED_IN),
    "/api/v1/centres": reads(SIGNED_IN),
    "/api/v1/centres/{centre_id}": reads(STAFF, everywhere=NETWORK_WIDE),
    "/api/v1/audit/evenements": reads(NETWORK_WIDE),
    "/api/v1/patients": reads(PATIENTS),
    "/api/v1/patients/{patient_id}": reads(PATIENTS),
    # A read token without the identity scope is refused with 403 (accounts: token scopes).
    "/api/v1/patients/{patient_id}/identite": Expect(refused=403),
    "/api/v1/patients/{patient_id}/fhir": reads(PATIENTS),
    "/api/v1/patients/{patient_id}/enregistrements/{kind}/{record_id}/historique": reads(PATIENTS),
    "/api/v1/suivi/patients/{patient_id}/visites": reads(PATIENTS),
    "/api/v1/suivi/patients/{patient_id}/isth-bat": reads(PATIENTS),
    "/api/v1/suivi/patients/{patient_id}/saignements": reads(PATIENTS),
    "/api/v1/suivi/patients/{patient_id}/traitements": reads(PATIENTS),
    "/api/v1/suivi/patients/{patient_id}/evenements-indesirables": reads(PATIENTS),
    "/api/v1/suivi/centres/{centre_id}/retards": reads(PATIENTS),
    "/api/v1/suivi/observatoire": reads(frozenset({NETWORK})),
    "/api/v1/rcp/demandes": reads(SIGNED_IN),
    "/api/v1/rcp/demandes/{case_id}": reads(CASE_READERS),
    "/api/v1/rcp/reunions": reads(SIGNED_IN),
}
# Object of each API path with identifiers (a key of world._objects).
API_OBJECTS: dict[str, str] = {
    "/api/v1/centres/{centre_id}": "centre",
    "/api/v1/patients/{patient_id}": "patient",
    "/api/v1/patients/{patient_id}/identite": "patient",
    "/api/v1/patients/{patient_id}/fhir": "patient",
    "/api/v1/patients/{patient_id}/enregistrements/{kind}/{record_id}/historique": "record",
    "/api/v1/suivi/patients/{patient_id}/visites": "patient",
    "/api/v1/suivi/patients/{patient_id}/isth-bat": "patient",
    "/api/v1/suivi/patients/{patient_id}/saignements": "patient",
    "/api/v1/suivi/patients/{patient_id}/traitements": "patient",
    "/api/v1/suivi/patients/{patient_id}/evenements-indesirables": "patient",
    "/api/v1/suivi/centres/{centre_id}/retards": "centre",
    "/api/v1/rcp/demandes/{case_id}": "rcp",
}

# Known defects: (route, persona) -> cells (centre, method) that leak, and what leaks. Each cell
# is a strict expected failure: the test fails once the leak is closed, so that it is removed.
# Cells that answer wrongly today, as strict expected failures: none. (Attachments, the re-read
# of the registry record and the written opinion once let a mere reader of the case in and
# refused in the service, 302 and a message instead of the audited 404.)
KNOWN_DEFECTS: dict[tuple[str, str], tuple[set[tuple[str, str]], str]] = {}
# A body for the POSTs that need one to reach their refusal or their form.
POST_DATA: dict[str, dict[str, str]] = {"followup:isth_bat_domain": {"domain": "epistaxis"}}
