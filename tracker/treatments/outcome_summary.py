"""The clinic's outcome summary: how completed courses ended, by practitioner.

One query finds each completed course's final score (its discharge score, else its latest
progress score) with a window function; the grouping and the IMMPACT categories are then
computed here with the same pure functions the charts use.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from tracker.auth.models import User
from tracker.extensions import db
from tracker.treatments import outcomes
from tracker.treatments.models import Appointment, Course, CourseStatus, PainCheckin, Visit

ONE_DECIMAL = Decimal("0.1")


@dataclass
class OutcomeGroup:
    """Completed courses of one practitioner (or of the whole clinic)."""

    name: str
    practitioner_id: int | None = None
    completed: int = 0
    responders: int = 0
    points: list = field(default_factory=list)
    percents: list = field(default_factory=list)
    #: IMMPACT category -> number of courses that ended in it
    categories: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def scored(self):
        return len(self.points)

    @property
    def unscored(self):
        return self.completed - self.scored

    @property
    def responder_share(self):
        """Responders as a percentage of the scored completed courses, one decimal."""
        return _mean_ratio(self.responders * 100, self.scored)

    @property
    def mean_points(self):
        return _mean_ratio(sum(self.points), len(self.points))

    @property
    def mean_percent(self):
        return _mean_ratio(sum(self.percents), len(self.percents))

    def add(self, baseline, final, thresholds):
        self.completed += 1
        if final is None:
            return
        moved = outcomes.change(baseline, final)
        self.points.append(moved.points)
        if moved.percent is not None:
            self.percents.append(moved.percent)
        ended_in = outcomes.category(baseline, final, thresholds)
        self.categories[ended_in] += 1
        if ended_in in outcomes.RESPONDER_CATEGORIES:
            self.responders += 1


def _mean_ratio(total, count):
    if not count:
        return None
    return (Decimal(total) / count).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def final_scores_query():
    """Per completed course: id, practitioner id and name, baseline and final score."""
    completed = sa.select(Course.id).where(Course.status == CourseStatus.COMPLETED)
    visit_scores = (
        sa.select(Visit.course_id.label("course_id"), Visit.pain_before.label("pain"),
                  Appointment.starts_at.label("at"))
        .join(Appointment, Appointment.id == Visit.appointment_id)
        .where(Visit.signed_at.is_not(None), Visit.pain_before.is_not(None),
               Visit.course_id.in_(completed)))
    checkin_scores = sa.select(PainCheckin.course_id, PainCheckin.pain,
                               PainCheckin.recorded_at).where(PainCheckin.course_id.in_(completed))
    scores = sa.union_all(visit_scores, checkin_scores).subquery()
    ranked = sa.select(
        scores.c.course_id, scores.c.pain,
        sa.func.row_number().over(partition_by=scores.c.course_id,
                                  order_by=scores.c.at.desc()).label("rank"),
    ).subquery()
    latest = sa.select(ranked.c.course_id, ranked.c.pain).where(ranked.c.rank == 1).subquery()
    return (
        sa.select(Course.id, Course.practitioner_id, User.name, Course.baseline_pain,
                  sa.func.coalesce(Course.discharge_pain, latest.c.pain))
        .join(User, User.id == Course.practitioner_id)
        .outerjoin(latest, latest.c.course_id == Course.id)
        .where(Course.status == CourseStatus.COMPLETED)
        .order_by(User.name, Course.id))


def outcome_summary(thresholds):
    """Groups per practitioner (by name) and a clinic total, from one query."""
    by_practitioner = {}
    clinic = OutcomeGroup(name="Whole clinic")
    for _course_id, practitioner_id, name, baseline, final in db.session.execute(
            final_scores_query()):
        group = by_practitioner.setdefault(
            practitioner_id, OutcomeGroup(name=name, practitioner_id=practitioner_id))
        group.add(baseline, final, thresholds)
        clinic.add(baseline, final, thresholds)
    return list(by_practitioner.values()), clinic

