"""Synthetic clinical history for the scale loader: courses, appointments, visits, scores.

Each patient gets one to three courses spread over the five years before the load day.
A course's sessions follow its frequency on the clinic's open days, each on a free hour of
its practitioner's day; sessions before today are signed visits (needles in = needles out,
session numbers 1, 2, …), today's and later ones are booked. Some sessions were cancelled
or missed and rebooked on the next open day. Rows are plain dicts for `BulkWriter`.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tracker.demo.clinical_visits import ASHI_SPOTS, BILATERAL, HOME_PLAN, POINT_SETS, SUBJECTIVE
from tracker.treatments.catalogue import ASHI, DIAGNOSES, REGIONS
from tracker.treatments.frequency import session_dates

HOURS = range(8, 18)  # on the hour, 08:00–17:00 clinic time; 45 minutes each
DURATION = 45
FREQUENCIES = ["1", "2", "2x3,1", "2x2,1"]
DISCONTINUE_REASONS = ["Moved away from the area.", "No meaningful change after several "
                       "sessions; referred back to the physician.", "Cost: insurance "
                       "stopped covering the visits.", "Pain resolved early; patient "
                       "stopped coming."]
CANCEL_REASONS = ["Patient unwell.", "Work commitment.", "Travelling.", "Car trouble."]
CANCEL_SHARE, NO_SHOW_SHARE, CHECKIN_SHARE = 0.04, 0.02, 0.3


@dataclass
class CourseHistory:
    """One generated course with its rows, for billing and reminders to build on."""

    row: dict
    appointments: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    visit_points: list = field(default_factory=list)
    pain_checkins: list = field(default_factory=list)


class Calendar:
    """Free hours per practitioner and day, and the conversion to UTC instants."""

    def __init__(self, zone, open_weekdays, today):
        self.zone, self.open_weekdays, self.today = zone, open_weekdays, today
        self.taken = set()

    def next_open(self, day):
        while day.isoweekday() not in self.open_weekdays:
            day += timedelta(days=1)
        return day

    def book(self, practitioner_id, day, preferred):
        """The first free hour from `preferred` on `day` or a later open day (as UTC)."""
        day = self.next_open(day)
        hours = [*HOURS[HOURS.index(preferred):], *HOURS[:HOURS.index(preferred)]]
        while True:
            for hour in hours:
                if (practitioner_id, day, hour) not in self.taken:
                    self.taken.add((practitioner_id, day, hour))
                    return day, self.instant(day, hour)
            day = self.next_open(day + timedelta(days=1))

    def instant(self, day, hour):
        return datetime.combine(day, time(hour), tzinfo=self.zone).astimezone(UTC)


class ClinicalGenerator:
    """Writes one patient's courses, appointments, visits, points and check-ins."""

    def __init__(self, writer, tables, calendar, rng, now):
        self.writer, self.t, self.calendar, self.rng, self.now = writer, tables, calendar, rng, now

    def course(self, patient, practitioner_id, start, planned, frequency, patient_flags):
        rng = self.rng
        diagnosis, label = rng.choice(DIAGNOSES)
        course_id = self.writer.next_id(self.t.courses)
        baseline = rng.randint(5, 9)
        responder = rng.random() < 0.7
        row = {
            "id": course_id, "patient_id": patient["id"], "practitioner_id": practitioner_id,
            "diagnosis_code": diagnosis, "diagnosis_label": label,
            "region": rng.choice(REGIONS)[0], "planned_sessions": planned,
            "frequency": frequency, "start_on": start, "goal": rng.choice(GOALS),
            "baseline_pain": baseline, "baseline_peg_enjoyment": rng.randint(3, 9),
            "baseline_peg_activity": rng.randint(3, 9), "baseline_odi": None,
            "discharge_odi": None, "status": "active", "discontinued_reason": None,
            "discharge_pain": None, "discharge_notes": "", "ended_at": None,
            "created_at": self.calendar.instant(start, 8) - timedelta(days=3),
            "updated_at": self.calendar.instant(start, 8), "version": 1,
        }
        history = CourseHistory(row)
        stop_after = planned if rng.random() > 0.12 else rng.randint(2, max(planned - 2, 2))
        self._sessions(history, patient, planned, stop_after, responder, patient_flags)
        self._finish(history, stop_after)
        return history

    def write(self, history):
        """Buffer a course's rows, parents first (after its patient's row)."""
        self.writer.add(self.t.courses, history.row)
        for name in ("appointments", "visits", "visit_points", "pain_checkins"):
            for each in getattr(history, name):
                self.writer.add(getattr(self.t, name), each)

    def _sessions(self, history, patient, planned, stop_after, responder, flags):
        row, rng = history.row, self.rng
        dates = session_dates(row["start_on"], row["frequency"], planned,
                              self.calendar.open_weekdays)
        preferred = rng.choice(HOURS)
        series = str(uuid.UUID(int=rng.getrandbits(128)))
        day = dates[0]
        for number, wanted in enumerate(dates[:stop_after], start=1):
            day = max(wanted, day)
            while rng.random() < CANCEL_SHARE + NO_SHOW_SHARE:
                day = self._missed(history, day, preferred, series)
            day, starts_at = self.calendar.book(row["practitioner_id"], day, preferred)
            signed = starts_at + timedelta(minutes=50) < self.now
            appointment = self._appointment(history, starts_at, series,
                                            "completed" if signed else "booked")
            if signed:
                pain = _pain(row["baseline_pain"], number, planned, responder, rng)
                self._visit(history, patient, appointment, number, pain, flags)
            day += timedelta(days=1)

    def _missed(self, history, day, preferred, series):
        """A cancelled or missed appointment; the session moves to the next open day."""
        day, starts_at = self.calendar.book(history.row["practitioner_id"], day, preferred)
        if starts_at >= self.now:
            return day  # nothing is missed in the future
        if self.rng.random() < CANCEL_SHARE / (CANCEL_SHARE + NO_SHOW_SHARE):
            appointment = self._appointment(history, starts_at, series, "cancelled")
            appointment["cancel_reason"] = self.rng.choice(CANCEL_REASONS)
            appointment["cancelled_at"] = starts_at - timedelta(hours=self.rng.randint(3, 48))
        else:
            self._appointment(history, starts_at, series, "no_show")
        return day + timedelta(days=1)

    def _appointment(self, history, starts_at, series, status):
        row = history.row
        appointment = {
            "id": self.writer.next_id(self.t.appointments), "patient_id": row["patient_id"],
            "practitioner_id": row["practitioner_id"], "course_id": row["id"],
            "starts_at": starts_at, "duration_minutes": DURATION, "status": status,
            "series_id": series, "cancel_reason": None, "cancelled_at": None, "notes": "",
            "created_at": row["created_at"], "updated_at": min(starts_at, self.now),
            "version": 1,
        }
        history.appointments.append(appointment)
        return appointment

    def _visit(self, history, patient, appointment, number, pain, flags):
        rng = self.rng
        points = self._points(history.row["region"])
        needles = sum(2 if side == "both" else 1 for _, side, _ in points)
        signed_at = appointment["starts_at"] + timedelta(minutes=50)
        visit = {
            "id": self.writer.next_id(self.t.visits), "appointment_id": appointment["id"],
            "patient_id": appointment["patient_id"],
            "practitioner_id": appointment["practitioner_id"],
            "course_id": appointment["course_id"], "session_number": number,
            "pain_before": pain, "pain_after": max(pain - rng.choice([0, 1, 1, 2, 2, 3]), 0),
            "techniques": _techniques(rng, flags), "needles_in": needles,
            "needles_out": needles, "retention_minutes": rng.choice([20, 20, 25, 30]),
            "face_to_face_minutes": 15 if rng.random() < 0.95 else 30,
            "adverse_events": ["bruising"] if rng.random() < 0.03 else [],
            "adverse_event_notes": "", "estim_override_reason": None,
            "subjective": rng.choice(SUBJECTIVE),
            "objective": "Tender paraspinals; flexion limited at end range.",
            "assessment": f"Pain {pain}/10 before treatment.",
            "plan": "Continue the course as planned.",
            "home_plan": HOME_PLAN if rng.random() < 0.4 else "",
            "signed_at": signed_at, "signed_by_id": appointment["practitioner_id"],
            "created_at": appointment["starts_at"], "updated_at": signed_at, "version": 1,
        }
        history.visits.append(visit)
        for code, side, location in points:
            history.visit_points.append({
                "id": self.writer.next_id(self.t.visit_points), "visit_id": visit["id"],
                "point_code": code, "side": side, "location": location,
                "override_reason": None})
        if rng.random() < CHECKIN_SHARE:
            self._checkin(history, visit, patient)

    def _points(self, region):
        codes = self.rng.sample(POINT_SETS[region], k=4)
        points = [(code, "both" if code in BILATERAL else "midline", "") for code in codes]
        if self.rng.random() < 0.4:
            points.append((ASHI, self.rng.choice(["left", "right"]), self.rng.choice(ASHI_SPOTS)))
        return points

    def _checkin(self, history, visit, patient):
        recorded_at = visit["signed_at"] + timedelta(days=1, hours=self.rng.randint(0, 10))
        if recorded_at >= self.now:
            return
        history.pain_checkins.append({
            "id": self.writer.next_id(self.t.pain_checkins), "patient_id": patient["id"],
            "course_id": visit["course_id"], "recorded_at": recorded_at,
            "pain": min(visit["pain_after"] + self.rng.randint(0, 2), 10),
            "peg_enjoyment": None, "peg_activity": None,
            "side_effects": ["soreness"] if self.rng.random() < 0.1 else [],
            "source": self.rng.choice(["portal", "email"])})

    def _finish(self, history, stop_after):
        """Status from where the course stands today: planned, active, completed, stopped."""
        row, visits = history.row, history.visits
        booked = [a for a in history.appointments if a["status"] == "booked"]
        if booked:
            row["status"] = "active" if visits else "planned"
            return
        if not visits:
            row["status"] = "planned"
            return
        ended = history.appointments[-1]["starts_at"] + timedelta(days=1, hours=2)
        if ended >= self.now:
            row["status"] = "active"
            return
        row["ended_at"] = row["updated_at"] = ended
        if stop_after < row["planned_sessions"]:
            row["status"] = "discontinued"
            row["discontinued_reason"] = self.rng.choice(DISCONTINUE_REASONS)
        else:
            row["status"] = "completed"
            row["discharge_pain"] = visits[-1]["pain_after"]
            row["discharge_notes"] = "Goal reviewed at discharge; home plan given."


GOALS = ["Sleep through the night", "Walk the dog for 30 minutes", "Garden without pain",
         "Sit through a working day", "Lift the grandchildren", "Play a round of golf",
         "Drive to the coast without stopping", "Return to running"]


def _pain(baseline, number, planned, responder, rng):
    """Pain before session `number`: falling towards 40 % of baseline for responders."""
    target = baseline * 0.4 if responder else baseline - 0.5
    expected = baseline - (baseline - target) * (number - 1) / max(planned - 1, 1)
    return max(0, min(10, round(expected + rng.uniform(-1, 1))))


def _techniques(rng, flags):
    techniques = ["manual"]
    if "pacemaker" not in flags and rng.random() < 0.3:
        techniques.append("electro")
    techniques += rng.sample(["cupping", "moxibustion", "tuina", "acupressure"],
                             k=rng.choice([0, 0, 0, 0, 0, 0, 1, 1]))
    return techniques


def clinic_date(instant, zone):
    return instant.astimezone(zone).date()


def first_open_day(day: date, open_weekdays):
    while day.isoweekday() not in open_weekdays:
        day += timedelta(days=1)
    return day
