"""Reactions to the clinical core: make cancelling and moving appointments immediate.

The planning sweep would notice these changes on its next run anyway; reacting here, in
the same transaction as the change, leaves no window in which a stale reminder could go
out. Handlers flush, never commit.
"""

from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.cancelling import cancel_appointment_reminders, cancel_pending
from tracker.reminders.models import Reminder, ReminderKind
from tracker.treatments.models import CourseStatus
from tracker.treatments.signals import (
    appointment_booked,
    appointment_cancelled,
    appointment_no_show,
    appointment_rescheduled,
    course_status_changed,
)


@appointment_booked.connect
def plan_booked_appointment(appointment, **extra):
    from tracker.reminders.planning import plan_for_appointment

    db.session.flush()
    plan_for_appointment(appointment, utcnow())


@appointment_rescheduled.connect
def move_appointment_reminders(appointment, previous_starts_at=None, **extra):
    """Cancel the reminders for the old time and plan those for the new one."""
    from tracker.reminders.planning import plan_for_appointment

    db.session.flush()
    plan_for_appointment(appointment, utcnow())


@appointment_cancelled.connect
def cancel_for_cancelled_appointment(appointment, **extra):
    db.session.flush()
    cancel_appointment_reminders(appointment, "The appointment was cancelled.")


@appointment_no_show.connect
def cancel_for_missed_appointment(appointment, **extra):
    db.session.flush()
    cancel_appointment_reminders(appointment, "The patient did not attend.")


@course_status_changed.connect
def cancel_followups_of_reopened_course(course, previous_status=None, **extra):
    if course.status != CourseStatus.COMPLETED:
        db.session.flush()
        cancel_pending(Reminder.course_id == course.id, Reminder.kind == ReminderKind.FOLLOWUP,
                       reason="The course is no longer completed.")
