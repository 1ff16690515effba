"""What every nomenclature import shares: the release it fills, known by its file's checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from filiere.access.actors import Actor, acting_user
from filiere.nomenclature.models import (
    NomenclatureRelease,
)

M = TypeVar("M", bound=Model)
R = TypeVar("R")


@dataclass(frozen=True)
class ImportResult:
    release: NomenclatureRelease | None
    skipped: bool
    message: str


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_start(
    *, actor: Actor, system: str, checksum: str, version: str, source: str
) -> NomenclatureRelease | ImportResult:
    """Return the new release an import fills, or the skipped result when the file is known.

    A file is known by its system and checksum: importing it again changes nothing. The version
    and source are cut to their columns' lengths.
    """
    previous = NomenclatureRelease.objects.filter(system=system, checksum=checksum).first()
    if previous is not None:
        return ImportResult(previous, True, f"Déjà importé le {previous.imported_at:%d/%m/%Y}.")
    return NomenclatureRelease.objects.create(
        system=system,
        version=version[:100],
        source=source[:300],
        checksum=checksum,
        imported_by=acting_user(actor),
    )


@dataclass(frozen=True)
class Upserted:
    added: int
    refreshed: int
    changed: int


def rows_upsert(
    known: QuerySet[M],
    records: Iterable[R],
    *,
    key: str,
    build: Callable[[R], M],
    refresh: Callable[[M, R], bool | None],
    fields: Sequence[str],
) -> Upserted:
    """Create a row for each record with a new ``key`` and refresh the ``known`` rows, in bulk.

    ``refresh`` brings a known row to its record and returns whether anything changed, or None
    to leave the row as it is. A key the records repeat is created once, from its first record.
    Return how many rows were added, refreshed (saved again) and changed.
    """
    existing: dict[Any, M] = {getattr(row, key): row for row in known}
    to_create: list[M] = []
    to_update: list[M] = []
    changed = 0
    for record in records:
        row = existing.get(getattr(record, key))
        if row is None:
            existing[getattr(record, key)] = row = build(record)
            to_create.append(row)
            continue
        if row.pk is None:
            continue
        outcome = refresh(row, record)
        if outcome is None:
            continue
        changed += outcome
        to_update.append(row)
    known.model._default_manager.bulk_create(to_create, batch_size=2000)
    known.model._default_manager.bulk_update(to_update, list(fields), batch_size=2000)
    return Upserted(len(to_create), len(to_update), changed)
