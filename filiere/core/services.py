"""Small building blocks shared by the write services of every app."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record, changed_fields, snapshot

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
R = TypeVar("R")


def _lookup_names(node: Any) -> list[str]:
    if isinstance(node, models.Q):
        return [name for child in node.children for name in _lookup_names(child)]
    if isinstance(node, tuple) and node and isinstance(node[0], str):
        return [node[0].split("__")[0]]
    return []


def constraint_fields(model: type[models.Model], constraint: models.BaseConstraint) -> list[str]:
    """Return the model's fields a constraint reads, the last-named (the value it judges) first.

    A rule reads "unless <context>, <value> must…": the value judged is named last.
    """
    names: list[str] = []
    if isinstance(constraint, models.CheckConstraint):
        names = _lookup_names(constraint.condition)
    elif isinstance(constraint, models.UniqueConstraint):
        names = list(constraint.fields)
    fields = []
    for name in reversed(names):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.name not in fields:
            fields.append(field.name)
    return fields


def _full_clean(instance: models.Model) -> None:
    """Validate ``instance``, putting a broken constraint's message beside the value it judges."""
    try:
        instance.full_clean()
    except ValidationError as error:
        errors: dict[str, list[str]] = {
            field: list(messages) for field, messages in error.message_dict.items()
        }
        remaining = []
        for message in errors.pop(NON_FIELD_ERRORS, []):
            field = _field_of(type(instance), message)
            if field:
                errors.setdefault(field, []).append(message)
            else:
                remaining.append(message)
        if remaining:
            errors[NON_FIELD_ERRORS] = remaining
        raise ValidationError(errors) from error


def _field_of(model: type[models.Model], message: str) -> str | None:
    for constraint in model._meta.constraints:
        if str(constraint.get_violation_error_message()) == message:
            fields = constraint_fields(model, constraint)
            return fields[0] if fields else None
    return None


def create_validated(model: type[M], **values: Any) -> M:
    """Build ``model(**values)``, run its full validation, save it and return it."""
    instance = model(**values)
    _full_clean(instance)
    instance.save(force_insert=True)
    return instance


def _column_of(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - snapshot() only reads concrete fields
    return field.attname


def update_validated(
    instance: models.Model,
    values: Mapping[str, Any],
    *,
    redacted: Iterable[str] = (),
) -> dict[str, Any]:
    """Apply ``values``, validate and save the changed fields; return the audit diff.

    Nothing is written when no value changes (the diff is then empty).
    """
    names = list(values)
    before = snapshot(instance, names)
    for name, value in values.items():
        setattr(instance, name, value)
    after = snapshot(instance, names)
    changes = changed_fields(before, after, redacted=redacted)
    if changes:
        _full_clean(instance)
        instance.save(update_fields=[_column_of(instance, n) for n in changes])
    return changes


# --- Refused input, recorded in one place -------------------------------------------------


def _patient_id_of(obj: Any) -> Any:
    for path in ("patient", "case.patient"):
        value = obj
        for name in path.split("."):
            value = getattr(value, name, None)
        if value is not None:
            return getattr(value, "public_id", None)
    return None


def _target_of(kwargs: Mapping[str, Any]) -> tuple[str, str, Any]:
    """The object a refused call was about, for the audit event: the first one that leads to a
    patient (a case, a diagnosis…), else the first object given, else the patient alone."""
    given = [
        value
        for name, value in kwargs.items()
        if name != "actor" and isinstance(value, models.Model)
    ]
    patient_id = None
    target: models.Model | None = None
    for value in given:
        patient_id = _patient_id_of(value)
        if patient_id is not None:
            target = value
            break
    others = [value for value in given if value._meta.label_lower != "patients.patient"]
    if target is None and others:
        target = others[0]
    if patient_id is None:
        patients = [value for value in given if value._meta.label_lower == "patients.patient"]
        patient_id = getattr(patients[0], "public_id", None) if patients else None
        target = target or (patients[0] if patients else None)
    if target is None:
        return "", "", patient_id
    return target._meta.label_lower, str(getattr(target, "public_id", target.pk)), patient_id


def refusal_record(
    *, actor: Any, what: str, error: ValidationError, target: Mapping[str, Any]
) -> None:
    """Record that input was refused (called after the refused write rolled back)."""
    object_type, object_id, patient_id = _target_of(target)
    audit_record(
        # People are named; a job acting as SYSTEM is not a person.
        actor=actor if isinstance(actor, User) else None,
        action=AuditEvent.Action.REFUSED,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        summary=f"{what} refusé : " + " ".join(error.messages),
    )


def records_refusals(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the service atomically; when it refuses the input, nothing is written but the refusal
    itself, in the audit trail (the same for every app's services)."""

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        atomic_service = transaction.atomic(service)

        @wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return atomic_service(*args, **kwargs)
            except ValidationError as error:
                refusal_record(actor=kwargs.get("actor"), what=what, error=error, target=kwargs)
                raise

        return wrapper

    return decorator
