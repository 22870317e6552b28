"""Plan-review alerts: tell the practitioner when a course *becomes* due a review.

The course's history is replayed score by score with the clinic's outcome thresholds; each
step where the decision turns into "review due" is one alert, keyed by the visit or
check-in that caused it. Replaying (instead of remembering the last state) keeps planning
a pure function of the database, so it stays idempotent.
"""

from datetime import timedelta

import sqlalchemy as sa

from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.models import ReminderKind
from tracker.treatments.models import Course, CourseStatus, PainCheckin, Visit
from tracker.treatments.outcomes import REVIEW_DUE, Score, Thresholds, decision

#: a change to review due is still worth an alert this long after the score that caused it
REVIEW_WINDOW = timedelta(days=2)


def course_events(course):
    """(when, reference, scores) for each signed visit and check-in, oldest first."""
    events = []
    for visit in db.session.scalars(sa.select(Visit).where(
            Visit.course_id == course.id, Visit.signed_at.is_not(None))):
        scores = [Score(visit.signed_at, pain, kind, visit.session_number)
                  for pain, kind in ((visit.pain_before, "before"), (visit.pain_after, "after"))
                  if pain is not None]
        events.append((visit.signed_at, f"visit{visit.id}", scores))
    for checkin in db.session.scalars(sa.select(PainCheckin).where(
            PainCheckin.course_id == course.id)):
        events.append((checkin.recorded_at, f"checkin{checkin.id}",
                       [Score(checkin.recorded_at, checkin.pain, "checkin", None,
                              checkin.source)]))
    return sorted(events, key=lambda event: event[0])


def review_transitions(course, thresholds):
    """(when, reference) of each event after which the course turned review-due."""
    scores, sessions, previous = [], 0, None
    for at, reference, event_scores in course_events(course):
        scores.extend(event_scores)
        sessions += reference.startswith("visit")
        state = decision(course.baseline_pain, scores, sessions, thresholds)
        if state == REVIEW_DUE and previous != REVIEW_DUE:
            yield at, reference
        previous = state


def _recently_active_courses(now):
    since = now - REVIEW_WINDOW
    visited = sa.select(Visit.course_id).where(Visit.signed_at.between(since, now))
    checked_in = sa.select(PainCheckin.course_id).where(PainCheckin.recorded_at.between(since, now))
    return db.session.scalars(
        sa.select(Course).join(Patient, Patient.id == Course.patient_id)
        .where(Course.status.in_(CourseStatus.OPEN), Patient.archived_at.is_(None),
               sa.or_(Course.id.in_(visited), Course.id.in_(checked_in))))


def plan_review_alerts(settings, now):
    """Keyword arguments of a `Wanted` for every recent turn to review due."""
    thresholds = Thresholds.from_settings(settings)
    alerts = []
    for course in _recently_active_courses(now):
        for at, reference in review_transitions(course, thresholds):
            if now - REVIEW_WINDOW <= at <= now:
                alerts.append({
                    "dedupe_key": f"plan_review:course:{course.id}:{reference}",
                    "kind": ReminderKind.PLAN_REVIEW, "patient_id": course.patient_id,
                    "due_at": at, "course_id": course.id,
                    "recipient_user_id": course.practitioner_id})
    return alerts
