"""Last checks and rendering for a claimed reminder, just before it is sent."""

import sqlalchemy as sa
from flask import current_app

from tracker.extensions import db
from tracker.reminders.email import build_message, new_message_id, public_url
from tracker.reminders.models import CheckinPurpose, CheckinToken, ReminderKind
from tracker.reminders.planning import is_planned_for_current_time
from tracker.reminders.tokens import issue_checkin_token, signed_checkin_token, unsubscribe_token
from tracker.treatments.models import AppointmentStatus, CourseStatus

CHECKIN_PURPOSES = {ReminderKind.CHECKIN: CheckinPurpose.POST_VISIT,
                    ReminderKind.FOLLOWUP: CheckinPurpose.FOLLOWUP}


def _patient_reason(reminder):
    patient = reminder.patient
    if patient.archived_at is not None:
        return "The patient was archived."
    if reminder.kind == ReminderKind.PLAN_REVIEW:
        user = reminder.recipient_user
        if user is None or not user.active or not user.email:
            return "The practitioner has no active account to send to."
        return None
    if not patient.reminder_opt_in:
        return "The patient opted out of emails."
    if not patient.email:
        return "The patient has no email address."
    return None


def _appointment_reason(reminder, now):
    appointment = reminder.appointment
    if reminder.kind == ReminderKind.NO_SHOW:
        if appointment is None or appointment.status != AppointmentStatus.NO_SHOW:
            return "The appointment is no longer marked as missed."
        return None
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        return "The appointment is no longer booked."
    if appointment.starts_at <= now:
        return "The appointment has already started."
    if not is_planned_for_current_time(reminder.dedupe_key, appointment.starts_at):
        return "The appointment was moved."
    return None


def reason_not_to_send(reminder, now):
    """Why this reminder must not go out after all, or None.

    The same rules as planning and the signal handlers, asked once more at the last
    moment, so nothing that changed since planning slips through.
    """
    reason = _patient_reason(reminder)
    if reason is None and (reminder.kind in ReminderKind.FOR_APPOINTMENT
                           or reminder.kind == ReminderKind.NO_SHOW):
        reason = _appointment_reason(reminder, now)
    if (reason is None and reminder.kind == ReminderKind.FOLLOWUP
            and (reminder.course is None or reminder.course.status != CourseStatus.COMPLETED)):
        reason = "The course is no longer completed."
    return reason


def _checkin_token(reminder, settings, now):
    """The reminder's check-in token: the same one on every retry, so one link stays valid."""
    token = db.session.scalar(sa.select(CheckinToken).where(
        CheckinToken.reminder_id == reminder.id).order_by(CheckinToken.created_at.desc()))
    if token is None:
        token = issue_checkin_token(
            purpose=CHECKIN_PURPOSES[reminder.kind], patient_id=reminder.patient_id,
            course_id=reminder.course_id, reminder_id=reminder.id, now=now,
            days=settings["checkin.link_days"])
    return token


def links_for(reminder, settings, now):
    links = {}
    if reminder.kind != ReminderKind.PLAN_REVIEW:
        links["unsubscribe"] = public_url("reminders.unsubscribe",
                                          token=unsubscribe_token(reminder.patient_id))
    if reminder.kind in CHECKIN_PURPOSES:
        token = _checkin_token(reminder, settings, now)
        links["checkin"] = public_url("reminders.checkin", token=signed_checkin_token(token))
    if reminder.kind == ReminderKind.PLAN_REVIEW and reminder.course_id:
        base = current_app.config["PUBLIC_URL"].rstrip("/")
        links["course"] = f"{base}/courses/{reminder.course_id}"
    return links


def prepare_message(reminder, settings, now):
    """Fix the Message-ID (kept for retries) and render the email."""
    if reminder.message_id is None:
        reminder.message_id = new_message_id()
    return build_message(reminder, settings=settings, links=links_for(reminder, settings, now),
                         now=now)
