"""Reminders delivered to a real SMTP server on loopback, through `flask reminders send-due`."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.factories import make_appointment, make_course, make_patient
from tests.reminders.conftest import SmtpServer, free_port, run_send_due
from tracker.clinic.services import update_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.models import Reminder
from tracker.treatments.signals import appointment_cancelled

STARTS = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # Tuesday 10:00 in New York (EDT)


def booked(starts_at=STARTS, **patient_overrides):
    patient = make_patient(consent_signed_at=utcnow(), consent_version="2026-01",
                           **patient_overrides)
    return make_appointment(make_course(patient=patient), starts_at=starts_at)


def reminders():
    return db.session.scalars(sa.select(Reminder).order_by(Reminder.id)).all()


def plain_text(message):
    return message.get_body(("plain",)).get_content()


def test_a_due_reminder_arrives_once_with_local_time_and_a_valid_ics(smtp_server, send_due):
    appointment = booked()
    send_due(STARTS - timedelta(hours=24, minutes=1))
    assert smtp_server.messages == []  # planned, not yet due

    send_due(STARTS - timedelta(hours=23, minutes=30))
    [message] = smtp_server.messages
    assert appointment.patient.email in message["To"]
    assert "Tuesday 10 March 2026 at 10:00 EDT" in plain_text(message)
    assert "Tue 10 Mar at 10:00" in message["Subject"]
    [ics] = [part for part in message.iter_attachments()
             if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == STARTS
    assert event.decoded("dtend") == STARTS + timedelta(minutes=45)
    [reminder] = reminders()
    assert reminder.status == "sent" and reminder.message_id == message["Message-ID"]

    send_due(STARTS - timedelta(hours=23))
    send_due(STARTS - timedelta(hours=22))
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("zone,starts_at,shown", [
    ("Europe/London", datetime(2026, 3, 29, 9, 0, tzinfo=UTC), "Sunday 29 March 2026 at 10:00 BST"),
    ("Europe/London", datetime(2026, 10, 25, 10, 0, tzinfo=UTC),
     "Sunday 25 October 2026 at 10:00 GMT"),
    ("America/New_York", datetime(2026, 3, 8, 14, 0, tzinfo=UTC),
     "Sunday 8 March 2026 at 10:00 EDT"),
    ("America/New_York", datetime(2026, 11, 1, 15, 0, tzinfo=UTC),
     "Sunday 1 November 2026 at 10:00 EST"),
])
def test_local_time_is_right_on_daylight_saving_change_days(smtp_server, send_due, zone,
                                                             starts_at, shown):
    booked(starts_at, timezone=zone)
    send_due(starts_at - timedelta(hours=24, seconds=1))
    assert smtp_server.messages == []
    send_due(starts_at - timedelta(hours=24))
    [message] = smtp_server.messages
    assert shown in plain_text(message)
    assert shown in message.get_body(("html",)).get_content()


def test_a_cancelled_appointment_gets_no_reminder(smtp_server, send_due):
    appointment = booked()
    send_due(STARTS - timedelta(hours=30))
    assert reminders()[0].status == "pending"
    appointment.status = "cancelled"
    appointment_cancelled.send(appointment)
    db.session.commit()
    assert reminders()[0].status == "cancelled"
    send_due(STARTS - timedelta(hours=23))
    assert smtp_server.messages == []


def test_a_cancellation_without_the_signal_is_caught_by_the_sweep(smtp_server, send_due):
    appointment = booked()
    send_due(STARTS - timedelta(hours=30))
    appointment.status = "cancelled"
    db.session.commit()
    send_due(STARTS - timedelta(hours=23))
    assert smtp_server.messages == []
    assert reminders()[0].status == "cancelled"


def test_with_the_smtp_server_down_the_reminder_retries_and_arrives_once_it_is_back(make_app):
    port = free_port()  # nothing listens here yet
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                   MAIL_TIMEOUT=5)
    booked()
    first_try = STARTS - timedelta(hours=23)
    run_send_due(app, first_try)
    [reminder] = reminders()
    assert reminder.status == "pending" and reminder.attempts == 1
    assert "Cannot reach 127.0.0.1" in reminder.last_error
    assert reminder.next_attempt_at == first_try + timedelta(seconds=60)

    server = SmtpServer(port).start()
    try:
        run_send_due(app, first_try + timedelta(seconds=30))  # back-off not over yet
        assert server.messages == []
        run_send_due(app, first_try + timedelta(seconds=61))
        assert len(server.messages) == 1
        run_send_due(app, first_try + timedelta(minutes=10))
        assert len(server.messages) == 1
    finally:
        server.stop()
    db.session.refresh(reminder)
    assert reminder.status == "sent" and reminder.attempts == 2
    assert server.messages[0]["Message-ID"] == reminder.message_id


def test_after_the_last_attempt_the_reminder_is_failed(make_app):
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
                   MAIL_TIMEOUT=5)
    booked()
    now = STARTS - timedelta(hours=23)
    for _ in range(5):
        run_send_due(app, now)
        now += timedelta(hours=1)  # past every back-off (60 s doubling, 4 retries)
    [reminder] = reminders()
    assert reminder.status == "failed" and reminder.attempts == 5
    assert reminder.last_error
    run_send_due(app, now + timedelta(hours=1))
    db.session.refresh(reminder)
    assert reminder.attempts == 5


def test_names_outside_ascii_survive_the_trip(smtp_server, send_due):
    update_settings({"clinic.name": "Clínica Meridián"})
    db.session.commit()
    booked(first_name="Zoë", last_name="Müller")
    send_due(STARTS - timedelta(hours=23))
    [message] = smtp_server.messages
    assert message["To"].addresses[0].display_name.startswith("Zoë Müller")
    assert message["From"].addresses[0].display_name == "Clínica Meridián"
    assert "Hello Zoë," in plain_text(message)
