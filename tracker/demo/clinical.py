"""Demo clinical data: courses at every stage, signed visits and a week of appointments.

Everything is dated relative to today, so the demo always has a past, a today and a next
week; a fixed random seed keeps it the same from one load to the next. Courses, bookings
and visits go through the real services, so every rule (clinic hours, no double booking,
safety overrides, needle counts, consent) holds in the demo too.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from tracker.auth.services import find_user_by_email
from tracker.clinic.settings import clinic_settings
from tracker.demo.clinical_visits import record_visit
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments import courses, scheduling
from tracker.treatments.checkins import record_checkin
from tracker.treatments.frequency import session_dates
from tracker.treatments.models import Course

#: the patient whose course is in review: no meaningful change by the review session
NON_RESPONDER = "Whitaker"
LIN, SAM, ROSA = ("practitioner@example.com", "sam.okafor@example.com",
                  "rosa.marquez@example.com")
HOURS = range(9, 17)  # appointments start on the hour, 09:00–16:00 clinic time
DURATION = 45


@dataclass(frozen=True)
class Scenario:
    last_name: str
    practitioner: str
    diagnosis: str
    region: str
    planned: int
    frequency: str
    #: pain before each signed session, in order; its length is the sessions signed
    pains: tuple = ()
    #: "active", "planned", "completed" or "discontinued"
    outcome: str = "active"
    #: for completed and discontinued courses: weeks since the last session
    ended_weeks_ago: int = 0
    goal: str = ""
    reason: str = ""
    discharge: int | None = None
    peg: tuple | None = None
    #: whether the sessions were booked when the course was planned
    booked: bool = True


SCENARIOS = [
    Scenario("Alvarez", LIN, "M54.50", "lumbar", 8, "2x3,1", (7, 6, 6, 5, 4, 3),
             goal="Lift my toddler and garden again without pain", peg=(6, 7)),
    Scenario(NON_RESPONDER, SAM, "M54.59", "lumbar", 8, "2x3,1", (6, 6, 7, 6, 6, 6),
             goal="Get through a working day at the desk"),
    Scenario("Bello", ROSA, "M54.42", "sciatica", 10, "2", (8, 7, 6, 5),
             goal="Walk to the station without leg pain"),
    Scenario("Brennan", LIN, "M54.50", "lumbar", 6, "1", (6, 5, 5),
             goal="Sleep through the night in the third trimester"),
    Scenario("Raman", SAM, "S39.012A", "lumbar_strain", 6, "2", (), "planned",
             goal="Back to five-a-side football"),
    Scenario("Kowalski", ROSA, "M54.16", "sciatica", 8, "2x3,1", (7, 7, 6, 5, 4, 3, 3, 2),
             "completed", 3, goal="Drive for an hour", discharge=2),
    Scenario("Osei", LIN, "M54.6", "thoracic", 6, "1", (6, 5, 4, 3, 2, 1), "completed", 6,
             goal="Paint the ceiling", discharge=1),
    Scenario("Haddad", SAM, "M54.50", "lumbar", 8, "2", (5, 5, 4, 4, 3),
             goal="Play with the grandchildren"),
    Scenario("Lindqvist", ROSA, "M54.2", "cervical", 8, "1", (6, 6, 5), "discontinued", 4,
             reason="Moved out of state after the third session; referred to a local clinic."),
    Scenario("Ortega", LIN, "M54.50", "muscular", 8, "1", (7, 6),
             goal="Return to golf"),
    Scenario("Nakamura", SAM, "M54.40", "sciatica", 6, "2", (), "discontinued", 1,
             reason="Decided on physiotherapy instead before the first session."),
    Scenario("Mensah", ROSA, "M54.51", "lumbar", 8, "2", (7, 7, 7, 6),
             goal="Stand through a church service"),
    Scenario("Rossi", LIN, "M54.41", "sciatica", 12, "2x4,1",
             (8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3), "completed", 10,
             goal="Cycle to work", discharge=3),
    Scenario("Novak", SAM, "M54.59", "lumbar", 8, "2x3,1", (), "planned",
             goal="Sit at the piano for an hour", booked=False),
    Scenario("Zhang", ROSA, "M54.6", "thoracic", 8, "1", (5, 4, 4),
             goal="Carry the shopping home"),
]


class Planner:
    """Hands out free start times per practitioner and day, deterministically."""

    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.zone = scheduling.clinic_zone()
        self.open_weekdays = clinic_settings().open_weekdays
        self.taken = set()

    def dates(self, scenario):
        """Session dates placing the signed sessions before today and the rest from today."""
        done = len(scenario.pains)
        if scenario.outcome == "planned":
            return session_dates(self.today + timedelta(days=2), scenario.frequency,
                                 scenario.planned, self.open_weekdays)
        for shift in range(0, 400):
            start = self.today - timedelta(days=shift)
            dates = session_dates(start, scenario.frequency, scenario.planned,
                                  self.open_weekdays)
            if self._fits(scenario, dates, done):
                return dates
        raise RuntimeError(f"No dates fit the demo course of {scenario.last_name}.")

    def _fits(self, scenario, dates, done):
        if scenario.outcome in ("completed", "discontinued"):
            last = dates[done - 1] if done else dates[0]
            return last < self.today - timedelta(weeks=scenario.ended_weeks_ago)
        return dates[done - 1] < self.today <= dates[done]

    def slot(self, practitioner, day, preferred):
        hours = [*HOURS[HOURS.index(preferred):], *HOURS[:HOURS.index(preferred)]]
        for hour in hours:
            if (practitioner.id, day, hour) not in self.taken:
                self.taken.add((practitioner.id, day, hour))
                return scheduling.clinic_instant(day, time(hour), self.zone)
        raise RuntimeError(f"{practitioner.name} is fully booked on {day}.")


def load():
    """Create what is missing; return True when anything was created."""
    if db.session.scalar(sa.select(Course.id).limit(1)) is not None:
        return False
    if find_user_by_email(LIN) is None:
        return False
    rng = random.Random(2026)
    planner = Planner(rng, datetime.now(scheduling.clinic_zone()).date())
    for scenario in SCENARIOS:
        _create_course(scenario, planner, rng)
    _create_one_offs(planner)
    _create_follow_ups(planner, rng)
    db.session.flush()
    return True


def _patient(last_name):
    return db.session.scalar(sa.select(Patient).where(Patient.last_name == last_name))


def _create_course(scenario, planner, rng):
    patient = _patient(scenario.last_name)
    practitioner = find_user_by_email(scenario.practitioner)
    dates = planner.dates(scenario)
    peg = scenario.peg or (None, None)
    baseline = scenario.pains[0] if scenario.pains else rng.randint(5, 8)
    course = courses.plan_course(
        patient, practitioner_id=practitioner.id, diagnosis_code=scenario.diagnosis,
        region=scenario.region, planned_sessions=scenario.planned,
        frequency=scenario.frequency, start_on=dates[0], goal=scenario.goal,
        baseline_pain=baseline, baseline_peg_enjoyment=peg[0], baseline_peg_activity=peg[1])
    if not scenario.booked:
        return course
    preferred = rng.choice(list(HOURS))
    starts = [planner.slot(practitioner, day, preferred) for day in dates]
    appointments = scheduling.book_series(course, starts, DURATION)
    for appointment, pain in zip(appointments, scenario.pains, strict=False):
        visit = record_visit(appointment, practitioner, pain, rng)
        if scenario.last_name == "Alvarez":
            record_checkin(patient, course, pain=max(visit.pain_after, pain - 1) + 1,
                           source="portal", now=visit.signed_at + timedelta(days=1, hours=2))
    _finish(course, scenario, appointments)
    return course


def _finish(course, scenario, appointments):
    done = len(scenario.pains)
    last = appointments[done - 1].starts_at if done else appointments[0].starts_at
    ended = last + timedelta(days=1, hours=2)
    if scenario.outcome == "completed":
        courses.complete_course(course, discharge_pain=scenario.discharge, now=ended,
                                discharge_notes="Goal met; home acupressure plan given. "
                                                "Follow-up in 3 months if needed.")
    elif scenario.outcome == "discontinued":
        courses.discontinue_course(course, reason=scenario.reason, now=ended)


def _create_one_offs(planner):
    """A no-show two working days ago, a cancellation, and a new patient's first visit."""
    sam, lin = find_user_by_email(SAM), find_user_by_email(LIN)
    days = [planner.today + timedelta(days=offset) for offset in range(-7, 8)]
    open_days = [day for day in days if day.isoweekday() in planner.open_weekdays]
    past = [day for day in open_days if day < planner.today]
    future = [day for day in open_days if day > planner.today]
    missed = scheduling.book_appointment(_patient("Goldberg"), sam,
                                         planner.slot(sam, past[-2], 11), DURATION)
    scheduling.mark_no_show(missed)
    cancelled = scheduling.book_appointment(_patient("Silva"), lin,
                                            planner.slot(lin, future[1], 15), DURATION)
    scheduling.cancel_appointment(cancelled, "Patient travelling for work; will call back.")
    # A new patient without consent on file: the visit can be logged but not signed.
    scheduling.book_appointment(_patient("Fischer"), lin, planner.slot(lin, future[0], 10),
                                60, notes="New patient: consent form to sign on arrival.")


FOLLOW_UPS = ["Kowalski", "Becker", "Osei", "Yusuf", "Murphy", "Rossi", "Tanaka", "Rahman"]


def _create_follow_ups(planner, rng):
    """Single follow-up and maintenance visits filling the week around today."""
    patients = [_patient(name) for name in FOLLOW_UPS]
    days = [planner.today + timedelta(days=offset) for offset in range(-5, 6)]
    number = 0
    for day in days:
        if day.isoweekday() not in planner.open_weekdays:
            continue
        for _ in range(2):
            patient = patients[number % len(patients)]
            number += 1
            practitioner = patient.preferred_practitioner
            starts_at = planner.slot(practitioner, day, rng.choice(list(HOURS)))
            appointment = scheduling.book_appointment(
                patient, practitioner, starts_at, DURATION, notes="Follow-up visit")
            if day < planner.today:
                record_visit(appointment, practitioner, rng.randint(2, 5), rng)
