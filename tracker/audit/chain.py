"""The hash chain over audit events, and the ORM guard that keeps them append-only.

Each event's hash covers the previous event's hash and its own fields, so changing,
removing or reordering a stored event breaks the chain from that event on. Appends are
serialised, so two requests can never link to the same predecessor: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by taking the database's write lock before
reading the latest hash. A unique `previous_hash` backs both up.

`append` is the only way in, and writes at once, in the caller's transaction: on
PostgreSQL one call of the `audit_append` function (tracker.audit.schema), which every
page that shows patient data makes, elsewhere three statements.
"""

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.audit import schema
from tracker.audit.models import AuditEvent
from tracker.db import UTCDateTime

#: an arbitrary constant naming "the audit chain" among PostgreSQL advisory locks
ADVISORY_LOCK_KEY = 0x4D455249  # "MERI"

HASHED_FIELDS = ("occurred_at", "user_id", "user_email", "role", "action", "patient_id",
                 "record_type", "record_id", "outcome", "ip", "user_agent", "details")


class AuditTamperingError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


def canonical_json(event):
    values = {field: getattr(event, field) for field in HASHED_FIELDS}
    values["occurred_at"] = event.occurred_at.isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def event_hash(previous_hash, event):
    return hashlib.sha256((previous_hash + canonical_json(event)).encode()).hexdigest()


def append(session, event):
    """Write `event` at the end of the chain now, in the session's transaction.

    The event gets its id and both hashes; it never joins the session, so the ORM cannot
    write it a second time or change it later.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _append_in_one_call(connection, event)
    else:
        _append_in_steps(connection, event)
    return event


def _values(event):
    return {name: getattr(event, name) for name, _ in schema.APPEND_COLUMNS}


#: the call of schema.POSTGRES_APPEND_FUNCTION, built once (every audited page makes it)
APPEND_CALL = sa.text(
    "SELECT * FROM audit_append("
    + ", ".join(f"CAST(:{name} AS {kind})" for name, kind in schema.APPEND_COLUMNS)
    + ", CAST(:canonical AS text), CAST(:lock_key AS bigint))").bindparams(
        sa.bindparam("occurred_at", type_=UTCDateTime()),
        sa.bindparam("details", type_=sa.JSON()))


def _append_in_one_call(connection, event):
    row = connection.execute(APPEND_CALL, _values(event) | {
        "canonical": canonical_json(event), "lock_key": ADVISORY_LOCK_KEY}).one()
    event.id, event.previous_hash, event.hash = row


def _append_in_steps(connection, event):
    # A write that matches no row still takes SQLite's write lock for the transaction.
    connection.execute(sa.text("UPDATE audit_events SET id = id WHERE 1 = 0"))
    previous = connection.scalar(
        sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    event.previous_hash, event.hash = previous, event_hash(previous, event)
    result = connection.execute(sa.insert(AuditEvent).values(
        _values(event) | {"previous_hash": event.previous_hash, "hash": event.hash}))
    event.id = result.inserted_primary_key[0]


@sa.event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    for instance in session.deleted:
        if isinstance(instance, AuditEvent):
            raise AuditTamperingError("Audit events cannot be deleted.")
    for instance in session.dirty:
        if isinstance(instance, AuditEvent) and session.is_modified(instance):
            raise AuditTamperingError("Audit events cannot be changed.")
    for instance in session.new:
        if isinstance(instance, AuditEvent):
            raise AuditTamperingError("Audit events are written by record_event (or "
                                      "chain.append), which links them into the chain.")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEvent for mapper in state.all_mappers):
        raise AuditTamperingError("Audit events cannot be changed or deleted.")


def first_altered_event(session):
    """The first event whose hash or link does not match, or None when the chain is whole.

    Walks the stored rows (never objects the session may hold) in id order, a thousand
    at a time.
    """
    previous = ""
    table = AuditEvent.__table__
    rows = session.execute(sa.select(table).order_by(table.c.id)
                           .execution_options(yield_per=1000))
    for event in rows:
        if event.previous_hash != previous or event.hash != event_hash(previous, event):
            return event
        previous = event.hash
    return None
