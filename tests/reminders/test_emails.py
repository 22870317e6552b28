"""What each reminder email says, and the last checks made just before sending."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_course,
    make_patient,
    make_reminder,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.clinic.services import update_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.dispatch import claim_due, dispatch_due
from tracker.reminders.mail import FileBackend, get_backend, memory_outbox
from tracker.reminders.models import Reminder

STARTS = datetime(2026, 5, 12, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_outbox():
    memory_outbox().clear()
    update_settings({"clinic.email": "desk@harbor.example", "clinic.phone": "+1 207 555 0100",
                     "clinic.name": "Harbor Acupuncture"})
    db.session.commit()


def course_for(**overrides):
    patient = make_patient(consent_signed_at=utcnow(), consent_version="2026-01", **overrides)
    return make_course(patient=patient, diagnosis_label="Lumbago with sciatica, right side")


def texts(message):
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


def sent_one(now):
    result = dispatch_due(now)
    assert result.sent == 1, result
    [message] = memory_outbox()
    return message


def test_appointment_reminder_headers_and_privacy():
    appointment = make_appointment(course_for(), starts_at=STARTS)
    make_reminder(appointment.patient, appointment_id=appointment.id,
                  dedupe_key=f"appointment:{appointment.id}:24h:20260512T1400Z",
                  due_at=STARTS - timedelta(hours=24))
    message = sent_one(STARTS - timedelta(hours=23))
    assert message["From"] == "Harbor Acupuncture <clinic@example.com>"
    assert message["Reply-To"] == "Harbor Acupuncture <desk@harbor.example>"
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for text in texts(message):
        assert "Tuesday 12 May 2026 at 10:00 EDT" in text
        assert "sciatica" not in text.lower() and "M54" not in text
    assert "+1 207 555 0100" in texts(message)[0]


def test_check_in_email_asks_for_a_score_through_a_link():
    appointment = make_appointment(course_for(), starts_at=STARTS)
    visit = make_visit(appointment)
    make_reminder(appointment.patient, kind="checkin", visit_id=visit.id,
                  course_id=appointment.course_id, due_at=STARTS + timedelta(hours=25))
    text, html = texts(sent_one(STARTS + timedelta(hours=26)))
    assert "How is your back today" in text and "bruising, soreness or dizziness" in text
    assert re.search(r"http://127\.0\.0\.1:5000/checkin/\S+", text)
    assert "/checkin/" in html and "7 days" in text


def test_follow_up_and_no_show_and_plan_review_emails():
    course = course_for()
    course.status, course.ended_at = "completed", STARTS
    missed = make_appointment(course, starts_at=STARTS - timedelta(days=1), status="no_show")
    make_reminder(course.patient, kind="followup", course_id=course.id, due_at=STARTS)
    make_reminder(course.patient, kind="no_show", appointment_id=missed.id, due_at=STARTS)
    practitioner = make_user(Role.PRACTITIONER, name="Dr. Ada Lin")
    make_reminder(course.patient, kind="plan_review", course_id=course.id,
                  recipient_user_id=practitioner.id, due_at=STARTS)
    assert dispatch_due(STARTS + timedelta(minutes=1)).sent == 3
    by_subject = {message["Subject"]: message for message in memory_outbox()}
    followup = by_subject["How has your back been?"]
    assert "/checkin/" in texts(followup)[0]
    rebook = by_subject["We missed you today: would you like to rebook?"]
    assert "Monday 11 May 2026 at 10:00 EDT" in texts(rebook)[0]
    review = by_subject["A course is due a plan review"]
    assert practitioner.email in review["To"] and "List-Unsubscribe" not in review
    assert f"/courses/{course.id}" in texts(review)[0]
    assert course.patient.last_name not in texts(review)[0]


def test_a_reminder_that_no_longer_applies_is_cancelled_instead_of_sent():
    appointment = make_appointment(course_for(), starts_at=STARTS)
    reminder = make_reminder(appointment.patient, appointment_id=appointment.id,
                             dedupe_key=f"appointment:{appointment.id}:24h:20260512T1400Z")
    appointment.patient.reminder_opt_in = False  # changed after planning, no sweep since
    db.session.commit()
    result = dispatch_due(STARTS - timedelta(hours=20))
    assert result.cancelled == 1 and memory_outbox() == []
    db.session.refresh(reminder)
    assert reminder.status == "cancelled" and "opted out" in reminder.last_error


def test_a_reminder_for_a_moved_appointment_is_not_sent():
    appointment = make_appointment(course_for(), starts_at=STARTS + timedelta(hours=3))
    make_reminder(appointment.patient, appointment_id=appointment.id,
                  dedupe_key=f"appointment:{appointment.id}:24h:20260512T1400Z")
    assert dispatch_due(STARTS - timedelta(hours=20)).cancelled == 1
    assert memory_outbox() == []


def test_a_claim_takes_at_most_the_batch_size():
    patient = make_patient()
    for _ in range(7):
        make_reminder(patient)
    token = claim_due(datetime(2026, 3, 2, tzinfo=UTC), 3, 300)
    db.session.commit()
    claimed = db.session.scalar(sa.select(sa.func.count()).where(Reminder.claim_token == token))
    assert claimed == 3


def test_nothing_is_claimed_before_it_is_due():
    make_reminder(due_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    assert claim_due(datetime(2026, 3, 1, 8, 59, tzinfo=UTC), 10, 300) is None


def test_the_file_backend_writes_eml_files(app, tmp_path):
    backend = FileBackend(app)
    backend.directory = tmp_path / "mail"
    appointment = make_appointment(course_for(), starts_at=STARTS)
    make_reminder(appointment.patient, appointment_id=appointment.id,
                  dedupe_key=f"appointment:{appointment.id}:24h:20260512T1400Z")
    assert dispatch_due(STARTS - timedelta(hours=23), backend=backend).sent == 1
    [path] = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == db.session.scalar(sa.select(Reminder.message_id))


def test_an_unknown_mail_backend_is_refused_with_the_choices(make_app):
    with pytest.raises(ValueError, match="smtp, file, memory"):
        get_backend(make_app(MAIL_BACKEND="carrier-pigeon"))
