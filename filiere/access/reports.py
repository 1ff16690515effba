"""Who may produce the yearly activity report, and for which perimeter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, grants_for


@dataclass(frozen=True)
class ActivityReportRights:
    """``network``: the whole network and any centre; otherwise the centres listed only."""

    network: bool
    centre_ids: frozenset[int]

    def covers(self, centre_id: int | None) -> bool:
        return self.network or (centre_id is not None and centre_id in self.centre_ids)


def activity_report_rights(user: Any) -> ActivityReportRights | None:
    """The network coordinator reports on the network and any centre; a centre's coordinator or
    data manager (« statistiques » at the centre) on her own centres. None for anyone else."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.VIEW_STATISTICS):
        return ActivityReportRights(network=True, centre_ids=frozenset())
    centres = grants.centre_ids(Capability.VIEW_STATISTICS)
    if not centres:
        return None
    return ActivityReportRights(network=False, centre_ids=centres)
