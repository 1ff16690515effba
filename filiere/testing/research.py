"""A research extract request awaiting its decision, for the access matrix's world.

Written as the request service would leave it, without the cohort of 5 patients the service
demands (the service's own tests build one)."""

from __future__ import annotations

from filiere.accounts.models import User
from filiere.research.models import ResearchRequest, Variable


def make_research_request(requester: User) -> ResearchRequest:
    return ResearchRequest.objects.create(
        requester=requester,
        protocol_title="Histoire naturelle de la thrombasthénie de Glanzmann",
        protocol_summary="Cohorte rétrospective.",
        ethics_reference="MR-004 n° 2226543",
        variables=[Variable.SEX, Variable.AGE_GROUP, Variable.DISEASE],
        orpha_codes=[849],
    )
