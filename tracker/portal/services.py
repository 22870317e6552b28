"""What the portal reads for a patient: each a single query, scoped to the patient."""

import sqlalchemy as sa

from tracker.auth.access import scoped
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import Appointment, AppointmentStatus, Visit

UPCOMING_LIMIT = 10


def upcoming_appointments(patient, now=None, limit=UPCOMING_LIMIT):
    statement = (sa.select(Appointment)
                 .where(Appointment.patient_id == patient.id,
                        Appointment.status == AppointmentStatus.BOOKED,
                        Appointment.starts_at >= (now or utcnow()))
                 .order_by(Appointment.starts_at).limit(limit))
    return db.session.scalars(scoped(statement, Appointment.patient_id)).all()


def latest_home_plan(patient):
    """The home acupressure plan of the patient's latest signed visit that has one."""
    statement = (sa.select(Visit.home_plan, Visit.signed_at)
                 .where(Visit.patient_id == patient.id, Visit.signed_at.is_not(None),
                        Visit.home_plan != "")
                 .order_by(Visit.signed_at.desc()).limit(1))
    return db.session.execute(scoped(statement, Visit.patient_id)).first()


def checkin_course(courses):
    """The course a portal check-in belongs to: the newest open one, else the newest."""
    open_courses = [course for course in courses if course.is_open]
    return (open_courses or courses or [None])[0]


def session_numbers(progresses):
    """{appointment id: (session number, planned sessions)} for "session n of N"."""
    return {mark.appointment_id: (mark.number, progress.course.planned_sessions)
            for progress in progresses for mark in progress.sessions}
