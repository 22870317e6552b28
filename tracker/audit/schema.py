"""Database triggers that make `audit_events` append-only, whatever client connects,
and PostgreSQL's `audit_append` function that adds an event to the chain in one call.

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


#: the columns an event is written with, in the order audit_append takes them
APPEND_COLUMNS = (
    ("occurred_at", "timestamptz"), ("user_id", "integer"), ("user_email", "varchar"),
    ("role", "varchar"), ("action", "varchar"), ("patient_id", "integer"),
    ("record_type", "varchar"), ("record_id", "varchar"), ("outcome", "varchar"),
    ("ip", "varchar"), ("user_agent", "varchar"), ("details", "json"),
)
#: PostgreSQL appends an event in one round trip: the chain's lock (the advisory lock of
#: tracker.audit.chain), its latest hash, this event's hash over that and the event's
#: canonical JSON (computed by the caller, exactly as chain.event_hash does), and the
#: insert. Each statement of a PL/pgSQL function takes a fresh snapshot, so the latest hash
#: is read after the lock is held and sees every event committed before.
POSTGRES_APPEND_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION audit_append(
        {", ".join(f"p_{name} {kind}" for name, kind in APPEND_COLUMNS)}, p_canonical text,
        lock_key bigint, OUT new_id integer, OUT new_previous_hash varchar,
        OUT new_hash varchar) AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT hash INTO new_previous_hash FROM audit_events ORDER BY id DESC LIMIT 1;
        new_previous_hash := coalesce(new_previous_hash, '');
        new_hash := encode(sha256(convert_to(new_previous_hash || p_canonical, 'UTF8')), 'hex');
        INSERT INTO audit_events ({", ".join(name for name, _ in APPEND_COLUMNS)},
                                  previous_hash, hash)
        VALUES ({", ".join(f"p_{name}" for name, _ in APPEND_COLUMNS)},
                new_previous_hash, new_hash)
        RETURNING id INTO new_id;
    END;
    $$ LANGUAGE plpgsql
    """


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


def create_append_function(connection):
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(POSTGRES_APPEND_FUNCTION))


def drop_append_function(connection):
    if connection.dialect.name == "postgresql":
        arguments = ", ".join(kind for _, kind in APPEND_COLUMNS)
        connection.execute(sa.text(
            f"DROP FUNCTION IF EXISTS audit_append({arguments}, text, bigint)"))
