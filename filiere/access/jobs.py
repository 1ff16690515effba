"""Who may follow a background job: the person who asked for it, and the administrators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import may_administer_accounts
from filiere.jobs.models import Job


@dataclass(frozen=True)
class JobRights:
    see: bool = False


def job_rights(user: Any, job: Job) -> JobRights:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return JobRights()
    return JobRights(see=job.requested_by_id == user.pk or may_administer_accounts(user))
