"""A signed recommendation never changes: the database refuses to update it.

PostgreSQL refuses UPDATE and DELETE of a signed row. SQLite refuses UPDATE; DELETE stays
possible there because Django's test database flush empties tables with DELETE. A correction is
a new row (a new version), never an edit.
"""

from __future__ import annotations

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION meetings_recommendation_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed recommendation is immutable (% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER meetings_recommendation_signed_immutable
    BEFORE UPDATE OR DELETE ON meetings_recommendation
    FOR EACH ROW EXECUTE FUNCTION meetings_recommendation_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS meetings_recommendation_signed_immutable ON meetings_recommendation;
DROP FUNCTION IF EXISTS meetings_recommendation_refuse_change();
"""
SQLITE_FORWARD = """
CREATE TRIGGER meetings_recommendation_signed_no_update
BEFORE UPDATE ON meetings_recommendation
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'a signed recommendation is immutable (UPDATE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS meetings_recommendation_signed_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_series_meetings_cases_recommendations")]
    operations = [migrations.RunPython(forward, backward)]
