"""Who edits and who publishes the public directory.

- A centre's profile: its centre coordinators edit the draft (the ``edit_directory`` capability at
  that centre); the network coordinator edits any centre's.
- A diagnostic test: the coordinators of its laboratory, when the laboratory is a centre of the
  network; a test of a laboratory outside the network is the network coordinator's alone.
- Publishing (what the public sees): the network coordinator only.

Reading the published directory needs no account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, Grants, grants_for
from filiere.directory.models import DiagnosticTest
from filiere.network.models import Centre


@dataclass(frozen=True)
class DirectoryRights:
    edit: bool = False
    publish: bool = False


def edits_directory(grants: Grants) -> bool:
    """The user edits some centre's entry (the « Annuaire : gestion » page is theirs)."""
    return grants.has(Capability.EDIT_DIRECTORY)


def publishes_directory(grants: Grants) -> bool:
    return grants.is_network_wide(Capability.CONFIGURE_NETWORK)


def may_edit_directory(user: Any) -> bool:
    return edits_directory(grants_for(user))


def profile_rights(user: Any, centre: Centre) -> DirectoryRights:
    grants = grants_for(user)
    return DirectoryRights(
        edit=grants.has(Capability.EDIT_DIRECTORY, centre.pk),
        publish=publishes_directory(grants),
    )


def diagnostic_test_rights(user: Any, test: DiagnosticTest) -> DirectoryRights:
    grants = grants_for(user)
    if grants.is_network_wide(Capability.EDIT_DIRECTORY):
        edit = True
    else:
        edit = test.laboratory_id is not None and grants.has(
            Capability.EDIT_DIRECTORY, test.laboratory_id
        )
    return DirectoryRights(edit=edit, publish=publishes_directory(grants))


def may_name_outside_laboratory(user: Any) -> bool:
    """A laboratory outside the network is named by the network coordinator only."""
    return grants_for(user).is_network_wide(Capability.EDIT_DIRECTORY)


def directory_centre_ids(user: Any) -> frozenset[int] | None:
    """The centres whose entries the user edits; None for every centre."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.EDIT_DIRECTORY):
        return None
    return grants.centre_ids(Capability.EDIT_DIRECTORY)
