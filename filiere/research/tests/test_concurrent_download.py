"""Two downloads of the same extract at the same moment: one gets the file, the other is
refused (PostgreSQL: SQLite serialises writers, the race cannot happen there)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from filiere.accounts.models import User
from filiere.research.models import ResearchRequest, Variable
from filiere.research.services import (
    research_extract_download,
    research_request_approve,
    research_request_submit,
)
from filiere.research.tests.conftest import Cohort

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL"),
]


def test_two_downloads_at_once_one_wins(
    cohort: Cohort, researcher: User, network_coordinator: User
) -> None:
    request = research_request_submit(
        actor=researcher,
        protocol_title="Course",
        protocol_summary="Deux onglets.",
        ethics_reference="MR-004",
        variables=[Variable.SEX],
        orpha_codes=[849],
    )
    research_request_approve(actor=network_coordinator, request=request)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def download() -> None:
        from django.db import connection as own

        try:
            start.wait()
            research_extract_download(
                actor=researcher, request=ResearchRequest.objects.get(pk=request.pk)
            )
            outcomes.append("file")
        except ValidationError:
            outcomes.append("refused")
        finally:
            own.close()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["file", "refused"]
