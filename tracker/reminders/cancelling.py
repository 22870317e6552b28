"""Cancelling pending reminders that no longer apply.

Called by the signal handlers (so a cancelled appointment loses its reminders in the same
transaction) and by every planning sweep (belt and braces: whatever changed the database,
the sweep notices). A row already being sent is left to the dispatcher, which checks the
same rules once more just before sending.
"""

import sqlalchemy as sa

from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.models import Reminder, ReminderKind, ReminderStatus
from tracker.treatments.models import Appointment, AppointmentStatus, Course, CourseStatus

FOR_PATIENT = tuple(kind for kind in ReminderKind.ALL if kind != ReminderKind.PLAN_REVIEW)


def cancel_pending(*conditions, reason=None):
    """Cancel the pending reminders matching `conditions`; returns how many."""
    statement = (sa.update(Reminder)
                 .where(Reminder.status == ReminderStatus.PENDING, *conditions)
                 .values(status=ReminderStatus.CANCELLED, last_error=reason)
                 .execution_options(synchronize_session="fetch"))
    return db.session.execute(statement).rowcount


def cancel_appointment_reminders(appointment, reason):
    return cancel_pending(Reminder.appointment_id == appointment.id,
                          Reminder.kind.in_(ReminderKind.FOR_APPOINTMENT), reason=reason)


def cancel_patient_reminders(patient, reason):
    """Everything pending for this patient's own inbox (plan reviews go to staff)."""
    return cancel_pending(Reminder.patient_id == patient.id, Reminder.kind.in_(FOR_PATIENT),
                          reason=reason)


def cancel_stale_reminders(now):
    """Every rule at once, for the planning sweep; returns how many rows were cancelled."""
    not_booked = sa.select(Appointment.id).where(sa.or_(
        Appointment.status != AppointmentStatus.BOOKED, Appointment.starts_at <= now))
    not_no_show = sa.select(Appointment.id).where(Appointment.status != AppointmentStatus.NO_SHOW)
    not_completed = sa.select(Course.id).where(Course.status != CourseStatus.COMPLETED)
    silent = sa.select(Patient.id).where(sa.or_(
        Patient.reminder_opt_in.is_(False), Patient.archived_at.is_not(None)))
    archived = sa.select(Patient.id).where(Patient.archived_at.is_not(None))
    return sum((
        cancel_pending(Reminder.kind.in_(ReminderKind.FOR_APPOINTMENT),
                       Reminder.appointment_id.in_(not_booked),
                       reason="The appointment is no longer booked."),
        cancel_pending(Reminder.kind == ReminderKind.NO_SHOW,
                       Reminder.appointment_id.in_(not_no_show),
                       reason="The appointment is no longer marked as missed."),
        cancel_pending(Reminder.kind == ReminderKind.FOLLOWUP,
                       Reminder.course_id.in_(not_completed),
                       reason="The course is no longer completed."),
        cancel_pending(Reminder.kind.in_(FOR_PATIENT), Reminder.patient_id.in_(silent),
                       reason="The patient opted out of emails or was archived."),
        cancel_pending(Reminder.kind == ReminderKind.PLAN_REVIEW,
                       Reminder.patient_id.in_(archived), reason="The patient was archived."),
        _cancel_moved_appointment_reminders(),
    ))


def _cancel_moved_appointment_reminders():
    """Pending reminders planned for an appointment time that has since changed."""
    from tracker.reminders.planning import is_planned_for_current_time

    rows = db.session.execute(
        sa.select(Reminder.id, Reminder.dedupe_key, Appointment.starts_at)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .where(Reminder.status == ReminderStatus.PENDING,
               Reminder.kind.in_(ReminderKind.FOR_APPOINTMENT))).all()
    moved = [row_id for row_id, key, starts_at in rows
             if not is_planned_for_current_time(key, starts_at)]
    if not moved:
        return 0
    return cancel_pending(Reminder.id.in_(moved), reason="The appointment was moved.")
