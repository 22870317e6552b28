from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course, make_patient
from tracker.extensions import db
from tracker.treatments import scheduling
from tracker.treatments.errors import BookingError, ConflictError, TreatmentError
from tracker.treatments.models import Appointment
from tracker.treatments.signals import (
    appointment_booked,
    appointment_cancelled,
    appointment_no_show,
    appointment_rescheduled,
)

# Monday 2 March 2026, 09:00 in New York (EST) is 14:00 UTC.
MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def appointment_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))


def test_book_series_books_every_session_and_announces_each():
    course = make_course(planned_sessions=6)
    starts = [MONDAY_9AM + timedelta(days=offset) for offset in (0, 3, 7, 10, 14, 17)]
    heard = []
    with appointment_booked.connected_to(lambda sender: heard.append(sender)):
        booked = scheduling.book_series(course, starts, 45)
    assert len(booked) == 6 and heard == booked
    assert len({appointment.series_id for appointment in booked}) == 1
    assert [a.session_label for a in booked][:2] == ["Session 1 of 6", "Session 2 of 6"]


def test_a_series_with_one_clash_books_nothing():
    course = make_course(planned_sessions=6)
    other = make_course(practitioner=course.practitioner)
    make_appointment(other, starts_at=MONDAY_9AM + timedelta(days=3, minutes=30))
    starts = [MONDAY_9AM, MONDAY_9AM + timedelta(days=3)]
    with pytest.raises(BookingError) as caught:
        scheduling.book_series(course, starts, 45)
    assert list(caught.value.problems) == [1]
    assert "overlaps" in caught.value.problems[1]
    db.session.rollback()
    assert appointment_count() == 1


def test_sessions_of_one_series_cannot_overlap_each_other():
    course = make_course()
    with pytest.raises(BookingError, match="cannot be booked") as caught:
        scheduling.book_series(course, [MONDAY_9AM, MONDAY_9AM + timedelta(minutes=30)], 45)
    assert set(caught.value.problems) == {0, 1}


def test_a_series_cannot_exceed_the_planned_sessions():
    course = make_course(planned_sessions=6)
    starts = [MONDAY_9AM + timedelta(days=7 * week) for week in range(7)]
    with pytest.raises(TreatmentError, match="book at most 6 more"):
        scheduling.book_series(course, starts, 45)


@pytest.mark.parametrize("starts_at,why", [
    (datetime(2026, 3, 2, 12, 0, tzinfo=UTC), "07:00, before opening"),
    (datetime(2026, 3, 2, 22, 30, tzinfo=UTC), "17:30, ends after closing"),
    (datetime(2026, 3, 7, 15, 0, tzinfo=UTC), "a Saturday"),
])
def test_bookings_only_within_clinic_hours(starts_at, why):
    course = make_course()
    with pytest.raises(TreatmentError, match="outside clinic hours"):
        scheduling.book_appointment(course.patient, course.practitioner, starts_at, 45,
                                    course=course)
    db.session.rollback()
    assert appointment_count() == 0, why


def test_clinic_hours_follow_daylight_saving():
    # 12:00 UTC is 08:00 in New York in summer (EDT) but 07:00 in winter (EST).
    summer_8am = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert scheduling.hours_problem(summer_8am, 45) is None
    winter_7am = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert "outside clinic hours" in scheduling.hours_problem(winter_7am, 45)


def test_no_overlapping_bookings_for_a_practitioner():
    first = make_appointment(starts_at=MONDAY_9AM)
    course = first.course
    for start in (MONDAY_9AM, MONDAY_9AM + timedelta(minutes=44),
                  MONDAY_9AM - timedelta(minutes=44)):
        with pytest.raises(TreatmentError, match="already has an appointment"):
            scheduling.book_appointment(course.patient, course.practitioner, start, 45)
    back_to_back = scheduling.book_appointment(course.patient, course.practitioner,
                                               MONDAY_9AM + timedelta(minutes=45), 45)
    assert back_to_back.id is not None


def test_cancelled_appointments_free_their_slot():
    first = make_appointment(starts_at=MONDAY_9AM, status="cancelled")
    again = scheduling.book_appointment(first.patient, first.course.practitioner, MONDAY_9AM, 45)
    assert again.status == "booked"


def test_archived_patients_cannot_be_booked():
    patient = make_patient(archived_at=MONDAY_9AM)
    course = make_course(patient=patient)
    with pytest.raises(TreatmentError, match="archived"):
        scheduling.book_appointment(patient, course.practitioner, MONDAY_9AM, 45)


def test_reschedule_checks_the_new_time_and_announces_the_old():
    appointment = make_appointment(starts_at=MONDAY_9AM)
    heard = []
    with appointment_rescheduled.connected_to(
            lambda sender, previous_starts_at: heard.append(previous_starts_at)):
        scheduling.reschedule_appointment(appointment, MONDAY_9AM + timedelta(minutes=30), 45,
                                          expected_version=appointment.version)
    assert heard == [MONDAY_9AM]
    with pytest.raises(TreatmentError, match="outside clinic hours"):
        scheduling.reschedule_appointment(appointment, MONDAY_9AM - timedelta(hours=3), 45)


def test_cancel_needs_a_reason_and_announces():
    appointment = make_appointment()
    with pytest.raises(TreatmentError, match="reason"):
        scheduling.cancel_appointment(appointment, "  ")
    assert appointment.status == "booked"
    heard = []
    with appointment_cancelled.connected_to(lambda sender: heard.append(sender)):
        scheduling.cancel_appointment(appointment, "Patient unwell")
    assert heard == [appointment] and appointment.cancel_reason == "Patient unwell"
    with pytest.raises(TreatmentError, match="only a booked appointment"):
        scheduling.cancel_appointment(appointment, "Again")


def test_no_show_only_once_the_time_has_come():
    appointment = make_appointment(starts_at=MONDAY_9AM)
    with pytest.raises(TreatmentError, match="once its time has come"):
        scheduling.mark_no_show(appointment, now=MONDAY_9AM - timedelta(minutes=5))
    heard = []
    with appointment_no_show.connected_to(lambda sender: heard.append(sender)):
        scheduling.mark_no_show(appointment, now=MONDAY_9AM + timedelta(minutes=20))
    assert appointment.status == "no_show" and heard == [appointment]


def test_a_stale_appointment_version_is_a_conflict():
    appointment = make_appointment()
    seen = appointment.version
    appointment.notes = "changed"
    db.session.commit()
    with pytest.raises(ConflictError):
        scheduling.cancel_appointment(appointment, "Unwell", expected_version=seen)
