"""The planning sweep: which reminders the database calls for, idempotently."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.factories import make_appointment, make_checkin, make_course, make_patient, make_visit
from tracker.clinic.services import update_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.mail import memory_outbox
from tracker.reminders.models import Reminder
from tracker.reminders.planning import plan_reminders
from tracker.treatments.signals import (
    appointment_booked,
    appointment_cancelled,
    appointment_no_show,
    appointment_rescheduled,
    course_status_changed,
)

STARTS = datetime(2026, 5, 12, 14, 0, tzinfo=UTC)
NOW = STARTS - timedelta(days=3)


def plan(now=NOW):
    result = plan_reminders(now)
    db.session.commit()
    return result


def rows(**filters):
    statement = sa.select(Reminder).filter_by(**filters).order_by(Reminder.due_at)
    return db.session.scalars(statement).all()


def patient(**overrides):
    return make_patient(consent_signed_at=utcnow(), consent_version="2026-01", **overrides)


def booked(starts_at=STARTS, **patient_overrides):
    return make_appointment(make_course(patient=patient(**patient_overrides)),
                            starts_at=starts_at)


def test_an_appointment_gets_one_reminder_24_hours_before_and_planning_again_adds_nothing():
    appointment = booked()
    assert plan().created == 1
    [reminder] = rows()
    assert reminder.kind == "appointment" and reminder.status == "pending"
    assert reminder.due_at == reminder.next_attempt_at == STARTS - timedelta(hours=24)
    assert reminder.appointment_id == appointment.id
    assert plan().created == 0
    assert plan(NOW + timedelta(hours=5)).created == 0
    assert len(rows()) == 1


def test_a_second_reminder_when_the_clinic_turns_it_on():
    update_settings({"reminder.second_enabled": True, "reminder.second_hours_before": 3})
    booked()
    plan()
    assert [(row.kind, row.due_at) for row in rows()] == [
        ("appointment", STARTS - timedelta(hours=24)),
        ("appointment_soon", STARTS - timedelta(hours=3))]


def test_no_reminders_for_opted_out_archived_or_address_less_patients():
    booked(reminder_opt_in=False)
    booked(archived_at=utcnow())
    booked(email=None)
    assert plan().created == 0


def test_no_reminder_for_an_appointment_that_started_or_whose_time_passed_long_ago():
    booked(STARTS)
    assert plan(STARTS + timedelta(minutes=1)).created == 0
    # booked two hours ahead: the 24-hour reminder time is 22 hours gone (grace is 6 hours)
    assert plan(STARTS - timedelta(hours=2)).created == 0
    # booked 20 hours ahead: 4 hours late, still worth sending
    assert plan(STARTS - timedelta(hours=20)).created == 1


def test_cancelling_an_appointment_cancels_its_pending_reminder_at_once():
    appointment = booked()
    plan()
    appointment.status = "cancelled"
    appointment_cancelled.send(appointment)
    db.session.commit()
    [reminder] = rows()
    assert reminder.status == "cancelled" and "cancelled" in reminder.last_error
    assert plan().created == 0


def soon():
    """A start time a few days from the real now: signal handlers plan at the real time."""
    return (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)


def test_rescheduling_moves_the_reminder_to_the_new_time():
    starts = soon()
    appointment = booked(starts)
    plan(utcnow())
    appointment.starts_at = starts + timedelta(days=2)
    appointment_rescheduled.send(appointment, previous_starts_at=starts)
    db.session.commit()
    old, new = rows()
    assert old.status == "cancelled" and old.due_at == starts - timedelta(hours=24)
    assert new.status == "pending" and new.due_at == starts + timedelta(days=1)


def test_the_sweep_notices_a_move_made_without_the_signal():
    appointment = booked()
    plan()
    appointment.starts_at = STARTS + timedelta(hours=4)
    db.session.commit()
    plan()
    assert [row.status for row in rows()] == ["cancelled", "pending"]


def test_moving_back_to_the_original_time_revives_its_reminder():
    starts = soon()
    appointment = booked(starts)
    plan(utcnow())
    appointment.starts_at = starts + timedelta(hours=4)
    appointment_rescheduled.send(appointment, previous_starts_at=starts)
    appointment.starts_at = starts
    appointment_rescheduled.send(appointment, previous_starts_at=starts + timedelta(hours=4))
    db.session.commit()
    assert sorted(row.status for row in rows()) == ["cancelled", "pending"]
    assert rows(status="pending")[0].due_at == starts - timedelta(hours=24)


def test_a_booking_signal_plans_the_reminder_immediately_but_sends_nothing():
    memory_outbox().clear()
    appointment = booked(soon())
    appointment_booked.send(appointment)
    db.session.commit()
    assert len(rows(status="pending")) == 1
    assert memory_outbox() == []  # only the scheduler sends


def test_opting_out_after_planning_cancels_what_is_pending():
    appointment = booked()
    plan()
    appointment.patient.reminder_opt_in = False
    db.session.commit()
    assert plan().cancelled == 1
    assert rows()[0].status == "cancelled"


def test_a_signed_visit_gets_a_check_in_24_hours_later():
    appointment = booked(STARTS)
    visit = make_visit(appointment, signed_at=STARTS + timedelta(hours=1))
    plan(STARTS + timedelta(hours=2))
    [reminder] = rows(kind="checkin")
    assert reminder.visit_id == visit.id and reminder.course_id == appointment.course_id
    assert reminder.due_at == STARTS + timedelta(hours=25)


def test_a_completed_course_gets_follow_ups_after_two_weeks_and_three_months():
    ended = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
    course = make_course(patient=patient(), status="completed", ended_at=ended)
    plan(ended + timedelta(hours=1))
    assert [row.due_at for row in rows(kind="followup")] == [
        ended + timedelta(days=14), ended + timedelta(days=90)]
    course.status = "active"
    course_status_changed.send(course, previous_status="completed")
    db.session.commit()
    assert {row.status for row in rows(kind="followup")} == {"cancelled"}


def test_a_missed_appointment_gets_a_note_offering_to_rebook():
    appointment = booked(STARTS)
    plan()
    appointment.status = "no_show"
    appointment_no_show.send(appointment)
    db.session.commit()
    plan(STARTS + timedelta(hours=1))
    assert rows(kind="appointment")[0].status == "cancelled"
    [note] = rows(kind="no_show")
    assert note.due_at == appointment.ends_at and note.status == "pending"


def sign_visits(course, pains, start):
    """Signed visits with these pain-before scores, a week apart; returns the last one."""
    visit = None
    for number, pain in enumerate(pains):
        starts_at = start + timedelta(days=7 * number)
        appointment = make_appointment(course, starts_at=starts_at)
        visit = make_visit(appointment, pain_before=pain, pain_after=pain,
                           signed_at=starts_at + timedelta(hours=1))
    return visit


def test_the_practitioner_is_alerted_once_when_a_course_becomes_due_a_review():
    course = make_course(patient=patient(), baseline_pain=7)
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    last = sign_visits(course, [7, 7, 7, 6, 7, 7], start)  # session 6, no meaningful drop
    plan(last.signed_at + timedelta(minutes=5))
    [alert] = rows(kind="plan_review")
    assert alert.recipient_user_id == course.practitioner_id
    assert alert.dedupe_key.endswith(f"visit{last.id}")
    later = sign_visits(course, [7], start + timedelta(days=42))  # still review due
    plan(later.signed_at + timedelta(minutes=5))
    assert len(rows(kind="plan_review")) == 1


def test_an_improving_course_raises_no_alert():
    course = make_course(patient=patient(), baseline_pain=7)
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    last = sign_visits(course, [7, 6, 5, 4, 4, 3], start)
    make_checkin(course, pain=3, recorded_at=last.signed_at + timedelta(hours=2))
    plan(last.signed_at + timedelta(hours=3))
    assert rows(kind="plan_review") == []
