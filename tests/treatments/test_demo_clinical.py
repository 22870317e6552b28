"""The demo clinic: courses at every stage, and the practitioner's main journey on it."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments import outcomes, scheduling
from tracker.treatments.models import Appointment, Course

DEMO_PASSWORD = "meridian-demo-2026"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def course_of(last_name):
    return db.session.scalars(sa.select(Course).join(Patient).where(
        Patient.last_name == last_name)).first()


def decision_for(course):
    scores = [outcomes.Score(at=visit.signed_at, pain=visit.pain_before, kind="before",
                             session=visit.session_number) for visit in course.signed_visits]
    return outcomes.decision(course.baseline_pain, scores, course.sessions_done)


def test_demo_has_courses_at_every_stage(demo):
    statuses = set(db.session.scalars(sa.select(Course.status)))
    assert statuses == {"planned", "active", "completed", "discontinued"}
    maria = course_of("Alvarez")
    assert maria.patient.email == "patient@example.com"
    assert (maria.status, maria.sessions_done, maria.planned_sessions) == ("active", 6, 8)
    assert [v.pain_before for v in maria.signed_visits] == [7, 6, 6, 5, 4, 3]
    assert decision_for(maria) == outcomes.IMPROVING
    assert decision_for(course_of("Whitaker")) == outcomes.REVIEW_DUE
    completed = db.session.scalars(sa.select(Course).where(Course.status == "completed")).all()
    assert completed and all(course.discharge_pain is not None for course in completed)
    assert all(v.needles_in == v.needles_out for c in completed for v in c.signed_visits)


def test_demo_appointments_fill_the_week_around_today_within_clinic_hours(demo):
    now = utcnow()
    week = db.session.scalars(sa.select(Appointment).where(
        Appointment.starts_at.between(now - timedelta(days=4), now + timedelta(days=4)))).all()
    assert len(week) >= 15
    assert {a.status for a in week} >= {"booked", "completed"}
    booked = db.session.scalars(sa.select(Appointment).where(Appointment.status.in_(
        ["booked", "completed"]))).all()
    for appointment in booked:
        assert scheduling.hours_problem(appointment.starts_at,
                                        appointment.duration_minutes) is None
        assert scheduling.clashing_appointment(
            appointment.practitioner_id, appointment.starts_at, appointment.duration_minutes,
            exclude_ids=[appointment.id]) is None


def test_the_demo_practitioner_plans_books_and_signs_three_visits(demo, client, login):
    login("practitioner@example.com", DEMO_PASSWORD)
    patient = db.session.scalar(sa.select(Patient).where(Patient.last_name == "Petrov"))
    assert b"Plan a course" in client.get(f"/patients/{patient.id}").data
    plan = {"diagnosis_code": "M54.50", "region": "lumbar", "planned_sessions": "8",
            "frequency": "2x3,1", "start_on": "2027-01-04", "goal": "Garden again",
            "baseline_pain": "7"}
    page = client.get(f"/courses/new?patient_id={patient.id}")
    practitioner_id = re.search(rb'<option selected value="(\d+)">Dr. Lin Chen', page.data)
    plan["practitioner_id"] = practitioner_id.group(1).decode()
    booking = client.post(f"/courses/new?patient_id={patient.id}", data=plan)
    assert booking.status_code == 302
    proposal = client.get(booking.headers["Location"] + "?first_day=2027-01-04&at_time=10:00"
                          "&duration=45")
    rows = re.findall(rb'name="(sessions-\d+-(?:day|at_time))"[^>]*value="([^"]+)"',
                      proposal.data)
    data = {name.decode(): value.decode() for name, value in rows} | {"duration": "45"}
    data |= {f"sessions-{index}-include": "y" for index in range(8)}
    assert len(rows) == 16
    assert client.post(booking.headers["Location"], data=data).status_code == 302
    course = course_of("Petrov")
    assert len(course.live_appointments) == 8
    for appointment in course.live_appointments[:3]:
        visit = {"pain_before": "6", "pain_after": "4", "techniques": "manual",
                 "needles_in": "8", "needles_out": "8", "retention_minutes": "20",
                 "face_to_face_minutes": "15", "points-0-code": "BL23",
                 "points-0-selected": "y", "points-0-side": "both", "action": "sign"}
        response = client.post(f"/appointments/{appointment.id}/visit", data=visit)
        assert response.status_code == 302, response.data
    db.session.expire_all()
    course = course_of("Petrov")
    assert (course.status, course.sessions_done) == ("active", 3)
    assert b"Session 3 of 8" in client.get(f"/courses/{course.id}").data
