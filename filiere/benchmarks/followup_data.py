"""Follow-up data for the benchmark registry: visits, due dates and off-label treatments.

Benchmark scaffolding, like ``filiere.demo.volume``: a million patients with ten visits each is ten
million rows, so they are written by ``INSERT … SELECT`` in the database, not through the services
(which are tested elsewhere). Every column the SQL does not set gets the model field's default, so
a field added later with a default needs no change here, and one without a default fails loudly.
The SQL is assembled from table names and constants of this module, never from input, and percent
signs are doubled because it runs with parameters.
"""

# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

from filiere.followup.models import AtcCode, CentreDue, FollowUpSchedule, Treatment, Visit
from filiere.patients.models import CareEpisode, Diagnosis, Patient

VISITS_PER_PATIENT = 10
VISIT_SPACING_DAYS = 200
TREATED_EVERY = 10  # one patient in ten has an off-label rFVIIa treatment
PENDING = "bench_followup_pending"


def _uuid_sql() -> str:
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # Django stores UUIDs as 32 hex digits on SQLite


def _days_before_sql(date_param: str, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST({date_param} AS date) - CAST({days_sql} AS integer))"
    return f"date({date_param}, (0 - ({days_sql})) || ' days')"


Expression = str | tuple[str, Sequence[Any]]  # SQL, or SQL with its parameters


def insert_select(
    model: type[models.Model],
    expressions: Mapping[str, Expression],
    source: str,
    params: Sequence[Any] = (),
) -> int:
    """``INSERT INTO model SELECT expressions FROM source``; other columns take their default."""
    columns: list[str] = []
    selects: list[str] = []
    values: list[Any] = []  # in the order of the placeholders
    for field in model._meta.concrete_fields:
        if field.name in expressions:
            expression = expressions[field.name]
            sql, sql_params = (expression, ()) if isinstance(expression, str) else expression
            selects.append(sql)
            values.extend(sql_params)
        elif field.primary_key:
            continue
        elif isinstance(field, models.UUIDField) and field.unique:
            selects.append(_uuid_sql())
        else:
            default = field.get_default()
            if default is None:
                if not field.null:
                    raise ValueError(f"{model.__name__}.{field.name} : aucune valeur par défaut")
                continue
            selects.append("%s")
            values.append(field.get_db_prep_save(default, connection))
        columns.append(connection.ops.quote_name(field.column))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return int(cursor.rowcount)


def ensure_followup(today: dt.date) -> dict[str, int]:
    """Give every benchmark patient (``BEN-…``) without visits its visits, due date and treatment.

    Patients keep the centre of their care episode. Half are overdue. The visits go back
    ``VISIT_SPACING_DAYS`` at a time from ``today``.
    """
    patients = Patient._meta.db_table
    episodes = CareEpisode._meta.db_table
    visits = Visit._meta.db_table
    schedules = FollowUpSchedule._meta.db_table
    ten = " UNION ALL ".join(f"SELECT {k} AS n" for k in range(1, VISITS_PER_PATIENT + 1))
    written: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The patients to complete, set aside first: a statement that inserted rows while reading
        # "patients without such rows" would rescan its own new rows for every patient.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {PENDING} AS SELECT p.id AS id, e.centre_id AS centre_id "
            f"FROM {patients} p JOIN {episodes} e ON e.patient_id = p.id "
            f"WHERE p.pseudonym LIKE %s "
            f"AND NOT EXISTS (SELECT 1 FROM {visits} v WHERE v.patient_id = p.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {schedules} s WHERE s.patient_id = p.id)",
            ["BEN-%"],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {PENDING}")
        overdue = "(p.id %% 2)"  # odd ids are overdue by 400 days
        written["schedules"] = insert_select(
            FollowUpSchedule,
            {
                "patient": "p.id",
                "last_visit_on": (_days_before_sql("%s", str(VISIT_SPACING_DAYS)), [today]),
                "anchor_on": (
                    _days_before_sql("%s", f"{VISIT_SPACING_DAYS} + 400 * {overdue}"),
                    [today],
                ),
                "interval_months": "12",
                "next_due_on": (_days_before_sql("%s", f"-165 + 400 * {overdue}"), [today]),
            },
            f"{PENDING} p",
        )
        written["centre_dues"] = insert_select(
            CentreDue,
            {"schedule": "s.id", "centre": "p.centre_id", "next_due_on": "s.next_due_on"},
            f"{PENDING} p JOIN {schedules} s ON s.patient_id = p.id",
        )
        rfviia = AtcCode.objects.get(code="B02BD08")
        diagnoses = Diagnosis._meta.db_table
        written["treatments"] = insert_select(
            Treatment,
            {
                "patient": "p.id",
                "centre": "p.centre_id",
                "diagnosis": f"(SELECT MIN(d.id) FROM {diagnoses} d WHERE d.patient_id = p.id)",
                "kind": "'administration'",
                "category": "'rfviia'",
                "atc": ("%s", [rfviia.pk]),
                "started_on": (_days_before_sql("%s", "p.id %% 700"), [today]),
                "indication": "'bleed'",
                "regulatory_status": "'off_label'",
                "off_label_framework": "CASE WHEN p.id %% 3 = 0 THEN 'aac' ELSE 'cpc' END",
                "justification": "'Pas de réfractarité plaquettaire.'",
                "outcome": (
                    "CASE p.id %% 3 WHEN 0 THEN 'effective' WHEN 1 THEN 'partial' "
                    "ELSE 'ineffective' END"
                ),
            },
            f"{PENDING} p WHERE p.id %% {TREATED_EVERY} = 0",
        )
        written["visits"] = insert_select(
            Visit,
            {
                "patient": "p.id",
                "centre": "p.centre_id",
                "visited_on": (_days_before_sql("%s", f"k.n * {VISIT_SPACING_DAYS}"), [today]),
            },
            f"({ten}) k CROSS JOIN {PENDING} p",
        )
        cursor.execute(f"DROP TABLE {PENDING}")
    if connection.vendor == "postgresql" and written["visits"] > 100_000:
        # What autovacuum does within minutes of a bulk load: statistics for the planner and the
        # visibility map that lets index-only scans skip the table (the worklist's counts).
        with connection.cursor() as cursor:
            for table in (schedules, CentreDue._meta.db_table, Treatment._meta.db_table, visits):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return written
