"""Dispatching the outbox: claim due rows, render, send, mark each one sent.

Every batch goes through three kinds of commit:

1. the claim: due rows become "sending" with a lease and a claim token (PostgreSQL skips
   rows another dispatcher has locked; SQLite runs the conditional UPDATE under its
   single-writer lock), and each claimed row gets its Message-ID and check-in token;
2. nothing is sent before that commit; then each message goes to the mail server;
3. after each message, its row alone is marked sent (or backed off), only if this claim
   still holds it.

A dispatcher that dies after step 1 leaves rows "sending"; once the lease runs out any
dispatcher takes them again. One that dies between sending and step 3 makes the next one
send that message again: delivery is at least once, never lost, and the repeat carries the
same Message-ID, so mail clients and the tests recognise it as the same message. Exactly
once is impossible over SMTP, which has no idempotent submission; this window is one
message wide.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.clinic.settings import clinic_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.mail import MailServerUnavailable, get_backend
from tracker.reminders.models import Reminder, ReminderStatus
from tracker.reminders.preparing import prepare_message, reason_not_to_send

log = logging.getLogger(__name__)


@dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_seconds: int
    lease_seconds: int

    @classmethod
    def from_settings(cls, settings):
        return cls(settings["reminder.max_attempts"], settings["reminder.backoff_seconds"],
                   settings["reminder.lease_seconds"])

    def next_attempt(self, attempts, now):
        """Exponential back-off: one step after the first failure, doubling each time."""
        return now + timedelta(seconds=self.backoff_seconds * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Outgoing:
    reminder_id: int
    attempts: int
    message: object


def due_condition(now):
    return sa.or_(
        sa.and_(Reminder.status == ReminderStatus.PENDING, Reminder.next_attempt_at <= now),
        sa.and_(Reminder.status == ReminderStatus.SENDING, Reminder.claimed_until < now))


def claim_due(now, limit, lease_seconds):
    """Claim up to `limit` due rows for this dispatcher; returns the claim token or None.

    The caller commits. Rows whose lease ran out (their dispatcher died) count as due.
    """
    candidates = (sa.select(Reminder.id).where(due_condition(now))
                  .order_by(Reminder.next_attempt_at, Reminder.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the rows first, in their own statement: inside "UPDATE … WHERE id IN
        # (SELECT … LIMIT n FOR UPDATE)" PostgreSQL re-runs the subquery as rows change
        # and the LIMIT stops holding. The locks last until the claim commits.
        candidates = db.session.scalars(candidates.with_for_update(skip_locked=True)).all()
    token = uuid.uuid4().hex
    claimed = db.session.execute(
        sa.update(Reminder)
        .where(Reminder.id.in_(candidates), due_condition(now))
        .values(status=ReminderStatus.SENDING, claim_token=token,
                claimed_until=now + timedelta(seconds=lease_seconds),
                attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    return token if claimed else None


def claimed_reminders(token):
    return db.session.scalars(
        sa.select(Reminder).where(Reminder.claim_token == token).order_by(Reminder.id)
        .options(selectinload(Reminder.patient), selectinload(Reminder.appointment),
                 selectinload(Reminder.course), selectinload(Reminder.recipient_user))).all()


def claim_batch(now, limit, settings, policy, result):
    """Claim, then cancel what no longer applies and render the rest; commits the claim."""
    token = claim_due(now, limit, policy.lease_seconds)
    if token is None:
        db.session.rollback()
        return None, []
    outgoing = []
    for reminder in claimed_reminders(token):
        result.claimed += 1
        reason = reason_not_to_send(reminder, now)
        if reason:
            _finish(reminder.id, token, status=ReminderStatus.CANCELLED, last_error=reason)
            result.cancelled += 1
            continue
        try:
            outgoing.append(Outgoing(reminder.id, reminder.attempts,
                                     prepare_message(reminder, settings, now)))
        except Exception as error:  # a template or data problem: retry, then show as failed
            log.exception("Could not render reminder %s", reminder.id)
            _back_off(reminder.id, reminder.attempts, token, error, policy, now, result)
    db.session.commit()
    return token, outgoing


def dispatch_due(now=None, *, batch_size=100, backend=None):
    """Send every reminder due at `now`; returns what happened, counted."""
    now = now or utcnow()
    settings = clinic_settings()
    policy = RetryPolicy.from_settings(settings)
    backend = backend or get_backend()
    result = DispatchResult()
    while True:
        token, outgoing = claim_batch(now, batch_size, settings, policy, result)
        if token is None or not send_batch(backend, token, outgoing, policy, now, result):
            return result


def send_batch(backend, token, outgoing, policy, now, result):
    """Send a claimed batch over one connection; False when the server is unreachable."""
    with backend.connect() as connection:
        for index, item in enumerate(outgoing):
            try:
                connection.send(item.message)
            except MailServerUnavailable as error:
                for waiting in outgoing[index:]:
                    _back_off(waiting.reminder_id, waiting.attempts, token, error, policy, now,
                              result)
                    db.session.commit()
                return False
            except (OSError, smtplib.SMTPException) as error:
                _back_off(item.reminder_id, item.attempts, token, error, policy, now, result)
            else:
                _finish(item.reminder_id, token, status=ReminderStatus.SENT, sent_at=now,
                        last_error=None)
                result.sent += 1
            db.session.commit()
    return True


def _back_off(reminder_id, attempts, token, error, policy, now, result):
    """Schedule the next attempt, or give up as failed after the last one."""
    message = f"{type(error).__name__}: {error}"[:1000]
    if attempts >= policy.max_attempts:
        _finish(reminder_id, token, status=ReminderStatus.FAILED, last_error=message)
        result.failed += 1
        log.warning("Reminder %s failed after %s attempts: %s", reminder_id, attempts, message)
    else:
        _finish(reminder_id, token, status=ReminderStatus.PENDING, last_error=message,
                next_attempt_at=policy.next_attempt(attempts, now))
        result.retrying += 1


def _finish(reminder_id, token, **values):
    """Record an outcome, only if this dispatcher's claim still holds the row."""
    updated = db.session.execute(
        sa.update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claim_token == token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)).rowcount
    if not updated:
        log.warning("Reminder %s was taken over by another dispatcher after its lease ran out",
                    reminder_id)
    return updated
