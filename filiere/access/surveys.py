"""Who runs the members' surveys: the network coordinator, for the whole network.

A respondent needs no account: her personal link is the credential (checked by the survey
service against the stored hash of the token).
"""

from __future__ import annotations

from typing import Any

from filiere.access.grants import Capability, Grants, grants_for


def runs_surveys(grants: Grants) -> bool:
    """Create, open, close and send surveys, and read their results (network-wide only)."""
    return grants.is_network_wide(Capability.CONFIGURE_NETWORK)


def may_run_surveys(user: Any) -> bool:
    return runs_surveys(grants_for(user))
