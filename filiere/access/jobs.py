"""Who may follow a background job: the person who asked for it, and the administrators; a
centre's export also its exporters (data managers, centre coordinators), who alone download its
file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, can, may_administer_accounts
from filiere.jobs.models import Job


@dataclass(frozen=True)
class JobRights:
    see: bool = False
    # The file the job wrote: patients' data, for those who may export the centre's.
    download: bool = False


def job_rights(user: Any, job: Job) -> JobRights:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return JobRights()
    exporter = (
        job.is_export
        and job.centre_id is not None
        and can(user, Capability.EXPORT_NATIONAL, job.centre_id)
    )
    return JobRights(
        see=job.requested_by_id == user.pk or may_administer_accounts(user) or exporter,
        download=exporter,
    )
