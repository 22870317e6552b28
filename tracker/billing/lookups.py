"""Small loaders the billing views share: a patient's courses and visits, chosen records."""

import sqlalchemy as sa

from tracker.billing.charging import clinic_day
from tracker.billing.models import FeeScheduleEntry
from tracker.extensions import db
from tracker.treatments.models import Appointment, Course, Visit


def patient_courses(patient):
    return db.session.scalars(sa.select(Course).where(Course.patient_id == patient.id)
                              .order_by(Course.start_on.desc(), Course.id.desc())).all()


def patient_visits(patient, limit=100):
    """[(visit, clinic day)] of the patient's signed visits, newest first."""
    rows = db.session.execute(
        sa.select(Visit, Appointment.starts_at).join(Appointment,
                                                      Visit.appointment_id == Appointment.id)
        .where(Visit.patient_id == patient.id, Visit.signed_at.is_not(None))
        .order_by(Appointment.starts_at.desc()).limit(limit)).all()
    return [(visit, clinic_day(starts_at)) for visit, starts_at in rows]


def chosen(model, record_id):
    """The record picked in a select whose choices were already limited to allowed ones."""
    return db.session.get(model, record_id) if record_id else None


def active_fees():
    return db.session.scalars(sa.select(FeeScheduleEntry).where(
        FeeScheduleEntry.active.is_(True)).order_by(FeeScheduleEntry.code)).all()
