"""Progress pages: JSON chart data, the report, the CSV export and clinic outcomes."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template

from tests.factories import (
    make_appointment,
    make_checkin,
    make_patient_user,
    make_scored_course,
    make_user,
    make_visit,
)
from tests.querycount import count_queries
from tracker.auth.models import Role
from tracker.treatments.outcomes import Thresholds
from tracker.treatments.progress import load_course_progress

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def owned_course():
    """A patient with a portal login and a course of two sessions; returns the course."""
    owner = make_patient_user()
    return make_scored_course([7, 5], patient=owner.patient, baseline_pain=7)


def sign_in_as(role, course, login):
    """Sign in as `role` relative to `course`: its patient, another patient, or staff."""
    if role == "owner":
        login(course.patient.user)
    elif role == "other patient":
        login(make_patient_user())
    elif role in ("practitioner", "admin"):
        login(make_user(Role(role)))


ROLES = [("anonymous", None), ("owner", 200), ("other patient", 404), ("practitioner", 200),
         ("admin", 200)]


@pytest.mark.parametrize("role,status", [(role, status or 401) for role, status in ROLES])
def test_json_access_for_every_role(client, login, owned_course, role, status):
    sign_in_as(role, owned_course, login)
    response = client.get(f"/api/courses/{owned_course.id}/progress")
    assert response.status_code == status
    assert response.is_json
    if status == 200:
        assert response.json["course"]["id"] == owned_course.id
        assert [score["pain"] for score in response.json["scores"]] == [7, 6, 5, 4]
    else:
        assert "scores" not in response.json


@pytest.mark.parametrize("path", ["/courses/{id}/report", "/courses/{id}/scores.csv"])
@pytest.mark.parametrize("role,status", [(role, status or 302) for role, status in ROLES])
def test_report_and_csv_access_for_every_role(client, login, owned_course, path, role, status):
    sign_in_as(role, owned_course, login)
    response = client.get(path.format(id=owned_course.id))
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]


def test_unknown_course_is_404_json(client, login):
    login(make_user(Role.PRACTITIONER))
    response = client.get("/api/courses/987654/progress")
    assert response.status_code == 404 and response.json["error"] == "Not found"


def test_patient_overview_json_access(client, login, owned_course):
    make_scored_course([5], patient=owned_course.patient, baseline_pain=6,
                       first_at=START + timedelta(days=90))
    url = f"/api/patients/{owned_course.patient_id}/progress"
    assert client.get(url).status_code == 401
    login(owned_course.patient.user)
    data = client.get(url).json
    assert len(data["courses"]) == 2 and data["patient"]["id"] == owned_course.patient_id
    client.post("/logout")
    login(make_patient_user())
    assert client.get(url).status_code == 404


def test_report_shows_what_a_payer_needs(client, login):
    course = make_scored_course([7, 6, 5, 4, 4, 3], baseline_pain=7)
    make_visit(make_appointment(course, starts_at=START + timedelta(days=20)), pain_before=3,
               pain_after=2, adverse_events=["bruising"])
    login(make_user(Role.PRACTITIONER))
    page = client.get(f"/courses/{course.id}/report").get_data(as_text=True)
    assert course.patient.full_name in page and "M54.50" in page
    assert "7 of 8 planned" in page
    assert "Pain went from 7 to 3 over 7 sessions — a 57 % drop." in page
    assert "Substantial improvement" in page
    assert "Bruising / haematoma" in page
    assert course.practitioner.name in page
    assert f'data-course-chart-url="/api/courses/{course.id}/progress"' in page
    assert "<caption>Pain scores" in page
    assert "<script>" not in page and 'style="' not in page


def test_csv_export(client, login, owned_course):
    make_checkin(owned_course, pain=6, recorded_at=START + timedelta(days=1))
    login(make_user(Role.ADMIN))
    response = client.get(f"/courses/{owned_course.id}/scores.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "recorded_at_utc,local_time,kind,session,source,pain"
    assert lines[1] == "2026-03-02T14:00:00Z,2026-03-02 09:00 EST,before,1,visit,7"
    assert lines[3] == "2026-03-03T14:00:00Z,2026-03-03 09:00 EST,checkin,,portal,6"
    assert len(lines) == 6


def test_outcomes_page_is_for_staff(client, login):
    lin = make_user(Role.PRACTITIONER, name="Lin Chen")
    make_scored_course([7, 3], practitioner=lin, status="completed")
    make_scored_course([7, 7], practitioner=lin, status="completed")
    login(make_user(Role.ADMIN))
    page = client.get("/outcomes").get_data(as_text=True)
    assert "Lin Chen" in page and "50.0 %" in page
    assert "data-outcomes-chart=" in page and "<caption>" in page
    client.post("/logout")
    login(make_patient_user())
    assert client.get("/outcomes").status_code == 404


def test_outcomes_page_without_completed_courses(client, login):
    login(make_user(Role.PRACTITIONER))
    assert b"No course is completed yet" in client.get("/outcomes").data


def test_patient_overview_page(client, login, owned_course):
    make_scored_course([6], patient=owned_course.patient, baseline_pain=6)
    login(make_user(Role.PRACTITIONER))
    page = client.get(f"/patients/{owned_course.patient_id}/progress").get_data(as_text=True)
    assert "data-overview-chart-url" in page
    assert page.count("data-course-chart-url") == 2
    assert page.count("chart.umd.min.js") == 1
    client.post("/logout")
    login(owned_course.patient.user)
    assert client.get(f"/patients/{owned_course.patient_id}/progress").status_code == 404


def test_course_partial_renders_with_or_without_precomputed_progress(app):
    course = make_scored_course([7, 7, 6, 7, 6, 6], baseline_pain=7)
    with app.test_request_context():
        given = render_template("treatments/_course_progress.html", course=course,
                                progress=load_course_progress(course, Thresholds()))
        with count_queries() as counter:
            computed = render_template("treatments/_course_progress.html", course=course)
    for html in (given, computed):
        assert 'data-decision="review due"' in html
        assert "Session 6 is reached without a meaningful drop" in html
        assert "responder" in html.lower() and "pain 5 or less" in html
        assert f'data-course-chart-url="/api/courses/{course.id}/progress"' in html
        assert "Show the scores as a table" in html
    assert counter.count <= 4


def _course_with_scores(visits, checkins):
    """`visits` signed visits (two scores each) and `checkins` check-ins."""
    owner = make_patient_user()
    course = make_scored_course([6] * visits, patient=owner.patient, every=timedelta(days=2),
                                planned_sessions=60)
    for day in range(checkins):
        make_checkin(course, pain=5, recorded_at=START + timedelta(days=2 * day, hours=30))
    make_appointment(course, starts_at=datetime(2099, 1, 1, 15, tzinfo=UTC))
    return course


@pytest.mark.parametrize("path", ["/api/courses/{id}/progress", "/courses/{id}/report",
                                  "/courses/{id}/scores.csv", "/portal/",
                                  "/portal/courses/{id}"])
def test_query_budget_is_the_same_for_6_or_60_scores(client, login, path):
    counts = []
    for visits, checkins in ((2, 2), (20, 20)):  # 6 and 60 scores
        course = _course_with_scores(visits, checkins)
        login(course.patient.user)
        with count_queries() as counter:
            response = client.get(path.format(id=course.id))
        assert response.status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts  # the portal also shows the account and audits the view


def test_an_expired_login_gets_401_json_on_the_api_and_the_login_page_elsewhere(make_app,
                                                                                owned_course):
    client = make_app(SESSION_ABSOLUTE_LIFETIME=-1).test_client()
    client.post("/login", data={"email": owned_course.patient.user.email,
                                "password": "correct horse battery staple"})
    response = client.get(f"/api/courses/{owned_course.id}/progress")
    assert response.status_code == 401 and response.json["error"] == "Not signed in"
    client.post("/login", data={"email": owned_course.patient.user.email,
                                "password": "correct horse battery staple"})
    page = client.get(f"/courses/{owned_course.id}/report")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
