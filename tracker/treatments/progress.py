"""A course's progress: its pain timeline, outcome and decision state.

One loader serves the JSON chart data, the course page partial, the patient portal and
the printable report. It issues the same few queries however many scores a course has
(and, for several courses, however many courses): visits with their appointments,
check-ins, and the course's appointments, each loaded for all courses at once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.auth.access import scoped
from tracker.clinic.settings import clinic_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments import outcomes
from tracker.treatments.catalogue import ADVERSE_EVENTS
from tracker.treatments.checkins import SIDE_EFFECTS
from tracker.treatments.models import (
    Appointment,
    AppointmentStatus,
    Course,
    PainCheckin,
    Visit,
)
from tracker.treatments.outcomes import Score

SAFETY_EVENT_LABELS = dict(SIDE_EFFECTS) | dict(ADVERSE_EVENTS)
#: appointments that are (or were) sessions of the course; cancellations are not
SESSION_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)


@dataclass(frozen=True)
class SessionMark:
    """A session on the course's calendar: done or still to come."""

    number: int
    at: object
    status: str
    appointment_id: int


@dataclass(frozen=True)
class SafetyEvent:
    """An adverse event recorded at a visit, or a side effect the patient reported."""

    at: object
    codes: tuple
    session: int | None
    source: str

    @property
    def labels(self):
        return [SAFETY_EVENT_LABELS.get(code, code) for code in self.codes]


@dataclass
class CourseProgress:
    course: object
    scores: list
    sessions: list
    safety_events: list
    thresholds: outcomes.Thresholds
    sessions_done: int
    latest_checkin_peg: object = field(default=None)

    @property
    def baseline(self):
        return self.course.baseline_pain

    @cached_property
    def latest(self):
        return outcomes.latest_pain(self.scores)

    @cached_property
    def change(self):
        return None if self.latest is None else outcomes.change(self.baseline, self.latest)

    @cached_property
    def category(self):
        if self.latest is None:
            return None
        return outcomes.category(self.baseline, self.latest, self.thresholds)

    @property
    def category_label(self):
        return outcomes.CATEGORY_LABELS.get(self.category, "No score yet")

    @property
    def responder(self):
        return self.category in outcomes.RESPONDER_CATEGORIES

    @cached_property
    def decision(self):
        """Where an open course stands; an ended course is shown as ended, with its
        outcome in `category`, not as a decision still to take."""
        if self.course.status in (outcomes.COMPLETED, outcomes.DISCONTINUED):
            return self.course.status
        return outcomes.decision(self.baseline, self.scores, self.sessions_done,
                                 self.thresholds)

    @property
    def decision_label(self):
        return outcomes.DECISION_LABELS[self.decision]

    @cached_property
    def trend(self):
        return outcomes.trend(self.scores, self.thresholds.rising_scores)

    @property
    def responder_pain(self):
        return outcomes.responder_pain(self.baseline, self.thresholds)

    @property
    def baseline_peg(self):
        course = self.course
        return outcomes.peg_score(course.baseline_pain, course.baseline_peg_enjoyment,
                                  course.baseline_peg_activity)

    @property
    def baseline_odi(self):
        return outcomes.odi_score(self.course.baseline_odi)

    @property
    def discharge_odi(self):
        return outcomes.odi_score(self.course.discharge_odi)

    @property
    def upcoming_sessions(self):
        now = utcnow()
        return [mark for mark in self.sessions
                if mark.status == AppointmentStatus.BOOKED and mark.at >= now]

    @property
    def progress_scores(self):
        """The scores that track progress (not pain just after needling), oldest first."""
        return outcomes.progress_scores(self.scores)


def courses_of(patient):
    """The patient's courses, newest first, with their practitioners (one query)."""
    statement = (sa.select(Course).options(joinedload(Course.practitioner))
                 .where(Course.patient_id == patient.id)
                 .order_by(Course.start_on.desc(), Course.id.desc()))
    return db.session.scalars(scoped(statement, Course.patient_id)).all()


def current_thresholds():
    return outcomes.Thresholds.from_settings(clinic_settings())


def load_course_progress(course, thresholds=None):
    return load_progress([course], thresholds)[0]


def progress_of_loaded_course(course, thresholds=None):
    """Progress of a course whose appointments and visits are already loaded (the course
    page loads them to list the sessions): only its check-ins are read."""
    visits = sorted((visit for visit in course.visits if visit.signed_at is not None),
                    key=lambda visit: (visit.session_number, visit.id))
    appointments = sorted((appointment for appointment in course.appointments
                           if appointment.status in SESSION_STATUSES),
                          key=lambda appointment: (appointment.starts_at, appointment.id))
    return build_progress(course, visits, _checkins([course.id]), appointments,
                          thresholds or current_thresholds())


def load_progress(courses, thresholds=None):
    """Progress of each course, in the order given, with three queries in all."""
    thresholds = thresholds or current_thresholds()
    ids = [course.id for course in courses]
    if not ids:
        return []
    visits = db.session.scalars(
        sa.select(Visit).options(joinedload(Visit.appointment))
        .where(Visit.course_id.in_(ids), Visit.signed_at.is_not(None))
        .order_by(Visit.session_number, Visit.id)).all()
    checkins = _checkins(ids)
    appointments = db.session.scalars(
        sa.select(Appointment)
        .where(Appointment.course_id.in_(ids), Appointment.status.in_(SESSION_STATUSES))
        .order_by(Appointment.starts_at, Appointment.id)).all()
    by_course = {name: _group_by_course(rows)
                 for name, rows in (("visits", visits), ("checkins", checkins),
                                    ("appointments", appointments))}
    return [build_progress(course, by_course["visits"][course.id],
                           by_course["checkins"][course.id],
                           by_course["appointments"][course.id], thresholds)
            for course in courses]


def _checkins(course_ids):
    return db.session.scalars(
        sa.select(PainCheckin).where(PainCheckin.course_id.in_(course_ids))
        .order_by(PainCheckin.recorded_at, PainCheckin.id)).all()


def _group_by_course(rows):
    groups = defaultdict(list)
    for row in rows:
        groups[row.course_id].append(row)
    return groups


def build_progress(course, visits, checkins, appointments, thresholds):
    """Assemble a course's progress from its signed visits, check-ins and appointments."""
    scores = [*visit_scores(visits), *checkin_scores(checkins)]
    if course.discharge_pain is not None and course.ended_at is not None:
        scores.append(Score(at=course.ended_at, pain=course.discharge_pain, kind="discharge",
                            source="discharge"))
    scores.sort(key=lambda score: (score.at, score.kind != "before"))
    events = [*visit_safety_events(visits), *checkin_safety_events(checkins)]
    events.sort(key=lambda event: event.at)
    complete_pegs = [checkin for checkin in checkins if checkin.peg_enjoyment is not None
                     and checkin.peg_activity is not None]
    latest_peg = None
    if complete_pegs:
        last = complete_pegs[-1]
        latest_peg = outcomes.peg_score(last.pain, last.peg_enjoyment, last.peg_activity)
    return CourseProgress(course=course, scores=scores, sessions=session_marks(appointments),
                          safety_events=events, thresholds=thresholds,
                          sessions_done=len(visits), latest_checkin_peg=latest_peg)


def visit_scores(visits):
    for visit in visits:
        appointment = visit.appointment
        yield Score(at=appointment.starts_at, pain=visit.pain_before, kind="before",
                    session=visit.session_number)
        yield Score(at=appointment.ends_at, pain=visit.pain_after, kind="after",
                    session=visit.session_number)


def checkin_scores(checkins):
    for checkin in checkins:
        yield Score(at=checkin.recorded_at, pain=checkin.pain, kind="checkin",
                    source=checkin.source)


def visit_safety_events(visits):
    for visit in visits:
        if visit.adverse_events:
            yield SafetyEvent(at=visit.appointment.starts_at, codes=tuple(visit.adverse_events),
                              session=visit.session_number, source="visit")


def checkin_safety_events(checkins):
    for checkin in checkins:
        if checkin.side_effects:
            yield SafetyEvent(at=checkin.recorded_at, codes=tuple(checkin.side_effects),
                              session=None, source=checkin.source)


def session_marks(appointments):
    """Number the course's appointments 1, 2, … in time order ("session n of N")."""
    return [SessionMark(number=index, at=appointment.starts_at, status=appointment.status,
                        appointment_id=appointment.id)
            for index, appointment in enumerate(appointments, start=1)]
