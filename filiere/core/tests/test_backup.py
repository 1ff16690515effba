"""Backups restore: `filiere backup` then `filiere restore` into a fresh PostgreSQL database give
back the same rows in every table, the audit trail still append-only, the same private files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.backup import BackupError, backup_restore
from filiere.meetings import services as meetings
from filiere.meetings.models import CaseAttachment
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient
from filiere.testing.meetings import PDF_BYTES, PNG_BYTES, make_case, make_series, pdf_upload

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


def _connect(name: str) -> Any:
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def _contents(name: str) -> dict[str, tuple[int, str]]:
    """Return, per table and sequence, its row count and an MD5 of all its rows (or its value)."""
    contents: dict[str, tuple[int, str]] = {}
    with _connect(name) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for table in tables:
            count, digest = conn.execute(
                # A name read from pg_tables, not user input.
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
                f' FROM "{table}" t'
            ).fetchone()
            contents[table] = (count, digest)
        sequences = [
            row[0]
            for row in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for sequence in sequences:
            (value,) = conn.execute(f'SELECT last_value FROM "{sequence}"').fetchone()  # noqa: S608
            contents[f"sequence {sequence}"] = (value, "")
    return contents


@pytest.fixture
def empty_database() -> Iterator[dict[str, Any]]:
    """A new, empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def network(centre_a: Centre, alice: User, nomenclature: None) -> list[CaseAttachment]:
    """Two patients, a case-meeting request with two attachments, and their audit events."""
    series = make_series(centre_a)
    patient = make_patient(centre_a, actor=alice, birth_name="Lefèvre", first_given_name="Élodie")
    make_patient(centre_a, actor=alice, birth_name="Garnier", first_given_name="Paul")
    case = make_case(series, alice, Patient.objects.get(pk=patient.pk))
    return [
        meetings.attachment_add(actor=alice, case=case, upload=pdf_upload("cr.pdf", PDF_BYTES)),
        meetings.attachment_add(
            actor=alice, case=case, upload=pdf_upload("frottis.png", PNG_BYTES)
        ),
    ]


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_restores_every_table_the_audit_trigger_and_the_private_files(
    network: list[CaseAttachment], empty_database: dict[str, Any], tmp_path: Path
) -> None:
    assert AuditEvent.objects.count() > 0
    private = Path(settings.PRIVATE_FILES_DIR)
    assert len(_files(private)) == len(network)
    key = tmp_path / "backup.key"
    key.write_bytes(Fernet.generate_key())
    out = tmp_path / "backup"

    call_command("backup", out=out, key=key)
    assert not (out / "database.dump").exists()  # only the encrypted form is written
    restored_private = tmp_path / "restored-private"
    backup_restore(source=out, key=key, database=empty_database, private_dir=restored_private)

    original = _contents(connection.settings_dict["NAME"])
    restored = _contents(empty_database["NAME"])
    assert original.keys() == restored.keys()
    assert original["audit_auditevent"][0] == AuditEvent.objects.count()
    assert original["meetings_caseattachment"][0] == len(network)
    assert restored == original
    assert _files(restored_private) == _files(private)
    assert all(p.stat().st_mode & 0o077 == 0 for p in restored_private.rglob("*") if p.is_file())

    import psycopg

    with _connect(empty_database["NAME"]) as conn:
        for statement in (
            "UPDATE audit_auditevent SET summary = 'effacé'",
            "DELETE FROM audit_auditevent",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        (count,) = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()
    assert count == AuditEvent.objects.count()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_damaged_backup_a_wrong_key_and_a_database_that_is_not_empty(
    network: list[CaseAttachment], empty_database: dict[str, Any], tmp_path: Path
) -> None:
    key = tmp_path / "backup.key"
    key.write_bytes(Fernet.generate_key())
    other_key = tmp_path / "other.key"
    other_key.write_bytes(Fernet.generate_key())
    out = tmp_path / "backup"
    call_command("backup", out=out, key=key)
    target = tmp_path / "restored-private"

    # The instance's own database holds data: never restored over.
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("restore", str(out), key=str(key))
    with pytest.raises(BackupError, match="chiffrée"):
        backup_restore(source=out, database=empty_database, private_dir=target)
    with pytest.raises(BackupError, match="ne déchiffre pas"):
        backup_restore(source=out, key=other_key, database=empty_database, private_dir=target)
    assert _contents(empty_database["NAME"]) == {}

    dump = out / "database.dump.fernet"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 1
    dump.write_bytes(bytes(damaged))
    with pytest.raises(BackupError, match=r"SHA-256 de database\.dump\.fernet"):
        backup_restore(source=out, key=key, database=empty_database, private_dir=target)
    assert _contents(empty_database["NAME"]) == {}
    assert not target.exists() or not any(target.iterdir())


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_on_sqlite_the_backup_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="copiez le dossier DATA_DIR"):
        call_command("backup", out=tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
