"""Name search over a million identities: a trigram index on PostgreSQL.

The search matches the start of any word of the normalised names (``LIKE 'word%'`` or
``LIKE '% word%'``); a GIN trigram index answers both without reading the whole table. SQLite
(development) has no such index and needs none at its sizes.
"""

from __future__ import annotations

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS identity_search_key_trgm "
        "ON identity_traits USING gin (search_key gin_trgm_ops)",
        params=None,
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS identity_search_key_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
