"""E-mails of the module, recorded in the outbox in the caller's transaction (never sent for a
rolled-back write) and sent by the job queue once it commits, tried again while the relay is
down (``filiere.jobs.services``, the outbox; failures are listed at « Messages non remis »).

In production the SMTP relay is the secure health-messaging gateway (MSSanté). Messages carry
the patient's pseudonym only, never an identity trait.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from filiere.jobs.services import outbox_add, outbox_dispatch
from filiere.meetings import rules
from filiere.meetings.ics import meeting_ics
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    Ratification,
    Recommendation,
)
from filiere.meetings.pdf import (
    agenda_filename,
    agenda_pdf,
    ratification_filename,
    recommendation_filename,
)

_suppressed: ContextVar[bool] = ContextVar("meetings_mail_suppressed", default=False)


@contextlib.contextmanager
def mail_suppressed() -> Iterator[None]:
    """Build history without e-mailing anyone (the demo generator)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def _defer(
    mails: Iterable[Mail], *, kind: str, about: Meeting | CaseRequest | MeetingSeries
) -> None:
    """Record the messages in the outbox, in the caller's transaction; hand them to the queue
    once it commits. ``about`` names the object and, through its series, the centre whose
    coordinators follow the delivery."""
    pending = [m for m in mails if m.to]
    if not pending or _suppressed.get():
        return
    series = about if isinstance(about, MeetingSeries) else about.series
    ids = [
        outbox_add(
            kind=kind,
            to=mail.to,
            subject=mail.subject,
            body=mail.body,
            attachments=mail.attachments,
            about=about,
            centre=series.centre,
        ).public_id
        for mail in pending
    ]
    transaction.on_commit(lambda: outbox_dispatch(ids))


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _local(value: object) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}"  # type: ignore[arg-type]


def _organizer(meeting: Meeting) -> str:
    return meeting.series.centre.email or ""


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The cases the agenda document lists, in slot order (postponed ones are not discussed)."""
    return list(
        meeting.agenda_items.select_related("case__patient", "case__requester_centre")
        .exclude(outcome=AgendaItem.Outcome.POSTPONED)
        .order_by("starts_at", "added_at")
    )


def agenda_attachment(meeting: Meeting) -> tuple[str, bytes, str]:
    """The agenda as it stands, as a PDF attachment."""
    return (agenda_filename(meeting), agenda_pdf(meeting, agenda_items(meeting)), "application/pdf")


def meeting_invitations(
    meeting: Meeting, participants: Iterable[Participant], note: str = ""
) -> None:
    """Send each participant the invitation with its .ics file and the agenda as it stands (and
    again after a change); ``note`` says why they are invited (a case carried over, the reason)."""
    participants = list(participants)
    if not participants or _suppressed.get():
        return
    agenda = agenda_attachment(meeting)
    mails = []
    for participant in participants:
        email = participant.user.email
        ics = meeting_ics(meeting, attendee_email=email, organizer_email=_organizer(meeting))
        mails.append(
            Mail(
                to=[email],
                subject=f"{rules.rcp_title(meeting.series.name)} du {_local(meeting.starts_at)}",
                body=(
                    f"Bonjour,\n\nVous êtes inscrit(e) à la RCP « {meeting.series.name} » du "
                    f"{_local(meeting.starts_at)} ({meeting.duration_minutes} min).\n"
                    + (f"{note}\n" if note else "")
                    + (
                        f"Visioconférence : {meeting.video_link_or_default}\n"
                        if meeting.video_link_or_default
                        else ""
                    )
                    + f"Ordre du jour : {_url('meetings:meeting_detail', meeting.public_id)}\n\n"
                    "L'invitation est jointe pour votre agenda, avec l'ordre du jour (PDF)."
                ),
                attachments=[("invitation.ics", ics, "text/calendar; method=REQUEST"), agenda],
            )
        )
    _defer(mails, kind="rcp.invitation", about=meeting)


def agenda_updated(meeting: Meeting, participants: Iterable[Participant]) -> None:
    """Send every participant the agenda as it now stands, with the updated invitation (its
    SEQUENCE already raised, so that calendars replace the previous one)."""
    participants = list(participants)
    if not participants or _suppressed.get():
        return
    agenda = agenda_attachment(meeting)
    mails = [
        Mail(
            to=[p.user.email],
            subject=f"Ordre du jour mis à jour : {rules.rcp_title(meeting.series.name)} "
            f"du {_local(meeting.starts_at)}",
            body=(
                f"Bonjour,\n\nL'ordre du jour de la RCP « {meeting.series.name} » du "
                f"{_local(meeting.starts_at)} a changé depuis le dernier envoi ; la version à "
                "jour est jointe (PDF), avec l'invitation mise à jour pour votre agenda.\n"
                + (f"Visioconférence : {meeting.video_link}\n" if meeting.video_link else "")
                + f"Réunion : {_url('meetings:meeting_detail', meeting.public_id)}\n"
            ),
            attachments=[
                (
                    "invitation.ics",
                    meeting_ics(
                        meeting, attendee_email=p.user.email, organizer_email=_organizer(meeting)
                    ),
                    "text/calendar; method=REQUEST",
                ),
                agenda,
            ],
        )
        for p in participants
    ]
    _defer(mails, kind="rcp.agenda", about=meeting)


def case_moved(
    case: CaseRequest, *, source: Meeting, target: Meeting, item: AgendaItem, reason: str
) -> None:
    """Tell the requester the case now goes to another meeting: its date, its slot, why."""
    start = timezone.localtime(item.starts_at)
    end = start + dt.timedelta(minutes=item.duration_minutes)
    _defer(
        kind="rcp.case_moved",
        about=case,
        mails=[
            Mail(
                to=[case.requester.email],
                subject=f"Dossier {case.patient.pseudonym} déplacé à la RCP du "
                f"{timezone.localtime(target.starts_at):%d/%m/%Y}",
                body=(
                    f"Bonjour,\n\nVotre dossier {case.patient.pseudonym} n'est plus inscrit à la "
                    f"RCP « {source.series.name} » du {_local(source.starts_at)}.\nIl est "
                    f"inscrit à celle du {timezone.localtime(target.starts_at):%d/%m/%Y}, "
                    f"passage prévu de {start:%H:%M} à {end:%H:%M}.\n"
                    f"Motif : {rules.sentence(reason)}\n"
                    + (f"Visioconférence : {target.video_link}\n" if target.video_link else "")
                    + f"Dossier : {_url('meetings:case_detail', case.public_id)}\n"
                ),
                attachments=[
                    (
                        "invitation.ics",
                        meeting_ics(
                            target,
                            attendee_email=case.requester.email,
                            organizer_email=_organizer(target),
                        ),
                        "text/calendar; method=REQUEST",
                    )
                ],
            )
        ],
    )


def meeting_cancelled(meeting: Meeting, participants: Iterable[Participant]) -> None:
    mails = [
        Mail(
            to=[p.user.email],
            subject=f"Annulation : {rules.rcp_title(meeting.series.name)} "
            f"du {_local(meeting.starts_at)}",
            body="La réunion est annulée ; les dossiers sont reportés à la séance suivante.",
            attachments=[
                (
                    "annulation.ics",
                    meeting_ics(meeting, attendee_email=p.user.email, cancel=True),
                    "text/calendar; method=CANCEL",
                )
            ],
        )
        for p in participants
    ]
    _defer(mails, kind="rcp.cancellation", about=meeting)


def external_invitation(
    *,
    email: str,
    name: str,
    series_name: str,
    inviter: str,
    link: str,
    series: MeetingSeries,
    meeting: Meeting | None,
    expires_at: dt.datetime,
) -> None:
    extra = f"\nRéunion : {_local(meeting.starts_at)}." if meeting is not None else ""
    expiry = f"{timezone.localtime(expires_at):%d/%m/%Y à %H:%M}"
    _defer(
        kind="rcp.external_invitation",
        about=series,
        mails=[
            Mail(
                to=[email],
                subject=f"Invitation à la {rules.rcp_title(series_name)}",
                body=(
                    f"Bonjour {name},\n\n{inviter} vous invite à la RCP « {series_name} » de la "
                    f"filière MHEMO.{extra}\nCe lien personnel crée votre accès (mot de passe "
                    f"puis second facteur) ; il est valable jusqu'au {expiry} :\n{link}\n"
                ),
            )
        ],
    )


def case_submitted(case: CaseRequest, staff_emails: list[str], expert_emails: list[str]) -> None:
    """Tell the secretariat; for an urgent request, the coordinator and experts at once."""
    link = _url("meetings:case_detail", case.public_id)
    urgent = "URGENTE " if case.is_urgent else ""
    recipients = staff_emails + (expert_emails if case.is_urgent else [])
    _defer(
        kind="rcp.case_submitted",
        about=case,
        mails=[
            Mail(
                to=sorted(set(recipients)),
                subject=f"Demande {urgent}d'avis RCP : {case.patient.pseudonym}",
                body=(
                    f"Nouvelle demande {urgent.lower()}pour la RCP « {case.series.name} » "
                    f"({case.get_question_type_display()}).\n"
                    + (f"Urgence : {case.urgency_justification}\n" if case.is_urgent else "")
                    + f"Dossier : {link}\n"
                ),
            )
        ],
    )


def case_completed(case: CaseRequest, staff_emails: list[str]) -> None:
    """A request sent back has been completed by its requester: those who triage are told."""
    _defer(
        kind="rcp.case_completed",
        about=case,
        mails=[
            Mail(
                to=sorted(set(staff_emails)),
                subject=f"Demande d'avis RCP complétée : {case.patient.pseudonym}",
                body=(
                    f"{case.requester.display_name} a complété la demande renvoyée pour la RCP "
                    f"« {case.series.name} » ({case.get_question_type_display()}) ; elle attend "
                    "d'être inscrite à l'ordre du jour.\n"
                    f"Dossier : {_url('meetings:case_detail', case.public_id)}\n"
                ),
            )
        ],
    )


def case_triaged(
    case: CaseRequest, meeting: Meeting | None, slot: dt.datetime | None = None
) -> None:
    """Tell the requester the decision: for an accepted case, the time of its own slot."""
    link = _url("meetings:case_detail", case.public_id)
    if meeting is not None:
        text = (
            f"Votre demande est inscrite à la RCP du {_local(meeting.starts_at)} ; "
            f"passage du dossier prévu à {timezone.localtime(slot or meeting.starts_at):%H:%M}."
        )
    else:
        text = f"Votre demande est « {case.get_status_display()} » : {case.status_note}"
    _defer(
        kind="rcp.case_triaged",
        about=case,
        mails=[
            Mail(
                to=[case.requester.email],
                subject=f"Demande d'avis RCP {case.patient.pseudonym} : "
                f"{case.get_status_display()}",
                body=f"{text}\nDossier : {link}\n",
            )
        ],
    )


def recommendation_delivered(recommendation: Recommendation, emails: list[str]) -> None:
    case = recommendation.case
    pdf = bytes(recommendation.pdf or b"")
    name = recommendation_filename(recommendation)
    previous = recommendation.supersedes if recommendation.supersedes_id else None
    corrects = (
        f"Cette version corrige et remplace la version {previous.version}, transmise le "
        f"{_local(previous.signed_at)} ; motif : {rules.sentence(recommendation.correction_reason)}"
        "\n"
        if previous is not None and previous.signed_at is not None
        else ""
    )
    subject = f"Avis de RCP : patient {case.patient.pseudonym}"
    if previous is not None:
        subject = (
            f"Avis de RCP corrigé (version {recommendation.version}, remplace la version "
            f"{previous.version}) : patient {case.patient.pseudonym}"
        )
    _defer(
        kind="rcp.avis",
        about=case,
        mails=[
            Mail(
                to=[email],
                subject=subject,
                body=(
                    f"Bonjour,\n\nVeuillez trouver ci-joint l'avis de la RCP « {case.series.name} »"
                    f" du {_local(recommendation.meeting.starts_at)} (version "
                    f"{recommendation.version}) pour le patient {case.patient.pseudonym}.\n"
                    + corrects
                    + "Il est aussi classé dans le dossier : "
                    f"{_url('meetings:case_detail', case.public_id)}\n"
                ),
                attachments=[(name, pdf, "application/pdf")],
            )
            for email in emails
        ],
    )


def ratification_decided(ratification: Ratification) -> None:
    """Tell the requester what the ordinary meeting decided on the urgent avis, with the
    signed document (ratified, or not ratified with the reason and a new version to come)."""
    urgent = ratification.recommendation
    case = urgent.case
    meeting = ratification.agenda_item.meeting
    pseudonym = case.patient.pseudonym
    if ratification.is_ratified:
        subject = f"Avis urgent ratifié : patient {pseudonym}"
        text = (
            f"L'avis urgent (version {urgent.version}) a été ratifié par la RCP "
            f"« {case.series.name} » du {_local(meeting.starts_at)} ; il reste en vigueur."
        )
    else:
        subject = f"Avis urgent non ratifié : patient {pseudonym}"
        text = (
            f"L'avis urgent (version {urgent.version}) n'a pas été ratifié par la RCP "
            f"« {case.series.name} » du {_local(meeting.starts_at)}.\nMotif : "
            f"{rules.sentence(ratification.reason)}\nUne nouvelle version de l'avis est en "
            "rédaction ; elle vous sera transmise dès sa signature."
        )
    _defer(
        kind="rcp.ratification",
        about=case,
        mails=[
            Mail(
                to=[case.requester.email],
                subject=subject,
                body=(
                    f"Bonjour,\n\n{text}\nLe document signé est joint ; il est aussi classé "
                    f"dans le dossier : {_url('meetings:case_detail', case.public_id)}\n"
                ),
                attachments=[
                    (
                        ratification_filename(ratification),
                        bytes(ratification.pdf or b""),
                        "application/pdf",
                    )
                ],
            )
        ],
    )


def follow_up_due(case: CaseRequest, *, second: bool = False) -> None:
    reminder = "Rappel : " if second else ""
    again = "Second rappel, sans réponse à la relance d'il y a un mois. " if second else ""
    _defer(
        kind="rcp.follow_up",
        about=case,
        mails=[
            Mail(
                to=[case.requester.email],
                subject=f"{reminder}Suivi de l'avis RCP : patient {case.patient.pseudonym}",
                body=(
                    again
                    + "Trois mois ont passé depuis l'avis de la RCP. La proposition a-t-elle été "
                    "appliquée ? Sinon, pourquoi ? Une minute suffit :\n"
                    f"{_url('meetings:follow_up', case.public_id)}\n"
                ),
            )
        ],
    )
