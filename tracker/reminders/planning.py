"""Planning: turn appointments, signed visits and courses into outbox rows.

The sweep derives every reminder from the database as it is now, so it is safe to run
twice, in two processes, or after a restart: rows are keyed by `dedupe_key` and an
existing key is never inserted again. It also cancels pending rows that no longer apply
(a cancelled or moved appointment, a patient who opted out or was archived).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.models import Reminder, ReminderKind, ReminderStatus
from tracker.reminders.reviews import plan_review_alerts
from tracker.reminders.settings import followup_days
from tracker.treatments.models import (
    Appointment,
    AppointmentStatus,
    Course,
    CourseStatus,
    Visit,
)

#: how far ahead appointment reminders are written to the outbox
APPOINTMENT_HORIZON = timedelta(days=14)
#: a no-show note is still worth sending this long after the missed appointment
NO_SHOW_WINDOW = timedelta(days=2)
CHUNK = 500


@dataclass(frozen=True)
class Wanted:
    """A reminder the current state of the database calls for."""

    dedupe_key: str
    kind: str
    patient_id: int
    due_at: datetime
    appointment_id: int | None = None
    course_id: int | None = None
    visit_id: int | None = None
    recipient_user_id: int | None = None


@dataclass
class PlanResult:
    created: int = 0
    cancelled: int = 0
    revived: int = 0
    keys: list = field(default_factory=list)


def eligible_patient():
    """Patients who get email: opted in, not archived, with an address."""
    return sa.and_(Patient.reminder_opt_in.is_(True), Patient.archived_at.is_(None),
                   Patient.email.is_not(None), Patient.email != "")


def gets_email(patient):
    """The same rule as `eligible_patient()`, for a loaded patient."""
    return bool(patient.reminder_opt_in and patient.archived_at is None and patient.email)


def time_tag(instant):
    return f"{instant:%Y%m%dT%H%MZ}"


def appointment_key(kind, appointment, hours):
    """The key names the start time, so a moved appointment gets a new reminder."""
    return f"{kind}:{appointment.id}:{hours}h:{time_tag(appointment.starts_at)}"


def is_planned_for_current_time(dedupe_key, starts_at):
    return dedupe_key.endswith(f":{time_tag(starts_at)}")


def appointment_offsets(settings):
    offsets = [(ReminderKind.APPOINTMENT, settings["reminder.appointment_hours_before"])]
    second = settings["reminder.second_hours_before"]
    if settings["reminder.second_enabled"] and second < offsets[0][1]:
        offsets.append((ReminderKind.APPOINTMENT_SOON, second))
    return offsets


def wanted_for_appointment(appointment, settings, now):
    """Reminders for one booked appointment that has not started yet."""
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        return []
    grace = timedelta(hours=settings["reminder.grace_hours"])
    wanted = []
    for kind, hours in appointment_offsets(settings):
        due = appointment.starts_at - timedelta(hours=hours)
        if due >= now - grace:
            wanted.append(Wanted(
                appointment_key(kind, appointment, hours), kind, appointment.patient_id, due,
                appointment_id=appointment.id, course_id=appointment.course_id))
    return wanted


def _appointment_reminders(settings, now):
    appointments = db.session.scalars(
        sa.select(Appointment).join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > now,
               Appointment.starts_at <= now + APPOINTMENT_HORIZON, eligible_patient()))
    return [item for appointment in appointments
            for item in wanted_for_appointment(appointment, settings, now)]


def _checkins(settings, now):
    after = timedelta(hours=settings["reminder.checkin_hours_after"])
    grace = timedelta(hours=settings["reminder.grace_hours"])
    visits = db.session.scalars(
        sa.select(Visit).join(Patient, Patient.id == Visit.patient_id)
        .where(Visit.signed_at.is_not(None), Visit.signed_at >= now - after - grace,
               eligible_patient()))
    return [Wanted(f"checkin:visit:{visit.id}", ReminderKind.CHECKIN, visit.patient_id,
                   visit.signed_at + after, course_id=visit.course_id, visit_id=visit.id)
            for visit in visits]


def _followups(settings, now):
    days = followup_days(settings)
    if not days:
        return []
    grace = timedelta(hours=settings["reminder.grace_hours"])
    courses = db.session.scalars(
        sa.select(Course).join(Patient, Patient.id == Course.patient_id)
        .where(Course.status == CourseStatus.COMPLETED, Course.ended_at.is_not(None),
               Course.ended_at >= now - timedelta(days=max(days)) - grace,
               eligible_patient()))
    wanted = []
    for course in courses:
        for day in days:
            due = course.ended_at + timedelta(days=day)
            if due >= now - grace:
                wanted.append(Wanted(f"followup:course:{course.id}:{day}d", ReminderKind.FOLLOWUP,
                                     course.patient_id, due, course_id=course.id))
    return wanted


def _no_shows(now):
    appointments = db.session.scalars(
        sa.select(Appointment).join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.status == AppointmentStatus.NO_SHOW,
               Appointment.starts_at >= now - NO_SHOW_WINDOW, eligible_patient()))
    return [Wanted(f"no_show:appointment:{appointment.id}", ReminderKind.NO_SHOW,
                   appointment.patient_id, appointment.ends_at, appointment_id=appointment.id,
                   course_id=appointment.course_id)
            for appointment in appointments if appointment.ends_at >= now - NO_SHOW_WINDOW]


def wanted_reminders(now, settings=None):
    settings = settings or clinic_settings()
    return (_appointment_reminders(settings, now) + _checkins(settings, now)
            + _followups(settings, now) + _no_shows(now)
            + [Wanted(**alert) for alert in plan_review_alerts(settings, now)])


def plan_reminders(now):
    """One planning sweep: cancel what no longer applies, then add what is missing."""
    from tracker.reminders.cancelling import cancel_stale_reminders

    result = PlanResult()
    result.cancelled = cancel_stale_reminders(now)
    store_wanted(wanted_reminders(now), result)
    return result


def plan_for_appointment(appointment, now):
    """Bring one appointment's pending reminders in line with its current time and status."""
    from tracker.reminders.cancelling import cancel_pending

    wanted = []
    if gets_email(db.session.get(Patient, appointment.patient_id)):
        wanted = wanted_for_appointment(appointment, clinic_settings(), now)
    keys = [item.dedupe_key for item in wanted]
    result = PlanResult()
    result.cancelled = cancel_pending(
        Reminder.appointment_id == appointment.id, Reminder.kind.in_(ReminderKind.FOR_APPOINTMENT),
        Reminder.dedupe_key.not_in(keys) if keys else sa.true())
    store_wanted(wanted, result)
    return result


def store_wanted(wanted, result):
    """Insert the rows that do not exist yet and revive cancelled ones wanted again."""
    by_key = {item.dedupe_key: item for item in wanted}
    existing = {}
    keys = list(by_key)
    for start in range(0, len(keys), CHUNK):
        rows = db.session.execute(sa.select(Reminder.dedupe_key, Reminder.id, Reminder.status)
                                  .where(Reminder.dedupe_key.in_(keys[start:start + CHUNK])))
        existing.update({key: (row_id, status) for key, row_id, status in rows})
    missing = [item for key, item in by_key.items() if key not in existing]
    _insert_ignoring_duplicates(missing)
    revive = [row_id for row_id, status in existing.values()
              if status == ReminderStatus.CANCELLED]
    _revive(revive, by_key)
    result.created += len(missing)
    result.revived += len(revive)
    result.keys.extend(item.dedupe_key for item in missing)
    db.session.flush()


def _insert_ignoring_duplicates(items):
    """INSERT … ON CONFLICT DO NOTHING: a planner racing another one just skips the row."""
    if not items:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(Reminder).on_conflict_do_nothing(index_elements=["dedupe_key"])
    rows = [{**item.__dict__, "status": ReminderStatus.PENDING, "attempts": 0,
             "next_attempt_at": item.due_at} for item in items]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(statement, rows[start:start + CHUNK])


def _revive(ids, by_key):
    for reminder in db.session.scalars(sa.select(Reminder).where(Reminder.id.in_(ids))):
        item = by_key[reminder.dedupe_key]
        reminder.status = ReminderStatus.PENDING
        reminder.attempts = 0
        reminder.due_at = reminder.next_attempt_at = item.due_at
        reminder.last_error = reminder.claim_token = reminder.claimed_until = None
