"""A national donor table of any size for the benchmarks, written with raw bulk inserts.

Benchmark scaffolding, not a way in: real donor files go through
``filiere.transfusion.services.donors_import`` (about 6,000 donors a second through the ORM on
SQLite). Here a million donors must be in the table in seconds, so rows are written directly,
with the values that service writes (typings as "A*02:01 A24", one DonorImport row as the pool's
stamp). The table and the import row are removed by ``clear_donor_table``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from filiere.hla.nomenclature import Locus
from filiere.hla.pool import SyntheticPool
from filiere.transfusion.models import Donor, DonorImport

_HPA = ("aa", "ab", "bb")
_COLUMNS = (
    "external_id",
    "site",
    "region",
    "abo",
    "hla_a",
    "hla_b",
    "hla_c",
    "hpa1",
    "hpa3",
    "hpa5",
    "cd36_positive",
    "active",
    "last_import_id",
)


def _rows(pool: SyntheticPool, load: DonorImport) -> Iterator[tuple[Any, ...]]:
    texts = {
        locus: [" ".join(call.name for call in genotype) for genotype in pool.genotypes[locus]]
        for locus in Locus
    }
    abo = ["O", "A", "B", "AB", ""]
    codes = {locus: pool.codes[locus].tolist() for locus in Locus}
    regions = [pool.regions[i] for i in pool.region_codes.tolist()]
    abos = [abo[i] for i in pool.abo_codes.tolist()]
    hpa = pool.hpa.tolist()
    cd36 = (~pool.cd36_negative).tolist()
    hpa_typed = pool.hpa_typed.tolist()
    cd36_typed = pool.cd36_typed.tolist()
    active = pool.active.tolist()
    for i in range(len(pool)):
        yield (
            pool.ids[i],
            f"EFS {regions[i]}",
            regions[i],
            abos[i],
            texts[Locus.A][codes[Locus.A][i]],
            texts[Locus.B][codes[Locus.B][i]],
            texts[Locus.C][codes[Locus.C][i]],
            _HPA[hpa[i][0]] if hpa_typed[i] else "",
            _HPA[hpa[i][1]] if hpa_typed[i] else "",
            _HPA[hpa[i][2]] if hpa_typed[i] else "",
            cd36[i] if cd36_typed[i] else None,
            active[i],
            load.pk,
        )


def fill_donor_table(pool: SyntheticPool, source: str) -> DonorImport:
    """Write the pool into the (empty) Donor table; return the import row that stamps it."""
    table = Donor._meta.db_table
    with transaction.atomic():
        load = DonorImport.objects.create(source=source, created=len(pool))
        rows = _rows(pool, load)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw: Any = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_COLUMNS))
                sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({marks})"  # noqa: S608 - fixed names
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 50_000:
                        cursor.executemany(sql, batch)
                        batch.clear()
                if batch:
                    cursor.executemany(sql, batch)
    if connection.vendor == "postgresql":
        # After a bulk load the planner needs fresh statistics, as after any large import.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return load


def clear_donor_table() -> None:
    with transaction.atomic():
        Donor.objects.all().delete()
        DonorImport.objects.all().delete()
