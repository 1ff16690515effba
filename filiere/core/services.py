"""Small building blocks shared by the write services of every app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

from filiere.audit.services import changed_fields, snapshot

M = TypeVar("M", bound=models.Model)


def create_validated(model: type[M], **values: Any) -> M:
    """Build ``model(**values)``, run its full validation, save it and return it."""
    instance = model(**values)
    instance.full_clean()
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
        instance.full_clean()
        instance.save(update_fields=[_column_of(instance, n) for n in changes])
    return changes
