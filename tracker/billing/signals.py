"""Billing's answers to the clinical core's signals (connected when tracker.billing loads).

Receivers run inside the caller's transaction: they flush, never commit.
"""

from tracker.billing.advice import booking_warnings as cover_warnings
from tracker.billing.advice import cost_forecast
from tracker.billing.charging import charge_visit
from tracker.treatments.signals import booking_warnings, course_planning_notes, visit_signed


@visit_signed.connect
def charge_signed_visit(visit, **extra):
    charge_visit(visit)


@booking_warnings.connect
def warn_about_cover(patient, course=None, starts_at=(), **extra):
    return cover_warnings(patient, course=course, starts_at=list(starts_at or ()))


@course_planning_notes.connect
def forecast_costs(patient, planned_sessions=None, course=None, **extra):
    return cost_forecast(patient, planned_sessions=planned_sessions, course=course)
