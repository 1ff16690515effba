"""The only writers of the survey module: validated, atomic, audited.

An answer is written by whoever holds a personal link (no login); its audit event says that an
answer was given to the survey, never by whom nor through which invitation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.network.models import Centre
from filiere.surveys import notifications
from filiere.surveys.models import Answer, Invitation, RankedItem, RankedList, Survey
from filiere.surveys.ranking import is_permutation

MAX_LISTS = 5
MAX_ITEMS = 30


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_create(
    *,
    actor: Actor,
    title: str,
    introduction: str = "",
    lists: Sequence[tuple[str, Sequence[str]]],
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> Survey:
    """Record a draft survey with its lists to rank, each with its items in order."""
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors["title"] = [_("Titre : indiquez le titre de l'enquête.")]
    cleaned: list[tuple[str, list[str]]] = []
    for index, (list_title, items) in enumerate(lists, start=1):
        name = list_title.strip()
        labels = [item.strip() for item in items if item.strip()]
        if not name and not labels:
            continue
        field = f"list_{index}"
        if not name:
            errors.setdefault(field, []).append(
                _("Liste %(n)d : indiquez son titre.") % {"n": index}
            )
        if len(labels) < 2 or len(labels) > MAX_ITEMS:
            errors.setdefault(field, []).append(
                _("Liste « %(name)s » : de 2 à %(max)d éléments à classer, un par ligne.")
                % {"name": name or index, "max": MAX_ITEMS}
            )
        if len(set(labels)) != len(labels):
            errors.setdefault(field, []).append(
                _("Liste « %(name)s » : un élément y figure deux fois.") % {"name": name or index}
            )
        if any(len(label) > 200 for label in labels):
            errors.setdefault(field, []).append(
                _("Liste « %(name)s » : un élément dépasse 200 caractères.")
                % {"name": name or index}
            )
        cleaned.append((name, labels))
    if not cleaned and "title" not in errors:
        errors["list_1"] = [_("Listes : l'enquête demande au moins une liste à classer.")]
    if len(cleaned) > MAX_LISTS:
        errors["list_1"] = [_("Listes : au plus %(max)d listes.") % {"max": MAX_LISTS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = Survey(
            title=title,
            introduction=introduction.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=acting_user(actor),
        )
        survey.full_clean()
        survey.save()
        for position, (name, labels) in enumerate(cleaned):
            ranked = RankedList.objects.create(survey=survey, position=position, title=name)
            RankedItem.objects.bulk_create(
                RankedItem(ranked_list=ranked, position=i, label=label)
                for i, label in enumerate(labels)
            )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=survey,
            summary=_("Enquête créée : %(title)s") % {"title": title},
            changes={"listes": [[name, labels] for name, labels in cleaned]},
        )
    return survey


def _move(*, actor: Actor, survey: Survey, source: str, target: str, message: str) -> Survey:
    with transaction.atomic():
        # Conditional: two coordinators pressing the button at once change it once.
        moved = Survey.objects.filter(pk=survey.pk, status=source).update(status=target)
        if not moved:
            raise ValidationError({"status": message})
        survey.refresh_from_db(fields=["status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=survey,
            summary=_("Enquête « %(title)s » : %(status)s")
            % {"title": survey.title, "status": survey.get_status_display()},
            changes={"status": {"avant": source, "après": target}},
        )
    return survey


def survey_open(*, actor: Actor, survey: Survey) -> Survey:
    """Open a draft survey to its respondents."""
    return _move(
        actor=actor,
        survey=survey,
        source=Survey.Status.DRAFT,
        target=Survey.Status.OPEN,
        message=_("État : seule une enquête en brouillon peut être ouverte."),
    )


def survey_close(*, actor: Actor, survey: Survey) -> Survey:
    """Close an open survey: its links no longer take answers."""
    return _move(
        actor=actor,
        survey=survey,
        source=Survey.Status.OPEN,
        target=Survey.Status.CLOSED,
        message=_("État : seule une enquête ouverte peut être close."),
    )


def network_members(centres: Sequence[Centre] | None = None) -> list[User]:
    """Active users holding a role at an active centre (of ``centres`` when given)."""
    members = User.objects.filter(is_active=True, memberships__centre__is_active=True)
    if centres is not None:
        members = members.filter(memberships__centre__in=centres)
    return list(members.distinct().order_by("pk"))


@dataclass(frozen=True)
class SentLink:
    """A personal link as e-mailed: its token exists nowhere else once the request ends."""

    email: str
    token: str


def survey_invite(
    *, actor: Actor, survey: Survey, centres: Sequence[Centre] | None = None
) -> list[SentLink]:
    """Send each member not yet invited her personal link; return the links sent.

    ``centres`` None invites the whole network.
    """
    if survey.status != Survey.Status.OPEN:
        raise ValidationError({"survey": _("Invitations : ouvrez l'enquête avant d'inviter.")})
    if centres is not None and not centres:
        raise ValidationError({"centres": _("Centres : choisissez au moins un centre.")})
    with transaction.atomic():
        already = set(Invitation.objects.filter(survey=survey).values_list("user_id", flat=True))
        members = [u for u in network_members(centres) if u.pk not in already and u.email]
        links: list[tuple[str, str]] = []
        invitations = []
        now = timezone.now()
        for member in members:
            token = secrets.token_urlsafe(32)
            invitations.append(
                Invitation(survey=survey, user=member, token_hash=token_hash(token), sent_at=now)
            )
            links.append((member.email, token))
        Invitation.objects.bulk_create(invitations)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.SEND,
            obj=survey,
            summary=_("Enquête « %(title)s » : %(n)d invitation(s) envoyée(s)")
            % {"title": survey.title, "n": len(invitations)},
            changes={
                "invités": len(invitations),
                "centres": [str(c.public_id) for c in centres] if centres is not None else "réseau",
            },
        )
        notifications.send_invitations(
            about=survey, title=survey.title, introduction=survey.introduction, links=links
        )
    return [SentLink(email=email, token=token) for email, token in links]


class AnswerRefused(ValidationError):
    """The link cannot take an answer (unknown, already used, survey not open)."""


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("survey").filter(token_hash=token_hash(token)).first()


def answer_refusal(invitation: Invitation | None) -> str | None:
    """Why the link's invitation cannot take an answer, or None when it can."""
    if invitation is None:
        return _("Ce lien d'enquête est inconnu : vérifiez qu'il est complet.")
    if invitation.survey.status != Survey.Status.OPEN:
        return _("Cette enquête n'est pas ouverte : elle ne reçoit pas de réponse.")
    if invitation.answered_at is not None:
        return _("Ce lien a déjà servi : une seule réponse par personne.")
    return None


def survey_answer(*, token: str, ranks: Mapping[str, Sequence[int]]) -> Answer:
    """Record an anonymous answer given through a personal link.

    ``ranks`` maps each list's public id to the ranks of its items, in the list's order.
    The invitation is marked used by a conditional UPDATE in the same transaction, so that two
    submissions of the same link at once cannot both pass. Nothing is written on a refusal.
    """
    return answer_record(invitation=invitation_for_token(token), ranks=ranks)


def answer_record(*, invitation: Invitation | None, ranks: Mapping[str, Sequence[int]]) -> Answer:
    """Record the answer through ``invitation`` as read at the start of the request: when a
    concurrent request used it meanwhile, the conditional UPDATE finds it used and refuses."""
    if (reason := answer_refusal(invitation)) is not None:
        raise AnswerRefused(reason)
    assert invitation is not None  # noqa: S101 - answer_refusal returned a reason otherwise
    survey = invitation.survey
    errors: dict[str, list[str]] = {}
    recorded: dict[str, list[int]] = {}
    for ranked in survey.lists.prefetch_related("items"):
        key = str(ranked.public_id)
        size = len(ranked.items.all())
        try:
            given = [int(rank) for rank in ranks.get(key, [])]
        except (TypeError, ValueError):
            given = []
        if not is_permutation(given, size):
            errors[f"list_{key}"] = [
                _("Liste « %(name)s » : donnez à chaque élément un rang différent, de 1 à %(n)d.")
                % {"name": ranked.title, "n": size}
            ]
        recorded[key] = given
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        used = Invitation.objects.filter(
            pk=invitation.pk,
            answered_at__isnull=True,
            survey__status=Survey.Status.OPEN,
        ).update(answered_at=timezone.now())
        if not used:
            raise AnswerRefused(_("Ce lien a déjà servi : une seule réponse par personne."))
        answer = Answer.objects.create(survey=survey, ranks=recorded)
        # Neither the answer's id nor the invitation: the trail says only that an answer came.
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="surveys.answer",
            object_id=str(survey.public_id),
            summary=_("Réponse reçue à l'enquête « %(title)s »") % {"title": survey.title},
        )
    return answer
