"""Correcting and withdrawing clinical records: one mechanism for every kind of record.

Each app registers its correctable records (a ``CorrectableKind``) from its ``AppConfig.ready``:
which form edits it, which of its services validates and applies a correction, what must be
refreshed afterwards. This module keeps the history: every correction and every withdrawal
("saisie erronée") adds a ``RecordRevision`` holding the values before, who, when and why. A
withdrawn record stays in the database and in its history; pages, scores, cards and exports read
``current()`` records only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record, snapshot
from filiere.core.models import RecordRevision, WithdrawableRecord

# A record younger than this, never exported, may be corrected without a reason (a typo just made).
REASON_FREE_PERIOD = dt.timedelta(days=1)
REASON_MAX_LENGTH = 500

FormBuilder = Callable[[Any, WithdrawableRecord, Any], forms.BaseForm]
Corrector = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class CorrectableKind:
    """How one kind of clinical record is corrected (registered by the app that owns it)."""

    slug: str
    model: type[WithdrawableRecord]
    label: Any
    fields: tuple[str, ...]
    # ``correct(actor=…, record=…, values=…)`` validates, applies and returns the diff.
    correct: Corrector | None = None
    # ``build_form(request, record, data)``: the edit form, initial values from the record.
    build_form: FormBuilder | None = None
    created_field: str = "created_at"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def record_type(self) -> str:
        return self.model._meta.label_lower

    @property
    def correctable(self) -> bool:
        return self.correct is not None and self.build_form is not None


_KINDS: dict[str, CorrectableKind] = {}
_LISTENERS: dict[type[WithdrawableRecord], list[Callable[[WithdrawableRecord], None]]] = {}


def register(kind: CorrectableKind) -> None:
    """Make ``kind`` correctable and withdrawable through the shared pages."""
    existing = _KINDS.get(kind.slug)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"Slug {kind.slug!r} already used by {existing.record_type}")
    _KINDS[kind.slug] = kind


def on_change(
    model: type[WithdrawableRecord], callback: Callable[[WithdrawableRecord], None]
) -> None:
    """Call ``callback(record)`` after each correction or withdrawal of a ``model`` record.

    How another app keeps what it derives from the record up to date (a follow-up schedule
    derived from the diagnoses, for instance), registered from that app's ``ready``.
    """
    callbacks = _LISTENERS.setdefault(model, [])
    if callback not in callbacks:
        callbacks.append(callback)


def correction_values(
    record: WithdrawableRecord, fields: Iterable[str], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the record's ``fields`` with the corrected ``values`` over them.

    A value outside ``fields`` is a programming error: the correction form offers only these.
    """
    names = tuple(fields)
    unknown = set(values) - set(names)
    if unknown:
        raise TypeError(f"These {type(record).__name__} fields cannot change: {sorted(unknown)}")
    return {name: getattr(record, name) for name in names} | dict(values)


def corrector(
    service: Callable[..., dict[str, Any]], argument: str, fields: Iterable[str] | None = None
) -> Corrector:
    """Return the ``correct`` of a kind whose update ``service`` takes the record as
    ``argument``; with ``fields``, the form's other values are not passed on."""
    names = None if fields is None else frozenset(fields)

    def correct(*, actor: Actor, record: WithdrawableRecord, values: dict[str, Any]) -> Any:
        kept = values if names is None else {k: v for k, v in values.items() if k in names}
        return service(actor=actor, **{argument: record}, **kept)

    return correct


def _changed(record: WithdrawableRecord) -> None:
    for model, callbacks in _LISTENERS.items():
        if isinstance(record, model):
            for callback in callbacks:
                callback(record)


def kinds() -> Iterator[CorrectableKind]:
    return iter(_KINDS.values())


def kind_for_slug(slug: str) -> CorrectableKind | None:
    return _KINDS.get(slug)


def kind_of(record: WithdrawableRecord) -> CorrectableKind:
    for kind in _KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise LookupError(f"{type(record).__name__} is not a registered correctable record")


def _patient_public_id(record: WithdrawableRecord) -> Any:
    return record.patient.public_id  # type: ignore[attr-defined]


def was_exported(record: WithdrawableRecord, kind: CorrectableKind) -> bool:
    """Whether the patient's record left the registry (national export, download) since then."""
    created = getattr(record, kind.created_field)
    return AuditEvent.objects.filter(
        patient_id=_patient_public_id(record),
        action=AuditEvent.Action.EXPORT,
        occurred_at__gte=created,
    ).exists()


def reason_required(record: WithdrawableRecord, *, now: dt.datetime | None = None) -> bool:
    """A reason is required once the record is older than a day or has been exported."""
    kind = kind_of(record)
    created = getattr(record, kind.created_field)
    now = now or timezone.now()
    return now - created > REASON_FREE_PERIOD or was_exported(record, kind)


def _next_number(kind: CorrectableKind, record: WithdrawableRecord) -> int:
    last = (
        RecordRevision.objects.filter(record_type=kind.record_type, record_id=record.public_id)  # type: ignore[attr-defined]
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 1) + 1


def _clean_reason(reason: str, *, required: bool, what: str) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": what})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Le motif tient en %(n)s caractères au plus.") % {"n": REASON_MAX_LENGTH}}
        )
    return reason


def _lock(record: WithdrawableRecord) -> WithdrawableRecord:
    return type(record).objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def record_correct(
    *, actor: Actor, record: WithdrawableRecord, reason: str = "", values: dict[str, Any]
) -> dict[str, Any]:
    """Correct ``record`` through its owner's service, keeping the previous version.

    Return the changes (empty when nothing changed: no version is then added).
    """
    kind = kind_of(record)
    if kind.correct is None:
        raise ValidationError(_("Ce type d'enregistrement ne se corrige pas : retirez-le."))
    record = _lock(record)
    if record.is_withdrawn:
        raise ValidationError(_("Cet enregistrement a été retiré ; il ne peut plus être corrigé."))
    reason = _clean_reason(
        reason,
        required=reason_required(record),
        what=_(
            "Motif : indiquez pourquoi vous corrigez cet enregistrement (saisi il y a plus "
            "d'un jour ou déjà exporté)."
        ),
    )
    before = snapshot(record, kind.fields)
    changes = kind.correct(actor=actor, record=record, values=values)
    if not changes:
        return {}
    number = _next_number(kind, record)
    RecordRevision.objects.create(
        record_type=kind.record_type,
        record_id=record.public_id,  # type: ignore[attr-defined]
        patient_id=_patient_public_id(record),
        number=number,
        kind=RecordRevision.Kind.CORRECTED,
        values_before=before,
        changes=changes,
        reason=reason,
        actor=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=record,
        patient_id=_patient_public_id(record),
        summary=f"Correction ({kind.label}), version {number}" + (f" : {reason}" if reason else ""),
        changes=changes,
    )
    _changed(record)
    return changes


@transaction.atomic
def record_withdraw(*, actor: Actor, record: WithdrawableRecord, reason: str) -> WithdrawableRecord:
    """Withdraw ``record`` as entered in error: hidden everywhere, kept with its history."""
    kind = kind_of(record)
    record = _lock(record)
    if record.is_withdrawn:
        raise ValidationError(_("Cet enregistrement est déjà retiré."))
    reason = _clean_reason(
        reason, required=True, what=_("Motif : indiquez pourquoi cet enregistrement est retiré.")
    )
    before = snapshot(record, kind.fields)
    now = timezone.now()
    by = acting_user(actor)
    type(record).objects.filter(pk=record.pk).update(
        withdrawn_at=now, withdrawn_by=by, withdrawal_reason=reason
    )
    record.withdrawn_at, record.withdrawn_by, record.withdrawal_reason = now, by, reason
    number = _next_number(kind, record)
    RecordRevision.objects.create(
        record_type=kind.record_type,
        record_id=record.public_id,  # type: ignore[attr-defined]
        patient_id=_patient_public_id(record),
        number=number,
        kind=RecordRevision.Kind.WITHDRAWN,
        values_before=before,
        changes={"retiré": {"avant": False, "après": True}},
        reason=reason,
        actor=by,
        recorded_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ARCHIVE,
        obj=record,
        patient_id=_patient_public_id(record),
        summary=f"Retrait ({kind.label}) : {reason}",
    )
    record.patient.__class__.objects.filter(pk=record.patient.pk).update(  # type: ignore[attr-defined]
        updated_at=now
    )
    _changed(record)
    return record


@dataclass(frozen=True)
class Version:
    """One version of a record as the history page shows it."""

    number: int
    values: dict[str, Any]
    changes: dict[str, Any]
    kind: str
    reason: str
    actor: User | None
    at: dt.datetime
    current: bool


def record_history(record: WithdrawableRecord) -> list[Version]:
    """Every version of ``record``, oldest first; the last one is what the record holds now."""
    kind = kind_of(record)
    revisions = list(
        RecordRevision.objects.filter(
            record_type=kind.record_type,
            record_id=record.public_id,  # type: ignore[attr-defined]
        )
        .select_related("actor")
        .order_by("number")
    )
    now_values = snapshot(record, kind.fields)
    created_at = getattr(record, kind.created_field)
    created_by = getattr(record, "recorded_by", None) or getattr(record, "created_by", None)
    versions = []
    previous_at, previous_by = created_at, created_by
    previous_kind, previous_reason = "created", ""
    previous_changes: dict[str, Any] = {}
    for revision in revisions:
        versions.append(
            Version(
                number=revision.number - 1,
                values=revision.values_before,
                changes=previous_changes,
                kind=previous_kind,
                reason=previous_reason,
                actor=previous_by,
                at=previous_at,
                current=False,
            )
        )
        previous_at, previous_by = revision.recorded_at, revision.actor
        previous_kind, previous_reason = revision.kind, revision.reason
        previous_changes = revision.changes
    versions.append(
        Version(
            number=len(revisions) + 1,
            values=now_values,
            changes=previous_changes,
            kind=previous_kind,
            reason=previous_reason,
            actor=previous_by,
            at=previous_at,
            current=True,
        )
    )
    return versions


def revision_counts(records: list[WithdrawableRecord]) -> dict[Any, int]:
    """Number of revisions per record public id (one query for a page of records)."""
    ids = [r.public_id for r in records]  # type: ignore[attr-defined]
    if not ids:
        return {}
    from django.db.models import Count

    rows = (
        RecordRevision.objects.filter(record_id__in=ids).values("record_id").annotate(n=Count("id"))
    )
    return {row["record_id"]: row["n"] for row in rows}
