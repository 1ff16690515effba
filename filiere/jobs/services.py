"""The job record's writes: asked for (audited), handed to the queue, run by the worker with its
progress, finished (audited with its result).

A job is handed to the queue by ``job_send``. When the broker does not answer (Redis stopped),
the page that asked still answers: the job waits « en attente », its page says why, and the
scheduler's ``jobs_resend_waiting`` sends it again once the broker is back.

The outbox (``OutgoingMail``) is how every e-mail leaves.

- ``outbox_add`` records a message in the caller's transaction: a rolled-back write sends
  nothing. On commit, ``outbox_dispatch`` hands the new messages to the queue (``jobs.send_mail``);
  a broker that does not answer leaves them waiting, and the scheduler's ``jobs.send_due_mail``
  (every minute) sends them later.
- ``outbox_deliver`` sends one message. It first *claims* it with one conditional UPDATE
  (« à envoyer » → « envoi en cours », with the moment): of two workers handed the same message
  (a message delivered twice by the broker, the task and the scheduler at once) only one wins,
  the other sends nothing.
- A relay that refuses or does not answer (an SMTP or network error) puts the message back « à
  envoyer » with a growing delay (``RETRY_DELAYS``: 5 attempts over about an hour); after the
  last, it is « en échec définitif », audited, and listed for the coordinators
  (« Messages non remis »), who may send it again (``outbox_resend``).
- A message left « envoi en cours » by a worker that died (killed, out of memory, the machine
  restarted) is claimed again after ``CLAIM_TIMEOUT``.

At-least-once, not at-most-once: a worker that dies *during* the SMTP conversation may have
handed the message to the relay before it could write « envoyé »; claimed again, the message is
sent a second time. For clinical mail (an avis, an invitation to the meeting that discusses a
patient) a rare duplicate after a crash is preferable to a message silently lost. Messages
already marked « envoyé » are never sent again; a crash costs at most the one message in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.jobs.models import Job, OutgoingAttachment, OutgoingMail
from filiere.network.models import Centre

Progress = Callable[[int, int], None]

logger = logging.getLogger(__name__)

# A broker that does not answer is given up quickly: the person who asked is waiting for a page.
SEND_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}

# The task that runs each kind of job, registered by the app that owns the work, and the page
# (URL name) its job page leads back to.
_tasks: dict[str, Any] = {}
_back_pages: dict[str, str] = {}
# The files a kind of job writes beside its main one, by extension (the activity report's CSV
# beside its PDF).
_other_files: dict[str, tuple[str, ...]] = {}


def register_job_task(
    kind: str, task: Any, *, back: str = "", other_files: tuple[str, ...] = ()
) -> None:
    _tasks[kind] = task
    if back:
        _back_pages[kind] = back
    if other_files:
        _other_files[kind] = other_files


def job_back_page(job: Job) -> str:
    """The URL name of the page the job was asked from ("" when none was registered)."""
    return _back_pages.get(job.kind, "")


def job_send(job: Job) -> bool:
    """Hand the job to the queue; False when the broker does not answer (the job waits)."""
    try:
        _tasks[job.kind].apply_async(args=[str(job.public_id)], retry=True, retry_policy=SEND_RETRY)
    except (OperationalError, OSError) as error:
        logger.warning(
            "File d'attente indisponible : tâche %s en attente (%s)",
            job.public_id,
            type(error).__name__,
        )
        return False
    Job.objects.filter(pk=job.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def jobs_resend_waiting(*, older_than_minutes: int = 10) -> int:
    """Send again the jobs still waiting: never accepted by the broker, or accepted but not
    started after ``older_than_minutes`` (a broker restarted without its messages). A job sent
    twice runs once (``job_run``). Return how many were sent."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    waiting = Job.objects.filter(status=Job.Status.QUEUED, created_at__lte=cutoff).order_by("pk")
    return sum(job_send(job) for job in waiting if job.kind in _tasks)


def _running_elsewhere(job: Job) -> bool:
    # Redis hands an unacknowledged message out again only after its visibility timeout: a job
    # started more recently is still in a live worker's hands.
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return (
        job.status == Job.Status.RUNNING
        and job.started_at is not None
        and job.started_at > timezone.now() - dt.timedelta(seconds=timeout)
    )


@transaction.atomic
def job_create(
    *,
    actor: Actor,
    kind: str,
    centre: Centre | None = None,
    file_name: str = "",
    params: dict[str, Any] | None = None,
) -> Job:
    """Record a job asked for by ``actor``, waiting for the worker (the caller sends it).

    ``centre`` is the centre the work is for; ``file_name`` the name its file is downloaded
    under, for a job that writes one (at ``job_file_path``); ``params`` what the worker needs
    to know of the request (a year, a status; never a patient)."""
    job = Job(
        kind=kind,
        requested_by=acting_user(actor),
        centre=centre,
        file_name=file_name,
        params=params or {},
    )
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=job,
        summary=f"Tâche demandée : {job.get_kind_display()}",
        centre_id=centre.public_id if centre is not None else None,
    )
    return job


def job_file_path(job: Job, extension: str = "") -> Path:
    """Where a file a job writes is kept: the private storage, outside the web root, under
    the job's identifier (the worker writes it there, the download reads it); a file beside
    the main one is named after its extension (``<id>.csv``)."""
    name = f"{job.public_id}.{extension}" if extension else str(job.public_id)
    return Path(settings.PRIVATE_FILES_DIR) / "jobs" / name


def job_other_files(job: Job) -> tuple[str, ...]:
    """The extensions of the files the job writes beside its main one."""
    return _other_files.get(job.kind, ())


def job_download_name(job: Job, extension: str = "") -> str:
    """The name a job's file is downloaded under: the main file's, or its extension changed."""
    if not extension:
        return job.file_name
    return str(Path(job.file_name).with_suffix(f".{extension}"))


def job_file_write(job: Job, content: bytes, extension: str = "") -> Path:
    """Write one of the job's files whole: under a temporary name renamed once complete (an
    atomic rename on one file system), readable by the server's account only. A worker stopped
    midway leaves no half file; run again, the job replaces the temporary file it left."""
    path = job_file_path(job, extension)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partiel")
    try:
        with partial.open("wb") as raw:
            partial.chmod(0o600)
            raw.write(content)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def jobs_expire_files(*, now: dt.datetime | None = None) -> int:
    """Delete the files of the jobs finished more than ``JOB_FILES_RETENTION_DAYS`` ago (the
    scheduler, daily) and mark those jobs: their page says the file is gone. Patients' data do
    not stay in the private storage once fetched. Return how many jobs' files were deleted."""
    moment = now or timezone.now()
    cutoff = moment - dt.timedelta(days=settings.JOB_FILES_RETENTION_DAYS)
    due = (
        Job.objects.filter(finished_at__lte=cutoff, expired_at__isnull=True)
        .exclude(file_name="")
        .select_related("centre")
        .order_by("pk")
    )
    expired = 0
    for job in due:
        # The main file, those beside it and a temporary file a dead worker left.
        for path in job_file_path(job).parent.glob(f"{job.public_id}*"):
            path.unlink(missing_ok=True)
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, expired_at__isnull=True).update(expired_at=moment):
                continue
            audit_record(
                actor=SYSTEM,
                action=AuditEvent.Action.UPDATE,
                obj=job,
                centre_id=job.centre.public_id if job.centre is not None else None,
                summary=f"Fichier supprimé après {settings.JOB_FILES_RETENTION_DAYS} jours : "
                f"{job.get_kind_display()} ({job.file_name})",
                changes={"expired_at": {"après": moment.isoformat()}},
            )
            expired += 1
    return expired


@transaction.atomic
def job_file_downloaded(*, actor: Actor, job: Job, extension: str = "") -> None:
    """Record that ``actor`` downloaded one of the job's files: an export, audited as one."""
    centre = job.centre
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=job,
        centre_id=centre.public_id if centre is not None else None,
        summary=f"Fichier téléchargé : {job.get_kind_display()} "
        f"({job_download_name(job, extension)})",
    )


def job_run(*, job_id: uuid.UUID | str, work: Callable[[Progress], dict[str, int]]) -> Job:
    """Run ``work`` for the job, recording its progress and then its result or its failure.

    ``work`` receives a ``progress(done, total)`` to call between its own transactions. A job
    already finished, or running in another worker (its message delivered twice), is not run
    again; one left running by a worker that died is run again from the start, so ``work`` must
    be safe to repeat.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(public_id=job_id)
        if job.finished or _running_elsewhere(job):
            return job
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.done = job.total = 0
        job.save(update_fields=["status", "started_at", "done", "total"])

    def progress(done: int, total: int) -> None:
        # A counter for the page, not audited: the job's start and end are.
        Job.objects.filter(pk=job.pk).update(done=min(done, total), total=total)

    try:
        result = work(progress)
    except Exception as error:
        _finish(job, status=Job.Status.FAILED, result={}, error=type(error).__name__)
        raise
    return _finish(job, status=Job.Status.DONE, result=result, error="")


@transaction.atomic
def _finish(job: Job, *, status: str, result: dict[str, int], error: str) -> Job:
    job.refresh_from_db(fields=["done", "total"])
    job.status = status
    job.result = result
    job.error = error[:200]
    job.finished_at = timezone.now()
    if status == Job.Status.DONE:
        job.done = job.total
    job.full_clean()
    job.save(update_fields=["status", "result", "error", "finished_at", "done"])
    # Every job ends here, once: the person who asked for a file is told it is ready (or not).
    _tell_requester(job)
    audit_record(
        actor=SYSTEM,
        action=AuditEvent.Action.UPDATE,
        obj=job,
        summary=f"Tâche {job.get_status_display().lower()} : {job.get_kind_display()}",
        changes={"status": {"après": status}, "result": result} if result else {"status": status},
    )
    return job


def _tell_requester(job: Job) -> None:
    """E-mail the requester of a job that writes a file (an export) when it ends: a link to the
    job's page, never the file nor a patient. Sent through the outbox once the job's end
    commits."""
    user = job.requested_by
    if not job.file_name or user is None or not user.email:
        return
    link = settings.SITE_URL + reverse("jobs:detail", args=[job.public_id])
    ready = job.status == Job.Status.DONE
    subject = f"{job.get_kind_display()} : {'prêt' if ready else 'échec'}"
    body = (
        f"Bonjour,\n\n{job.get_kind_display()} que vous avez demandé"
        + (" est prêt. Téléchargez-le depuis sa page :" if ready else " a échoué. Sa page :")
        + f"\n{link}\n\nLe fichier n'est pas joint à ce message : il se télécharge après "
        + (
            "connexion, par les exportateurs du centre."
            if job.is_export
            else "connexion, depuis votre compte seulement."
        )
        + (
            f" Il est supprimé {settings.JOB_FILES_RETENTION_DAYS} jours après la fin de la tâche."
            if ready
            else ""
        )
        + "\n\nFilière"
    )
    mail = outbox_add(
        kind="jobs.file_ready",
        to=[user.email],
        subject=subject,
        body=body,
        about=job,
        centre=job.centre,
    )
    transaction.on_commit(lambda: outbox_dispatch([mail.public_id]))


# --- The outbox ---------------------------------------------------------------------------------

# The wait before each new attempt after a failure: 5 attempts over about an hour (1 + 5 + 15 +
# 40 minutes), time for a relay restarted or a network cut repaired.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=40),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A message « envoi en cours » for longer than this lost its worker: far above one SMTP
# conversation (EMAIL_TIMEOUT, 20 s, per exchange), so that a slow relay is not taken for a dead
# worker and a message still in flight is not sent twice.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A message still not sent after this is listed with the failures for the coordinators.
LONG_WAIT = dt.timedelta(hours=1)

Attachment = tuple[str, bytes, str]


def outbox_add(
    *,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    about: models.Model | None = None,
    centre: Centre | None = None,
) -> OutgoingMail:
    """Record a message to send once the caller's transaction commits (``outbox_dispatch``).

    ``about`` is the object it is about (a meeting, a case request), kept by type and public id;
    ``centre`` the centre whose coordinators follow its delivery. The write that causes the
    message is audited by its own service; the message's delivery is audited here.
    """
    recipients = sorted({address.strip() for address in to if address.strip()})
    if not recipients:
        raise ValidationError({"recipients": "Un message a au moins un destinataire."})
    mail = OutgoingMail(
        kind=kind,
        recipients=recipients,
        subject=subject[:300],
        body=body,
        centre=centre,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(getattr(about, "public_id", "") or "") if about is not None else "",
    )
    mail.full_clean()
    with transaction.atomic():
        mail.save()
        OutgoingAttachment.objects.bulk_create(
            OutgoingAttachment(
                mail=mail, position=position, filename=name, content=content, mimetype=mimetype
            )
            for position, (name, content, mimetype) in enumerate(attachments)
        )
    return mail


def outbox_dispatch(mail_ids: list[uuid.UUID]) -> bool:
    """Hand messages to the queue (call it on commit); False when the broker does not answer:
    they wait for the scheduler's ``outbox_send_due``."""
    from filiere.jobs.tasks import send_mail

    try:
        send_mail.apply_async(
            args=[[str(mail_id) for mail_id in mail_ids]], retry=True, retry_policy=SEND_RETRY
        )
    except (OperationalError, OSError) as error:
        logger.warning(
            "File d'attente indisponible : %d e-mail(s) en attente (%s)",
            len(mail_ids),
            type(error).__name__,
        )
        return False
    return True


def _claimable(now: dt.datetime) -> Q:
    """Messages a worker may take now: due, or left « envoi en cours » by a dead worker."""
    return Q(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutgoingMail.Status.SENDING,
        claimed_at__lt=now - CLAIM_TIMEOUT,
        attempts__lt=MAX_ATTEMPTS,
    )


def _claim(mail_id: uuid.UUID | str, now: dt.datetime) -> dt.datetime | None:
    """Take the message for this worker; None when another has it, or it is sent or given up.

    One UPDATE whose condition is re-read on the row it changes (PostgreSQL re-checks it after
    a concurrent change, SQLite writes one at a time): two workers never both win.
    """
    claimed = OutgoingMail.objects.filter(_claimable(now), public_id=mail_id).update(
        status=OutgoingMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed else None


def _message(mail: OutgoingMail, connection: BaseEmailBackend) -> EmailMessage:
    message = EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + mail.subject,
        body=mail.body,
        to=list(mail.recipients),
        connection=connection,
    )
    for attachment in mail.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _short_error(error: BaseException) -> str:
    """The kind of error and the relay's code: SMTP answers quote addresses, never passwords,
    but a long answer may quote the message; keep the head only."""
    code = getattr(error, "smtp_code", None)
    text = f"{type(error).__name__}" + (f" {code}" if code else "")
    detail = str(error).splitlines()[0] if str(error) else ""
    return f"{text} : {detail}"[:200] if detail else text[:200]


def outbox_deliver(
    mail_id: uuid.UUID | str,
    *,
    connection: BaseEmailBackend | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Send one message if this worker can claim it; return its status afterwards.

    A relay error (SMTP, network: ``OSError``) is recorded and the message waits for its next
    attempt, or is given up after ``MAX_ATTEMPTS``; any other exception propagates and leaves
    the message claimed, to be claimed again after ``CLAIM_TIMEOUT``.
    """
    moment = now or timezone.now()
    claimed_at = _claim(mail_id, moment)
    mail = OutgoingMail.objects.get(public_id=mail_id)
    if claimed_at is None:
        return mail.status
    ours = OutgoingMail.objects.filter(
        pk=mail.pk, status=OutgoingMail.Status.SENDING, claimed_at=claimed_at
    )
    try:
        _message(mail, connection or get_connection()).send()
    except OSError as error:  # smtplib.SMTPException is an OSError
        logger.warning("E-mail %s non envoyé (%s)", mail.public_id, type(error).__name__)
        return _failed(mail, ours, error=_short_error(error), now=moment)
    with transaction.atomic():
        # Once sent, the text and the files are erased: the outbox is a queue, not a second
        # copy of avis, agendas and invitation links (those stay in their own records).
        if not ours.update(status=OutgoingMail.Status.SENT, sent_at=timezone.now(), body=""):
            # Claimed again after CLAIM_TIMEOUT while this worker was still sending: the other
            # worker sends it too (the duplicate the module's docstring accepts).
            logger.warning("E-mail %s envoyé après le délai de reprise", mail.public_id)
            return OutgoingMail.Status.SENDING
        mail.attachments.all().delete()
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.SEND,
            obj=mail,
            centre_id=mail.centre.public_id if mail.centre else None,
            summary=f"E-mail envoyé ({mail.kind}) à {len(mail.recipients)} destinataire(s)",
            changes={"tentatives": mail.attempts},
        )
    return OutgoingMail.Status.SENT


def _failed(
    mail: OutgoingMail, ours: models.QuerySet[OutgoingMail], *, error: str, now: dt.datetime
) -> str:
    mail.refresh_from_db(fields=["attempts"])
    with transaction.atomic():
        if mail.attempts >= MAX_ATTEMPTS:
            if ours.update(status=OutgoingMail.Status.FAILED, last_error=error):
                audit_record(
                    actor=SYSTEM,
                    action=AuditEvent.Action.UPDATE,
                    obj=mail,
                    centre_id=mail.centre.public_id if mail.centre else None,
                    summary=f"E-mail en échec définitif après {mail.attempts} tentatives "
                    f"({mail.kind})",
                    changes={"status": OutgoingMail.Status.FAILED, "erreur": error},
                )
            return OutgoingMail.Status.FAILED
        ours.update(
            status=OutgoingMail.Status.PENDING,
            last_error=error,
            next_attempt_at=now + RETRY_DELAYS[mail.attempts - 1],
        )
    return OutgoingMail.Status.PENDING


def outbox_send(mail_ids: list[uuid.UUID | str]) -> dict[str, int]:
    """Send the messages through one connection to the relay; return how many ended in each
    status (a message another worker holds counts as « sending »)."""
    connection = get_connection()
    counts: dict[str, int] = {}
    for mail_id in mail_ids:
        status = outbox_deliver(mail_id, connection=connection)
        counts[status] = counts.get(status, 0) + 1
    return counts


def outbox_send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due (the scheduler, every minute): messages whose next attempt has come,
    those the broker never took, those a dead worker left claimed; give up those a dead worker
    left claimed after their last attempt."""
    moment = now or timezone.now()
    stranded = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING,
        claimed_at__lt=moment - CLAIM_TIMEOUT,
        attempts__gte=MAX_ATTEMPTS,
    )
    for mail in stranded:
        ours = OutgoingMail.objects.filter(
            pk=mail.pk, status=OutgoingMail.Status.SENDING, claimed_at=mail.claimed_at
        )
        _failed(mail, ours, error="Envoi interrompu (worker arrêté)", now=moment)
    due = OutgoingMail.objects.filter(_claimable(moment)).order_by("next_attempt_at", "pk")
    ids = list(due.values_list("public_id", flat=True)[:500])
    connection = get_connection()
    counts: dict[str, int] = {}
    for mail_id in ids:
        status = outbox_deliver(mail_id, connection=connection, now=moment)
        counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def outbox_resend(*, actor: Actor, mail: OutgoingMail) -> bool:
    """Put a message given up (or waiting long) back « à envoyer » now, with a fresh set of
    attempts, and hand it to the queue on commit; False when it is sent or being sent."""
    resendable = (OutgoingMail.Status.FAILED, OutgoingMail.Status.PENDING)
    changed = OutgoingMail.objects.filter(pk=mail.pk, status__in=resendable).update(
        status=OutgoingMail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if not changed:
        return False
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=mail,
        centre_id=mail.centre.public_id if mail.centre else None,
        summary=f"E-mail renvoyé ({mail.kind}), dernière erreur : {mail.last_error or '—'}",
        changes={"status": {"avant": mail.status, "après": OutgoingMail.Status.PENDING}},
    )
    public_id = mail.public_id
    transaction.on_commit(lambda: outbox_dispatch([public_id]))
    return True
