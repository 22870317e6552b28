"""The database session refuses in-place edits to signed visits.

Services already refuse them with a clear message; this guard catches any code path that
forgets, so a signed record can only change through `amend_visit`, which records who
changed what and why.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.treatments.errors import VisitLockedError
from tracker.treatments.models import Visit, VisitPoint

#: set on a Visit instance by amend_visit for the duration of its flush
AMENDING = "_amending"


def was_signed(session, visit):
    """Whether the visit was already signed before the changes now pending."""
    state = sa.inspect(visit)
    if "signed_at" in state.unloaded:
        with session.no_autoflush:
            session.refresh(visit, ["signed_at"])
    history = state.attrs.signed_at.history
    before = [*history.unchanged, *history.deleted]
    return any(value is not None for value in before)


@sa.event.listens_for(Session, "before_flush")
def refuse_edits_to_signed_visits(session, flush_context, instances):
    for record in (*session.dirty, *session.deleted, *session.new):
        visit = record.visit if isinstance(record, VisitPoint) else record
        if not isinstance(visit, Visit) or visit in session.new:
            continue
        if getattr(visit, AMENDING, False) or not was_signed(session, visit):
            continue
        if record is visit and record not in session.deleted and not session.is_modified(visit):
            continue  # a point removed from the collection shows as a modified collection
        raise VisitLockedError()
