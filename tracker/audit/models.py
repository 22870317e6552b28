"""The audit trail: one row per view, change, export or login attempt, never edited.

Rows carry snapshots (the user's email and role at the time) and no foreign keys, so an
event outlives anything it mentions and never blocks a change elsewhere.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import schema
from tracker.db import UTCDateTime
from tracker.extensions import db


class Outcome:
    SUCCESS = "success"
    FAILURE = "failure"  #: the person tried and the app said no (a wrong password)
    DENIED = "denied"  #: refused before trying (a rate limit, a missing permission)
    ALL = (SUCCESS, FAILURE, DENIED)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.CheckConstraint("outcome IN ('success', 'failure', 'denied')", name="outcome_known"),
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
        sa.Index("ix_audit_events_patient_occurred_at", "patient_id", "occurred_at"),
        sa.Index("ix_audit_events_user_occurred_at", "user_id", "occurred_at"),
        sa.Index("ix_audit_events_action", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[object] = mapped_column(UTCDateTime)
    #: who: None for an anonymous request (a failed login) or a command-line run
    user_id: Mapped[int | None]
    #: the email at the time, or the address typed into a failed login
    user_email: Mapped[str | None] = mapped_column(sa.String(254))
    role: Mapped[str | None] = mapped_column(sa.String(20))
    #: "<record>.<verb>", e.g. "patient.view", "visit.sign", "auth.login"
    action: Mapped[str] = mapped_column(sa.String(60))
    #: the patient whose data was seen or changed, when there is one
    patient_id: Mapped[int | None]
    #: the record concerned: its model name and primary key
    record_type: Mapped[str | None] = mapped_column(sa.String(60))
    record_id: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(10))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    #: a few plain values that explain the event (the search terms, the file format)
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    #: the hash of the event before this one ("" for the first): the chain's link
    previous_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: sha256 over previous_hash and this row's fields (see tracker.audit.chain)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    @property
    def record_label(self):
        return f"{self.record_type} {self.record_id}" if self.record_type else ""

    def __repr__(self):
        return f"<AuditEvent {self.id} {self.action} {self.outcome}>"


# create_all() (the test schema) gets the append-only triggers and PostgreSQL's append
# function too; migrations create them themselves.
sa.event.listen(AuditEvent.__table__, "after_create",
                lambda table, connection, **kw: schema.create_guards(connection))
sa.event.listen(AuditEvent.__table__, "after_create",
                lambda table, connection, **kw: schema.create_append_function(connection))

from tracker.audit import chain  # noqa: E402, F401  (the hash chain and append-only guard)
