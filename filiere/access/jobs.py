"""Who may follow a background job, and who follows the delivery of the e-mails.

- A job: the person who asked for it, and the administrators; a centre's export also its
  exporters (data managers, centre coordinators), who alone download its file. The file of any
  other job (an activity report, a bulk print of care cards) is its requester's alone.
- An outgoing e-mail: the network coordinators, all of them; a centre's RCP coordinators, those
  sent for that centre's case-meeting series (the ``follow_mail`` capability, granted at a
  centre or network-wide). A message of no centre is the network coordinators' alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from filiere.access.grants import Capability, can, grants_for, may_administer_accounts
from filiere.jobs.models import Job, OutgoingMail


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
    requester = job.requested_by_id == user.pk
    return JobRights(
        see=requester or may_administer_accounts(user) or exporter,
        download=exporter if job.is_export else requester and bool(job.file_name),
    )


@dataclass(frozen=True)
class MailRights:
    see: bool = False
    resend: bool = False


def may_follow_mail(user: Any) -> bool:
    """The user follows the delivery of some centre's e-mails (the page « Messages non remis »)."""
    return grants_for(user).has(Capability.FOLLOW_MAIL)


def mail_rights(user: Any, mail: OutgoingMail) -> MailRights:
    grants = grants_for(user)
    if grants.is_network_wide(Capability.FOLLOW_MAIL):
        return MailRights(see=True, resend=True)
    allowed = mail.centre_id is not None and grants.has(Capability.FOLLOW_MAIL, mail.centre_id)
    return MailRights(see=allowed, resend=allowed)


def mail_followed_by(user: Any) -> Q:
    """The same rule as ``mail_rights``, as a filter of ``OutgoingMail``."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.FOLLOW_MAIL):
        return Q()
    return Q(centre_id__in=grants.centre_ids(Capability.FOLLOW_MAIL))
