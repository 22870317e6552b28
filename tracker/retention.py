"""Patients and clinical records are archived or amended, never deleted.

A guard on every ORM flush: code that tries to delete one of these rows fails loudly
instead of losing part of a health record. (Tables are emptied in tests with plain SQL.)
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

#: tables whose rows are never deleted
KEPT_TABLES = {"patients", "courses", "amendments", "pain_checkins"}


class RecordRetentionError(RuntimeError):
    """Raised when code tries to delete a record that must be kept."""


def must_keep(instance):
    table = getattr(instance, "__tablename__", None)
    if table in KEPT_TABLES:
        return True
    return table == "visits" and instance.signed_at is not None


@sa.event.listens_for(Session, "before_flush")
def _refuse_deleting_kept_records(session, flush_context, instances):
    for instance in session.deleted:
        if must_keep(instance):
            raise RecordRetentionError(
                f"{type(instance).__name__} records are kept: archive or amend, never delete.")
