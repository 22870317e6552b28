"""Use cases behind the reminder pages. Services flush; the caller commits."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.audit.services import record_event
from tracker.auth.access import scoped
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.cancelling import cancel_patient_reminders
from tracker.reminders.models import Reminder, ReminderStatus
from tracker.reminders.tokens import spend_checkin_token
from tracker.treatments.checkins import record_checkin
from tracker.treatments.models import CheckinSource


class ReminderError(ValueError):
    """A reminder action that cannot be done, with a reason for the person asking."""


#: The outbox in the order a person reads it: what needs them first (failed, then being
#: sent), then what will go out next, then the history, newest first (sent and cancelled
#: share a place, interleaved by due time). Each status is read in its own order through
#: the (status, due_at, id) index, so a page costs the same however long the history grows.
OUTBOX_GROUPS = (  # status, place, order within the status
    (ReminderStatus.FAILED, 0, "newest first"),
    (ReminderStatus.SENDING, 1, "newest first"),
    (ReminderStatus.PENDING, 2, "next first"),
    (ReminderStatus.SENT, 3, "newest first"),
    (ReminderStatus.CANCELLED, 3, "newest first"),
)

#: status counts stop here; the page shows "1,000+" rather than counting a long history
COUNT_CAP = 1000


@dataclass(frozen=True)
class OutboxPage:
    """One page of the outbox. It knows whether there is a next page, not how many."""

    items: list
    page: int
    has_next: bool
    #: not counted (the _macros.html pagination shows "Page n" without "of N")
    pages = None

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def outbox_page(*, status=None, kind=None, page=1, per_page=50):
    """A page of the outbox (see OUTBOX_GROUPS for its order), optionally filtered."""
    wanted = page * per_page + 1  # every row up to this page's end, and one to see a next
    candidates = sa.union_all(*[
        sa.select(_outbox_candidates(group_status, order, kind, wanted),
                  sa.literal(place).label("place"))
        for group_status, place, order in OUTBOX_GROUPS if status in (None, group_status)
    ]).subquery()
    next_first = sa.case((candidates.c.status == ReminderStatus.PENDING, candidates.c.due_at))
    ids = db.session.scalars(
        sa.select(candidates.c.id)
        .order_by(candidates.c.place, next_first.asc(), candidates.c.due_at.desc(),
                  candidates.c.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)).all()
    reminders = {reminder.id: reminder for reminder in db.session.scalars(
        sa.select(Reminder).where(Reminder.id.in_(ids[:per_page])).options(
            joinedload(Reminder.patient), joinedload(Reminder.recipient_user)))}
    return OutboxPage([reminders[id] for id in ids[:per_page]], page,
                      has_next=len(ids) > per_page)


def _outbox_candidates(status, order, kind, limit):
    """The first `limit` rows of one status, in that status's order, as a subquery."""
    statement = scoped(sa.select(Reminder.id, Reminder.status, Reminder.due_at),
                       Reminder.patient_id).where(Reminder.status == status)
    if kind:
        statement = statement.where(Reminder.kind == kind)
    if order == "next first":
        statement = statement.order_by(Reminder.due_at.asc(), Reminder.id.desc())
    else:
        statement = statement.order_by(Reminder.due_at.desc(), Reminder.id.desc())
    return statement.limit(limit).subquery()


def status_counts(cap=COUNT_CAP):
    """{status: number of reminders}, each counted up to cap + 1 (more than cap: "cap+")."""
    counts = sa.union_all(*[
        sa.select(sa.literal(status).label("status"), sa.func.count().label("count"))
        .select_from(scoped(sa.select(Reminder.id), Reminder.patient_id)
                     .where(Reminder.status == status).limit(cap + 1).subquery())
        for status in ReminderStatus.ALL])
    return {status: count for status, count in db.session.execute(counts) if count}


def retry_reminder(reminder, now=None):
    """Put a failed reminder back in the queue with a fresh set of attempts."""
    if reminder.status != ReminderStatus.FAILED:
        raise ReminderError("Only failed reminders can be retried; this one is "
                            f"{reminder.status}.")
    reminder.status = ReminderStatus.PENDING
    reminder.attempts = 0
    reminder.next_attempt_at = now or utcnow()
    reminder.claim_token = reminder.claimed_until = None
    db.session.flush()
    record_event("reminder.retry", patient_id=reminder.patient_id, record=reminder)
    return reminder


def unsubscribe_patient(patient):
    """Stop reminder emails for a patient and cancel what is waiting to be sent."""
    if patient.reminder_opt_in:
        patient.reminder_opt_in = False
    cancel_patient_reminders(patient, "The patient unsubscribed.")
    db.session.flush()
    record_event("patient.unsubscribe", patient_id=patient.id, record=patient)
    return patient


def load_patient(patient_id):
    return db.session.get(Patient, patient_id)


def record_checkin_from_link(token, *, pain, peg_enjoyment=None, peg_activity=None,
                             side_effects=(), now=None):
    """Spend the link's token and record the score against its course, in one transaction.

    Raises LinkError when the token was used meanwhile; nothing is recorded then.
    """
    now = now or utcnow()
    spend_checkin_token(token, now)
    checkin = record_checkin(token.patient, token.course, pain=pain, source=CheckinSource.EMAIL,
                             peg_enjoyment=peg_enjoyment, peg_activity=peg_activity,
                             side_effects=side_effects, now=now)
    record_event("checkin.record", patient_id=token.patient_id, record=checkin)
    return checkin
