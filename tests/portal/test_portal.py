"""The patient portal: courses with their progress, appointments, home plan and check-ins."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_course,
    make_patient_user,
    make_scored_course,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import PainCheckin


@pytest.fixture
def course(client, login):
    """The active course (six sessions, 7 → 3) of a signed-in patient."""
    user = make_patient_user()
    course = make_scored_course([7, 6, 5, 4, 4, 3], patient=user.patient, baseline_pain=7)
    login(user)
    return course


def checkins():
    return db.session.scalars(sa.select(PainCheckin)).all()


def test_patient_lands_on_the_portal(client, login):
    user = make_patient_user()
    response = login(user)
    assert client.get(response.headers["Location"]).headers["Location"].endswith("/portal/")


def test_home_shows_the_summary_and_chart(client, course):
    page = client.get("/portal/").get_data(as_text=True)
    assert f"Hello, {course.patient.first_name}" in page
    assert "Your pain went from 7 to 3 over 6 sessions — a 57 % drop." in page
    assert f'data-course-chart-url="/api/courses/{course.id}/progress"' in page
    assert "<caption>Pain scores" in page
    assert "Today's check-in" in page and 'name="pain"' in page


def test_staff_cannot_open_the_portal(client, login):
    login(make_user(Role.PRACTITIONER))
    assert client.get("/portal/").status_code == 403


def test_a_patient_without_a_course(client, login):
    login(make_patient_user())
    page = client.get("/portal/").get_data(as_text=True)
    assert "no course of treatment yet" in page
    assert 'name="pain"' not in page


def test_course_page_is_the_patients_own(client, course):
    other = make_scored_course([5])
    page = client.get(f"/portal/courses/{course.id}")
    assert page.status_code == 200 and b"57 % drop" in page.data
    assert client.get(f"/portal/courses/{other.id}").status_code == 404
    assert client.get(f"/api/courses/{other.id}/progress").status_code == 404
    assert client.get(f"/courses/{other.id}/report").status_code == 404


def test_upcoming_appointments_with_session_numbers_and_calendar_links(client, course):
    soon = utcnow() + timedelta(days=2)
    booked = make_appointment(course, starts_at=soon)
    make_appointment(course, starts_at=soon + timedelta(days=3), status="cancelled")
    make_appointment(make_course(), starts_at=soon)  # someone else's
    page = client.get("/portal/").get_data(as_text=True)
    assert f'href="/appointments/{booked.id}.ics"' in page
    assert "Session 7 of 8" in page
    assert page.count(".ics\"") == 1


def test_home_plan_is_the_latest_signed_one(client, course):
    later = make_course(patient=course.patient, start_on=date(2026, 4, 1))
    when = datetime(2026, 4, 1, 14, tzinfo=UTC)
    make_visit(make_appointment(later, starts_at=when), home_plan="Press BL23 for 1 minute.")
    make_visit(make_appointment(later, starts_at=when + timedelta(days=3)), home_plan="")
    make_visit(make_appointment(later, starts_at=when + timedelta(days=5)), signed=False,
               home_plan="Draft: not yet signed")
    other = make_course()
    make_visit(make_appointment(other, starts_at=when + timedelta(days=9)),
               home_plan="Someone else's plan")
    page = client.get("/portal/").get_data(as_text=True)
    assert "Press BL23 for 1 minute." in page
    assert "Draft" not in page and "Someone else" not in page


def test_checkin_once_a_day(client, course):
    response = client.post("/portal/checkin", data={"pain": "4", "peg_enjoyment": "5",
                                                    "peg_activity": "6",
                                                    "side_effects": ["soreness"]})
    assert response.status_code == 302
    [checkin] = checkins()
    assert (checkin.pain, checkin.peg_enjoyment, checkin.peg_activity) == (4, 5, 6)
    assert checkin.source == "portal" and checkin.side_effects == ["soreness"]
    assert checkin.course_id == course.id
    page = client.get("/portal/").get_data(as_text=True)
    assert "your score is recorded" in page and "You have checked in today" in page
    again = client.post("/portal/checkin", data={"pain": "3"}, follow_redirects=True)
    assert b"already checked in today" in again.data
    assert len(checkins()) == 1


def test_checkin_goes_to_the_open_course(client, login):
    user = make_patient_user()
    current = make_course(patient=user.patient, start_on=date(2026, 1, 5), status="active")
    make_course(patient=user.patient, start_on=date(2026, 6, 1), status="completed")
    login(user)
    client.post("/portal/checkin", data={"pain": "2"})
    assert checkins()[0].course_id == current.id


@pytest.mark.parametrize("data,field,message", [
    ({}, "pain", "Choose a number from 0 (no pain) to 10"),
    ({"pain": "11"}, "pain", "Choose a number from 0 (no pain) to 10"),
    ({"pain": "-1"}, "pain", "Choose a number from 0 (no pain) to 10"),
    ({"pain": "abc"}, "pain", "Choose a number from 0 (no pain) to 10"),
    ({"pain": "4", "peg_enjoyment": "12", "peg_activity": "3"}, "peg_enjoyment",
     "Choose a number from 0 (not at all) to 10"),
    ({"pain": "4", "peg_enjoyment": "3", "peg_activity": "x"}, "peg_activity",
     "Choose a number from 0 (not at all) to 10"),
    ({"pain": "4", "peg_enjoyment": "3"}, "peg_activity", "Answer both questions"),
    ({"pain": "4", "peg_activity": "3"}, "peg_enjoyment", "Answer both questions"),
    ({"pain": "4", "side_effects": ["nausea"]}, "side_effects", "not a valid choice"),
])
def test_bad_checkin_is_named_next_to_its_field_and_nothing_is_saved(
        client, course, data, field, message):
    response = client.post("/portal/checkin", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert "Nothing was saved" in page
    assert checkins() == []


def test_checkin_needs_a_csrf_token(make_app, login):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_patient_user()
    make_course(patient=user.patient)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                "csrf_token": token})
    assert client.post("/portal/checkin", data={"pain": "3"}).status_code == 400
    assert checkins() == []
