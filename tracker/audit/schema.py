"""Database triggers that make `audit_events` append-only, whatever client connects.

The ORM refuses to change audit rows too (tracker.audit.chain); these triggers also stop
raw SQL, a psql session or another program using the app's credentials. A database owner
can still drop them, which is why the rows are also hash-chained (`flask audit verify`).
"""

import sqlalchemy as sa

MESSAGE = "audit events are append-only"

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER audit_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    """,
    """
    CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
    """,
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_events_no_update_or_delete ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
]

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
    for verb in ("UPDATE", "DELETE")
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS audit_events_no_{verb}" for verb in ("update", "delete")]


def _statements(connection, postgres, sqlite):
    return postgres if connection.dialect.name == "postgresql" else sqlite


def create_guards(connection):
    for statement in _statements(connection, POSTGRES_CREATE, SQLITE_CREATE):
        connection.execute(sa.text(statement))


def drop_guards(connection):
    """Remove the triggers: only for migrations' downgrade and the test suite's cleanup."""
    for statement in _statements(connection, POSTGRES_DROP, SQLITE_DROP):
        connection.execute(sa.text(statement))


def drop_guard_function(connection):
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("DROP FUNCTION IF EXISTS audit_events_append_only()"))
