"""Dispatchers that race each other, die mid-batch, or crash between sending and marking."""

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import is_postgres
from tests.factories import make_appointment, make_course
from tests.reminders.conftest import run_send_due
from tracker import PROJECT_ROOT
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.reminders.dispatch import DispatchResult, RetryPolicy, claim_batch, dispatch_due
from tracker.reminders.mail import get_backend
from tracker.reminders.models import Reminder
from tracker.reminders.planning import plan_reminders

FIRST = datetime(2026, 4, 14, 13, 0, tzinfo=UTC)
NOW = FIRST - timedelta(hours=23)  # every appointment's 24-hour reminder is due
LEASE = timedelta(seconds=300)


def plan_appointment_reminders(count):
    course = make_course()
    for number in range(count):
        make_appointment(course, starts_at=FIRST + timedelta(minutes=number))
    plan_reminders(NOW)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == count


def statuses():
    db.session.expire_all()
    return db.session.scalars(sa.select(Reminder.status)).all()


def row_message_ids():
    return set(db.session.scalars(sa.select(Reminder.message_id)).all())


def test_two_dispatchers_at_the_same_moment_send_every_reminder_exactly_once(
        smtp_app, smtp_server):
    if not is_postgres():
        pytest.skip("Needs PostgreSQL: FOR UPDATE SKIP LOCKED between two live transactions "
                    "(SQLite serialises writers, so there is no race to test). CI runs it.")
    plan_appointment_reminders(40)
    smtp_server.handler.delay = 0.02  # keep both dispatchers busy at the same time
    barrier, results = threading.Barrier(2), []

    def dispatcher():
        with smtp_app.app_context():
            barrier.wait()
            results.append(dispatch_due(NOW, batch_size=5))
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = smtp_server.handler.message_ids()
    assert len(ids) == 40 and set(ids) == row_message_ids()
    assert sorted(result.sent for result in results) != [0, 40], results
    assert sum(result.sent for result in results) == 40
    assert set(statuses()) == {"sent"}


def test_rows_claimed_by_a_dispatcher_that_died_are_sent_after_the_lease(smtp_app, smtp_server):
    plan_appointment_reminders(6)
    settings = clinic_settings()
    claim_batch(NOW, 4, settings, RetryPolicy.from_settings(settings), DispatchResult())
    # ... and the dispatcher dies here: four rows stay "sending" under its lease.
    assert sorted(statuses()) == ["pending"] * 2 + ["sending"] * 4
    with smtp_app.app_context():
        assert dispatch_due(NOW + timedelta(minutes=1)).sent == 2
        assert dispatch_due(NOW + LEASE - timedelta(seconds=1)).sent == 0
        assert dispatch_due(NOW + LEASE + timedelta(seconds=1)).sent == 4
    assert set(statuses()) == {"sent"}
    assert len(smtp_server.messages) == 6


class SimulatedCrash(BaseException):
    """The process dying: nothing after it runs, not even `except Exception`."""


class CrashAfterSending:
    """A real backend whose process 'dies' right after the server accepted message n."""

    def __init__(self, backend, crash_after):
        self.backend, self.crash_after, self.sent = backend, crash_after, 0

    @contextmanager
    def connect(self):
        with self.backend.connect() as connection:
            yield self.Connection(self, connection)

    class Connection:
        def __init__(self, outer, connection):
            self.outer, self.connection = outer, connection

        def send(self, message):
            self.connection.send(message)
            self.outer.sent += 1
            if self.outer.sent == self.outer.crash_after:
                raise SimulatedCrash()


def test_a_crash_between_sending_and_marking_sends_again_with_the_same_message_id(
        smtp_app, smtp_server):
    plan_appointment_reminders(5)
    with smtp_app.app_context():
        backend = CrashAfterSending(get_backend(), crash_after=3)
        with pytest.raises(SimulatedCrash):
            dispatch_due(NOW, backend=backend)
        db.session.remove()
    assert sorted(statuses()) == ["sending"] * 3 + ["sent"] * 2
    assert len(smtp_server.messages) == 3

    with smtp_app.app_context():
        assert dispatch_due(NOW + LEASE + timedelta(seconds=1)).sent == 3
    ids = smtp_server.handler.message_ids()
    # At least once: the third message went out twice, as the same message.
    assert len(ids) == 6 and len(set(ids)) == 5 and set(ids) == row_message_ids()
    assert ids.count(ids[2]) == 2
    assert set(statuses()) == {"sent"}


def test_a_dispatcher_killed_mid_batch_loses_no_reminder(database_uri, smtp_app, smtp_server):
    plan_appointment_reminders(12)
    smtp_server.handler.delay = 0.15
    environment = os.environ | {
        "MERIDIAN_ENV": "development", "DATABASE_URL": database_uri, "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "send-due",
         "--now", NOW.isoformat()],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 3 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait()
    assert "sending" in statuses(), "the dispatcher was not killed mid-batch"

    smtp_server.handler.delay = 0
    run_send_due(smtp_app, NOW + timedelta(minutes=1))  # the lease still holds the batch
    assert "sending" in statuses()
    run_send_due(smtp_app, NOW + LEASE + timedelta(seconds=1))
    assert set(statuses()) == {"sent"}
    ids = smtp_server.handler.message_ids()
    assert set(ids) == row_message_ids() and len(set(ids)) == 12
    assert len(ids) - 12 <= 1  # at most the message in flight when it was killed
