"""Use cases behind the reminder pages. Services flush; the caller commits."""

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


def outbox_page(*, status=None, kind=None, page=1, per_page=50):
    """A page of the outbox, optionally filtered.

    What needs a person comes first: failed rows, then rows being sent, then pending rows
    in the order they will go out, then the history (sent and cancelled), newest first.
    """
    statement = scoped(sa.select(Reminder), Reminder.patient_id).options(
        joinedload(Reminder.patient), joinedload(Reminder.recipient_user))
    if status:
        statement = statement.where(Reminder.status == status)
    if kind:
        statement = statement.where(Reminder.kind == kind)
    attention = sa.case({"failed": 0, "sending": 1, "pending": 2}, value=Reminder.status,
                        else_=3)
    next_to_go = sa.case((Reminder.status == "pending", Reminder.due_at))
    statement = statement.order_by(attention, next_to_go.asc(), Reminder.due_at.desc(),
                                   Reminder.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def status_counts():
    rows = db.session.execute(scoped(
        sa.select(Reminder.status, sa.func.count()).group_by(Reminder.status),
        Reminder.patient_id))
    return dict(rows.all())


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
