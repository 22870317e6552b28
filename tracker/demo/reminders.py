"""Demo reminders: pending, sent and failed rows, so /admin/reminders shows every state.

Pending rows come from the real planning sweep over the demo's upcoming appointments;
sent and failed rows are history, written directly for recent past appointments. When
the clinic has no appointments at all yet, a few are booked for the first patients.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from tracker.auth.models import Role, User
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.email import new_message_id
from tracker.reminders.models import Reminder
from tracker.reminders.planning import appointment_key, plan_reminders
from tracker.treatments.models import Appointment

FAILURES = [
    "SMTPRecipientsRefused: {'{email}': (550, b'5.1.1 <{email}>: Recipient address "
    "rejected: User unknown')}",
    "MailServerUnavailable: Cannot reach smtp.example.com:587: [Errno 111] Connection refused",
]


def load():
    """Create what is missing; return True when anything was created.

    Booking the clinical demo already planned pending reminders (through the booking
    signals), so the history of sent and failed rows is what marks this step as done.
    """
    history = sa.select(Reminder.id).where(Reminder.status.in_(("sent", "failed")))
    if db.session.scalar(sa.select(history.exists())):
        return False
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)):
        _book_a_few_appointments()
    now = utcnow()
    plan_reminders(now)
    _write_history(now)
    db.session.flush()
    return True


def _at_clinic_time(day, hour):
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _book_a_few_appointments():
    """One past and one upcoming appointment for each of the first three patients."""
    from tracker.treatments.models import Course

    practitioner = db.session.scalar(sa.select(User).where(User.role == Role.PRACTITIONER)
                                     .order_by(User.id))
    patients = db.session.scalars(sa.select(Patient).where(Patient.reminder_opt_in.is_(True))
                                  .order_by(Patient.id).limit(3)).all()
    today = utcnow().date()
    for offset, patient in enumerate(patients):
        course = Course(patient_id=patient.id, practitioner_id=practitioner.id,
                        diagnosis_code="M54.50", diagnosis_label="Low back pain, unspecified",
                        region="lumbar", planned_sessions=8, frequency="2x3,1",
                        start_on=today - timedelta(days=10), baseline_pain=7, status="active")
        db.session.add(course)
        db.session.flush()
        for day, status in ((today - timedelta(days=2 + offset), "completed"),
                            (today + timedelta(days=1 + offset), "booked")):
            db.session.add(Appointment(
                patient_id=patient.id, practitioner_id=practitioner.id, course_id=course.id,
                starts_at=_at_clinic_time(day, 10 + offset), status=status))
    db.session.flush()


def _write_history(now):
    past = db.session.scalars(
        sa.select(Appointment).join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.starts_at < now, Patient.reminder_opt_in.is_(True))
        .order_by(Appointment.starts_at.desc()).limit(4)).all()
    for index, appointment in enumerate(past):
        due = appointment.starts_at - timedelta(hours=24)
        key = appointment_key("appointment", appointment, 24)
        if db.session.scalar(sa.select(Reminder.id).where(Reminder.dedupe_key == key)):
            continue
        reminder = Reminder(
            dedupe_key=key, kind="appointment",
            patient_id=appointment.patient_id, appointment_id=appointment.id,
            course_id=appointment.course_id, due_at=due, next_attempt_at=due,
            message_id=new_message_id())
        if index % 2 == 0:
            reminder.status, reminder.attempts = "sent", 1
            reminder.sent_at = due + timedelta(seconds=40)
        else:
            email = appointment.patient.email or "patient@example.net"
            reminder.status, reminder.attempts = "failed", 5
            reminder.last_error = FAILURES[(index // 2) % 2].replace("{email}", email)
        db.session.add(reminder)
