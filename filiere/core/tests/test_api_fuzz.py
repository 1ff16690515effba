"""Fuzzing the API from its OpenAPI document: whatever a client sends, never a server error.

Schemathesis generates requests from the document served under /api/v1/ (valid and invalid
bodies, query strings, path parameters) and sends them to the Django application in process
(WSGI), as a clinician of centre A holding a token with every scope; path identifiers are
mostly replaced by those of real records of centre A so that the requests reach the services.
Every response must be below 500 and match what the document says of it. Bounded and
deterministic (derandomised Hypothesis, a few examples per operation) so that CI is not flaky.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from filiere.api import api
from filiere.network.models import Role

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))


def _in_test_transaction(handler: Any) -> Any:
    """The WSGI application, keeping the test's database connection open across requests.

    Django closes a connection left outside autocommit at the end of each request; the test
    runs inside a transaction, so (as Django's own test client does) the closing is left out.
    """

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return application


# The document the API serves at /api/v1/openapi.json (behind a login), built by the same call.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = _in_test_transaction(get_wsgi_application())
# The token is the test's own, valid one: a mangled Authorization header would only test the
# token check, which has its own tests (accounts/tests/test_api_tokens.py).
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture(scope="module")
def private_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings: Settings, private_dir: Path) -> None:
    settings.PRIVATE_FILES_DIR = private_dir


def _build_records() -> tuple[str, dict[str, str]]:
    """A clinician of centre A with a full token, and the ids of centre A's records."""
    from filiere.access.actors import SYSTEM
    from filiere.accounts.services import api_token_create
    from filiere.patients.services import diagnosis_record
    from filiere.testing.factories import (
        give_role,
        glanzmann_values,
        load_test_nomenclature,
        make_centre,
        make_patient,
        make_user,
    )
    from filiere.testing.followup import matrix_world as followup_world
    from filiere.testing.meetings import matrix_world as meetings_world

    load_test_nomenclature()
    centre = make_centre(name="CRPP Marseille (A)", short_name="Centre A")
    clinician = make_user(email="clinicienne@a.test", first_name="Alice", last_name="Durand")
    give_role(clinician, centre, Role.CLINICIAN)
    patient = make_patient(centre)
    diagnosis = diagnosis_record(actor=SYSTEM, patient=patient, centre=centre, **glanzmann_values())
    followup = followup_world(centre)
    rcp = meetings_world(centre, clinician)
    _, raw = api_token_create(actor=clinician, name="fuzz", allows_write=True, allows_identity=True)
    ids = {
        "centre_id": str(centre.public_id),
        "patient_id": str(patient.public_id),
        "diagnosis_id": str(diagnosis.public_id),
        "record_id": str(diagnosis.public_id),
        "treatment_id": str(followup["treatment_id"]),
        "case_id": str(rcp["case_id"]),
    }
    return raw, ids


@pytest.fixture(scope="module")
def records(
    django_db_setup: None, django_db_blocker: Any, private_dir: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """Built once for the module, in a transaction rolled back at its end."""
    with (
        override_settings(PRIVATE_FILES_DIR=private_dir),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _build_records()
        transaction.set_rollback(True)


FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@schema.given(real_ids=st.booleans())
@FUZZ
def test_the_api_never_fails_for_a_clinician(
    case: Any, real_ids: bool, records: tuple[str, dict[str, str]]
) -> None:
    """Any request of a clinician holding a full token gets a documented answer, never a 5xx."""
    raw, ids = records
    # A path made invalid on purpose stays as generated: it must be refused as it is.
    if real_ids and not (case.meta and case.meta.is_negative_at(ParameterLocation.PATH)):
        for name in case.path_parameters or {}:
            if name in ids:
                case.path_parameters[name] = ids[name]
    case.call_and_validate(
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {raw}"},
        # A request the document allows may still be refused by a clinical rule the schema
        # cannot state (a date before birth, an ORPHA code not in the nomenclature, a case
        # already submitted): a 422 naming the field is then the right answer, not a defect.
        excluded_checks=[positive_data_acceptance],
    )


@schema.parametrize()
@settings(FUZZ, max_examples=3)
def test_the_api_refuses_an_anonymous_caller(case: Any) -> None:
    """Without a token or a session, every operation answers 401 in French, whatever is sent."""
    response = case.call(base_url="http://testserver")
    if case.method.upper() != case.operation.method.upper():
        # A method the path does not have: refused before any authentication.
        assert response.status_code == 405
        return
    assert response.status_code == 401, (response.status_code, response.text[:300])
    assert response.json() == {"detail": "Authentification requise."}
