"""Recording the pain scores patients report between and after visits."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import CheckinSource, PainCheckin
from tracker.treatments.signals import checkin_recorded

SIDE_EFFECTS = [("bruising", "Bruising"), ("soreness", "Soreness"), ("dizziness", "Dizziness")]


class CheckinError(ValueError):
    """A check-in that cannot be recorded, with a reason for the patient."""


def _valid_score(value, label):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise CheckinError(f"{label} must be a whole number from 0 to 10.")
    return value


def checked_in_today(patient, now=None):
    """Whether the patient already checked in through the portal on their local today."""
    zone = ZoneInfo(patient.timezone)
    local_now = (now or utcnow()).astimezone(zone)
    start = datetime(local_now.year, local_now.month, local_now.day, tzinfo=zone)
    return db.session.scalar(sa.select(sa.exists().where(
        PainCheckin.patient_id == patient.id,
        PainCheckin.source == CheckinSource.PORTAL,
        PainCheckin.recorded_at >= start,
    )))


def record_checkin(patient, course, *, pain, source, peg_enjoyment=None, peg_activity=None,
                   side_effects=(), now=None):
    """Store a reported pain score (and optional PEG items) against a course.

    The portal allows one check-in per local day; email check-ins are limited by their
    single-use link instead. Sends `checkin_recorded`.
    """
    if source not in CheckinSource.ALL:
        raise CheckinError(f"Unknown check-in source {source!r}.")
    if course is not None and course.patient_id != patient.id:
        raise CheckinError("That course belongs to another patient.")
    _valid_score(pain, "Pain")
    if pain is None:
        raise CheckinError("Choose a pain score from 0 to 10.")
    _valid_score(peg_enjoyment, "Enjoyment of life")
    _valid_score(peg_activity, "General activity")
    unknown = set(side_effects) - {code for code, _ in SIDE_EFFECTS}
    if unknown:
        raise CheckinError("Choose side effects from the list.")
    if source == CheckinSource.PORTAL and checked_in_today(patient, now):
        raise CheckinError("You have already checked in today. Thank you — come back tomorrow.")
    checkin = PainCheckin(
        patient_id=patient.id, course_id=course.id if course else None,
        recorded_at=now or utcnow(), pain=pain, peg_enjoyment=peg_enjoyment,
        peg_activity=peg_activity, side_effects=sorted(side_effects), source=source)
    db.session.add(checkin)
    db.session.flush()
    checkin_recorded.send(checkin)
    return checkin
