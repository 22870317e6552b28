"""Loading what the clinical pages show, eagerly, so each page costs a fixed number of
queries however long a course grows."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.access import get_scoped_or_404, scoped
from tracker.auth.models import Role, User
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import (
    Amendment,
    Appointment,
    AppointmentStatus,
    Course,
    Visit,
    VisitPoint,
)


def _course_sessions():
    """Options that let `session_label` work without further queries."""
    return (selectinload(Course.appointments).selectinload(Appointment.visit),
            selectinload(Course.visits))


def course_page_options():
    return (
        joinedload(Course.patient), joinedload(Course.practitioner),
        selectinload(Course.appointments).selectinload(Appointment.visit),
        selectinload(Course.appointments).joinedload(Appointment.practitioner),
        selectinload(Course.visits).selectinload(Visit.amendments),
        selectinload(Course.visits).joinedload(Visit.signed_by),
    )


def load_course(course_id, *options):
    return get_scoped_or_404(Course, course_id, *(options or (
        joinedload(Course.patient), *_course_sessions())))


def appointment_options():
    return (
        joinedload(Appointment.patient), joinedload(Appointment.practitioner),
        selectinload(Appointment.visit),
        selectinload(Appointment.course).options(*_course_sessions()),
    )


def load_appointment(appointment_id):
    return get_scoped_or_404(Appointment, appointment_id, *appointment_options())


def load_visit(visit_id):
    return get_scoped_or_404(
        Visit, visit_id, joinedload(Visit.patient), joinedload(Visit.practitioner),
        joinedload(Visit.signed_by), selectinload(Visit.points).joinedload(VisitPoint.point),
        selectinload(Visit.amendments).joinedload(Amendment.author),
        joinedload(Visit.appointment),
        selectinload(Visit.course).options(*_course_sessions()))


def practitioners():
    return db.session.scalars(sa.select(User).where(
        User.role == Role.PRACTITIONER, User.active.is_(True)).order_by(User.name)).all()


def day_bounds(day, zone, days=1):
    """The UTC instants of local midnight on `day` and `days` later."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=days), time(0), tzinfo=zone)
    return start, end


def appointments_between(start, end, practitioner_id=None):
    """The schedule's appointments, numbered, in four queries however long their courses."""
    statement = (sa.select(Appointment)
                 .options(joinedload(Appointment.patient), joinedload(Appointment.practitioner),
                          joinedload(Appointment.course), selectinload(Appointment.visit))
                 .where(Appointment.starts_at >= start, Appointment.starts_at < end)
                 .order_by(Appointment.starts_at, Appointment.id))
    if practitioner_id:
        statement = statement.where(Appointment.practitioner_id == practitioner_id)
    return number_sessions(db.session.scalars(statement).all())


def number_sessions(appointments):
    """Set each course appointment's session number, counted in SQL (one query).

    The same rule as `Course.session_number_of`: the signed visit's number, else the
    appointment's place among the course's booked and attended appointments.
    """
    course_ids = {appointment.course_id for appointment in appointments if appointment.course_id}
    if not course_ids:
        return appointments
    place = sa.func.row_number().over(partition_by=Appointment.course_id,
                                      order_by=(Appointment.starts_at, Appointment.id))
    live = (sa.select(Appointment.id, place.label("number"))
            .where(Appointment.course_id.in_(course_ids),
                   Appointment.status.in_((AppointmentStatus.BOOKED,
                                           AppointmentStatus.COMPLETED))).subquery())
    wanted = [appointment.id for appointment in appointments]
    numbers = dict(db.session.execute(sa.select(live.c.id, live.c.number)
                                      .where(live.c.id.in_(wanted))).all())
    for appointment in appointments:
        visit = appointment.visit
        appointment.numbered_session = (visit.session_number if visit and visit.session_number
                                        else numbers.get(appointment.id, 0))
    return appointments


def patient_courses(patient):
    statement = scoped(sa.select(Course), Course.patient_id).where(
        Course.patient_id == patient.id).options(*_course_sessions()).order_by(
        Course.start_on.desc(), Course.id.desc())
    return db.session.scalars(statement).all()


def course_list(patient):
    """The patient's courses, newest first, with their signed sessions counted (two queries,
    however many visits: the patient page needs "session n of N", not the visits)."""
    statement = scoped(sa.select(Course), Course.patient_id).where(
        Course.patient_id == patient.id).order_by(Course.start_on.desc(), Course.id.desc())
    courses = db.session.scalars(statement).all()
    counts = dict(db.session.execute(
        sa.select(Visit.course_id, sa.func.count()).where(
            Visit.course_id.in_([course.id for course in courses]),
            Visit.signed_at.is_not(None)).group_by(Visit.course_id)).all()) if courses else {}
    for course in courses:
        course.counted_sessions_done = counts.get(course.id, 0)
    return courses


def upcoming_appointments(patient, limit=10, now=None):
    statement = scoped(sa.select(Appointment), Appointment.patient_id).where(
        Appointment.patient_id == patient.id, Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at >= (now or utcnow()) - timedelta(hours=1)).options(
        joinedload(Appointment.practitioner), joinedload(Appointment.course),
        selectinload(Appointment.visit)).order_by(Appointment.starts_at).limit(limit)
    return number_sessions(db.session.scalars(statement).all())
