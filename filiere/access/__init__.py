"""Who may see and do what: the one place that decides.

- ``grants``: a user's capabilities and the centres where each holds (``can``,
  ``centres_where``), read once per request.
- One policy per kind of object, returning everything the user may do with it:
  ``patients.patient_rights`` (and the duplicates rules), ``transfusion.transfusion_rights``,
  ``meetings.series_rights`` / ``meeting_rights`` / ``case_rights``.

Views and API routes ask these policies at the boundary; no view decides on its own nor names a
role. The services trust their caller (those of the RCP and transfusion modules check only the
input and the state).
An object outside the user's reach is answered with a 404 recorded in the audit
(``filiere.core.access_errors.NotVisible``), never a 403, so that its existence does not leak.
The policy modules read the objects handed to them and their apps' models, never a service,
selector or view (``core/tests/test_architecture.py``).
"""

from filiere.access.actors import SYSTEM, Actor, SystemActor, acting_user
from filiere.access.grants import (
    NETWORK_WIDE_ROLES,
    ROLE_CAPABILITIES,
    Capability,
    Grants,
    can,
    centres_where,
    forget_grants,
    grants_for,
    may_administer_accounts,
)

__all__ = [
    "NETWORK_WIDE_ROLES",
    "ROLE_CAPABILITIES",
    "SYSTEM",
    "Actor",
    "Capability",
    "Grants",
    "SystemActor",
    "acting_user",
    "can",
    "centres_where",
    "forget_grants",
    "grants_for",
    "may_administer_accounts",
]
