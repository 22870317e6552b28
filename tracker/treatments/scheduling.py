"""Booking, rescheduling, cancelling and no-shows. Services flush; the caller commits.

Every booking is checked against the clinic's hours and the practitioner's other
appointments. Times are UTC here; a local clinic time is converted once, per session, so
a weekly series keeps its local time across a daylight-saving change.
"""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from tracker.audit.services import record_event
from tracker.auth.models import User
from tracker.clinic.settings import clinic_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.errors import BookingError, ConflictError, TreatmentError
from tracker.treatments.frequency import session_dates
from tracker.treatments.models import Appointment, AppointmentStatus
from tracker.treatments.signals import (
    appointment_booked,
    appointment_cancelled,
    appointment_no_show,
    appointment_rescheduled,
)

WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
#: no appointment is longer than this (the database allows up to 480 minutes)
LONGEST_APPOINTMENT = timedelta(minutes=480)
OCCUPYING = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)


def clinic_zone():
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def clinic_instant(day, at_time, zone=None):
    """A local clinic date and time as a UTC instant (DST handled by the zone rules)."""
    local = datetime.combine(day, at_time, tzinfo=zone or clinic_zone())
    return local.astimezone(UTC)


def opening_hours_text(settings=None):
    settings = settings or clinic_settings()
    days = ", ".join(WEEKDAY_NAMES[day] for day in sorted(settings.open_weekdays))
    return f"{days}, {settings['clinic.opens_at']:%H:%M}–{settings['clinic.closes_at']:%H:%M}"


def hours_problem(starts_at, duration_minutes, settings=None, zone=None):
    """Why an appointment falls outside clinic hours, or None when it fits."""
    settings = settings or clinic_settings()
    start = starts_at.astimezone(zone or clinic_zone())
    end = start + timedelta(minutes=duration_minutes)
    opens, closes = settings["clinic.opens_at"], settings["clinic.closes_at"]
    if (start.isoweekday() not in settings.open_weekdays or start.time() < opens
            or end.date() != start.date() or end.time() > closes):
        return (f"{start:%a %d %b %H:%M} is outside clinic hours "
                f"({opening_hours_text(settings)}).")
    return None


def clashing_appointment(practitioner_id, starts_at, duration_minutes, exclude_ids=()):
    """The practitioner's booked or attended appointment overlapping this time, if any."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    candidates = db.session.scalars(
        sa.select(Appointment)
        .where(Appointment.practitioner_id == practitioner_id,
               Appointment.status.in_(OCCUPYING),
               Appointment.starts_at < ends_at,
               Appointment.starts_at > starts_at - LONGEST_APPOINTMENT,
               Appointment.id.not_in(list(exclude_ids) or [-1]))
        .order_by(Appointment.starts_at))
    return next((other for other in candidates if other.ends_at > starts_at), None)


def booking_problem(practitioner_id, starts_at, duration_minutes, exclude_ids=()):
    problem = hours_problem(starts_at, duration_minutes)
    if problem:
        return problem
    other = clashing_appointment(practitioner_id, starts_at, duration_minutes, exclude_ids)
    if other is not None:
        local = other.starts_at.astimezone(clinic_zone())
        return (f"The practitioner already has an appointment at {local:%a %d %b %H:%M} "
                f"({other.duration_minutes} min) that overlaps this time.")
    return None


def _lock_practitioner(practitioner_id):
    """Serialise bookings for one practitioner (a row lock on PostgreSQL)."""
    db.session.execute(sa.select(User.id).where(User.id == practitioner_id).with_for_update())


def propose_series(course, first_day, at_time, count=None):
    """The UTC start times of the course's unbooked sessions, following its frequency."""
    count = remaining_to_book(course) if count is None else count
    days = session_dates(first_day, course.frequency, count, clinic_settings().open_weekdays)
    zone = clinic_zone()
    return [clinic_instant(day, at_time, zone) for day in days]


def remaining_to_book(course):
    return max(course.planned_sessions - len(course.live_appointments), 0)


def _check_bookable(patient, course):
    if patient.is_archived:
        raise TreatmentError(f"{patient.full_name} is archived; restore the record to book.")
    if course is not None and not course.is_open:
        raise TreatmentError(f"This course is {course.status}; plan a new course to book "
                             "more sessions.")


def book_series(course, starts, duration_minutes):
    """Book every proposed session of a course, or none when any of them cannot be.

    Raises BookingError with a message per row (by index). Sends `appointment_booked` for
    each appointment.
    """
    _check_bookable(course.patient, course)
    if not starts:
        raise TreatmentError("Choose at least one session to book.")
    room = remaining_to_book(course)
    if len(starts) > room:
        raise TreatmentError(
            f"The course has {course.planned_sessions} planned sessions and "
            f"{len(course.live_appointments)} are already booked or attended: book at most "
            f"{room} more, or extend the course first.")
    _lock_practitioner(course.practitioner_id)
    problems = _series_problems(course.practitioner_id, starts, duration_minutes)
    if problems:
        raise BookingError("Some sessions cannot be booked; nothing was booked.", problems)
    series_id = str(uuid.uuid4())
    appointments = [_add_appointment(course.patient, course.practitioner_id, when,
                                     duration_minutes, course=course, series_id=series_id)
                    for when in starts]
    db.session.flush()
    for appointment in appointments:
        appointment_booked.send(appointment)
    record_event("appointment.book_series", patient_id=course.patient_id, record=course)
    return appointments


def _series_problems(practitioner_id, starts, duration_minutes):
    problems = {}
    for index, when in enumerate(starts):
        problem = booking_problem(practitioner_id, when, duration_minutes)
        if problem is None:
            problem = _clash_within(starts, index, duration_minutes)
        if problem:
            problems[index] = problem
    return problems


def _clash_within(starts, index, duration_minutes):
    length = timedelta(minutes=duration_minutes)
    when = starts[index]
    for other_index, other in enumerate(starts):
        if other_index != index and other < when + length and when < other + length:
            return "This session overlaps another session of the same series."
    return None


def book_appointment(patient, practitioner, starts_at, duration_minutes, *, course=None,
                     notes=""):
    """Book one appointment (a one-off, or one more session of a course)."""
    _check_bookable(patient, course)
    if course is not None and course.patient_id != patient.id:
        raise TreatmentError("That course belongs to another patient.", field="course_id")
    if course is not None and remaining_to_book(course) == 0:
        raise TreatmentError("Every planned session of this course is already booked or "
                             "attended; extend the course first.", field="course_id")
    _lock_practitioner(practitioner.id)
    problem = booking_problem(practitioner.id, starts_at, duration_minutes)
    if problem:
        raise TreatmentError(problem, field="starts_on")
    appointment = _add_appointment(patient, practitioner.id, starts_at, duration_minutes,
                                   course=course, notes=notes)
    db.session.flush()
    appointment_booked.send(appointment)
    record_event("appointment.book", patient_id=patient.id, record=appointment)
    return appointment


def _add_appointment(patient, practitioner_id, starts_at, duration_minutes, *, course=None,
                     series_id=None, notes=""):
    appointment = Appointment(
        patient=patient, practitioner_id=practitioner_id, course=course,
        starts_at=starts_at, duration_minutes=duration_minutes, series_id=series_id,
        status=AppointmentStatus.BOOKED, notes=notes or "")
    db.session.add(appointment)
    return appointment


def _check_version(record, expected_version):
    if expected_version is not None and record.version != expected_version:
        raise ConflictError()


def _require_booked(appointment, doing):
    if appointment.status != AppointmentStatus.BOOKED:
        raise TreatmentError(f"This appointment is {appointment.status_label.lower()}; only "
                             f"a booked appointment can be {doing}.")


def reschedule_appointment(appointment, starts_at, duration_minutes, *, expected_version=None):
    """Move a booked appointment; sends `appointment_rescheduled(previous_starts_at=...)`."""
    _check_version(appointment, expected_version)
    _require_booked(appointment, "rescheduled")
    _lock_practitioner(appointment.practitioner_id)
    problem = booking_problem(appointment.practitioner_id, starts_at, duration_minutes,
                              exclude_ids=[appointment.id])
    if problem:
        raise TreatmentError(problem, field="starts_on")
    previous = appointment.starts_at
    appointment.starts_at = starts_at
    appointment.duration_minutes = duration_minutes
    db.session.flush()
    appointment_rescheduled.send(appointment, previous_starts_at=previous)
    record_event("appointment.reschedule", patient_id=appointment.patient_id, record=appointment)
    return appointment


def cancel_appointment(appointment, reason, *, expected_version=None, now=None):
    """Cancel a booked appointment with a reason; sends `appointment_cancelled`."""
    _check_version(appointment, expected_version)
    _require_booked(appointment, "cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise TreatmentError("Give a reason for cancelling.", field="reason")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    appointment.cancelled_at = now or utcnow()
    db.session.flush()
    appointment_cancelled.send(appointment)
    record_event("appointment.cancel", patient_id=appointment.patient_id, record=appointment)
    return appointment


def mark_no_show(appointment, *, expected_version=None, now=None):
    """Record that the patient did not come; only once the appointment has started."""
    _check_version(appointment, expected_version)
    _require_booked(appointment, "marked as a no-show")
    if appointment.starts_at > (now or utcnow()):
        raise TreatmentError("An appointment can be marked as a no-show only once its time "
                             "has come.")
    appointment.status = AppointmentStatus.NO_SHOW
    db.session.flush()
    appointment_no_show.send(appointment)
    record_event("appointment.no_show", patient_id=appointment.patient_id, record=appointment)
    return appointment
