from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_course,
    make_patient,
    make_patient_user,
    make_signed_course,
    make_user,
)
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.treatments.models import Course
from tracker.treatments.signals import course_planning_notes


@pytest.fixture
def practitioner(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


def valid_plan(practitioner):
    return {"practitioner_id": str(practitioner.id), "diagnosis_code": "M54.41",
            "region": "sciatica", "planned_sessions": "8", "frequency": "2x3,1",
            "start_on": "2026-03-02", "goal": "Sit through a film", "baseline_pain": "7",
            "baseline_peg_enjoyment": "", "baseline_peg_activity": ""}


def course_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Course))


def test_planning_page_shows_the_patient_safety_and_planning_notes(client, practitioner):
    patient = make_patient(is_pregnant=True, pregnancy_due_on=date(2026, 9, 1))

    def forecast(sender, planned_sessions, practitioner, course):
        return [f"{planned_sessions} sessions cost about $760."]

    with course_planning_notes.connected_to(forecast):
        page = client.get(f"/courses/new?patient_id={patient.id}")
    assert page.status_code == 200
    assert patient.full_name.encode() in page.data and b"Pregnant" in page.data
    assert b"8 sessions cost about $760." in page.data
    assert b"M54.41" in page.data and b"Twice a week for 3 weeks, then weekly" in page.data


def test_plan_a_course_then_book_it(client, practitioner):
    patient = make_patient()
    response = client.post(f"/courses/new?patient_id={patient.id}",
                           data=valid_plan(practitioner))
    assert response.status_code == 302
    course = db.session.scalar(sa.select(Course))
    assert response.headers["Location"].endswith(f"/courses/{course.id}/book")
    assert (course.diagnosis_code, course.planned_sessions, course.status) == ("M54.41", 8,
                                                                               "planned")
    assert course.diagnosis_label == "Lumbago with sciatica, right side"


@pytest.mark.parametrize("field,value,message", [
    ("baseline_pain", "-1", "The baseline pain must be a whole number from 0 to 10."),
    ("baseline_pain", "11", "The baseline pain must be a whole number from 0 to 10."),
    ("baseline_pain", "7.5", "The baseline pain must be a whole number from 0 to 10."),
    ("baseline_pain", "", "Enter the baseline pain as a whole number from 0 to 10."),
    ("baseline_peg_activity", "12", "must be a whole number from 0 to 10"),
    ("planned_sessions", "5", "planned sessions must be a whole number from 6 to 12"),
    ("planned_sessions", "13", "planned sessions must be a whole number from 6 to 12"),
    ("planned_sessions", "", "Enter the number of planned sessions."),
    ("planned_sessions", "eight", "planned sessions must be a whole number from 6 to 12"),
    ("diagnosis_code", "", "Choose a diagnosis."),
    ("diagnosis_code", "M54.5", "Not a valid choice"),
    ("region", "", "Choose a back-pain region."),
    ("frequency", "9x9", "Not a valid choice"),
    ("start_on", "", "Enter the start date."),
    ("practitioner_id", "999", "Not a valid choice"),
])
def test_bad_planning_input_is_named_next_to_its_field_and_nothing_is_saved(
        client, practitioner, field, value, message):
    patient = make_patient()
    response = client.post(f"/courses/new?patient_id={patient.id}",
                           data=valid_plan(practitioner) | {field: value})
    assert response.status_code == 200
    assert message.encode() in response.data
    assert f'id="{field}-error"'.encode() in response.data
    assert b"Nothing was saved" in response.data
    assert course_count() == 0


def test_half_a_peg_is_refused_by_the_service(client, practitioner):
    patient = make_patient()
    response = client.post(f"/courses/new?patient_id={patient.id}",
                           data=valid_plan(practitioner) | {"baseline_peg_enjoyment": "5"})
    assert response.status_code == 422
    assert b"Enter both PEG interference scores, or neither." in response.data
    assert course_count() == 0


def test_course_page_shows_session_n_of_n_visits_and_appointments(client, practitioner):
    course = make_signed_course(3, patient=make_patient(has_pacemaker=True,
                                                        consent_signed_at=None))
    page = client.get(f"/courses/{course.id}")
    assert page.status_code == 200
    for text in (b"Session 3 of 8", b"Pacemaker / ICD", b"Low back pain", b"Signed",
                 b"Twice a week for 3 weeks"):
        assert text in page.data


def test_patient_page_lists_courses_and_upcoming_appointments(client, practitioner):
    course = make_signed_course(2)
    from datetime import timedelta

    from tracker.db import utcnow
    upcoming = make_appointment(course, starts_at=utcnow() + timedelta(days=2))
    page = client.get(f"/patients/{course.patient_id}")
    assert b"Session 2 of 8" in page.data and b"Plan a course" in page.data
    assert f"/appointments/{upcoming.id}".encode() in page.data
    assert b"Book appointment" in page.data


def test_patients_get_404_for_courses_and_staff_pages(client, login):
    mine, theirs = make_course(), make_course()
    login(make_patient_user(mine.patient))
    assert client.get(f"/courses/{theirs.id}").status_code == 404
    own = client.get(f"/courses/{mine.id}")
    assert own.status_code == 302 and own.headers["Location"] == f"/portal/courses/{mine.id}"
    for url in (f"/courses/{mine.id}/edit", f"/courses/{mine.id}/book",
                f"/courses/new?patient_id={mine.patient_id}", "/schedule/"):
        assert client.get(url).status_code == 404, url


def test_admins_book_courses_but_do_not_plan_change_or_close_them(client, login):
    """A course is a clinical plan: diagnosis, baseline and discharge pain are a
    practitioner's to write. The front desk books its sessions."""
    login(make_user(Role.ADMIN))
    practitioner = make_user(Role.PRACTITIONER)
    patient = make_patient()
    response = client.post(f"/courses/new?patient_id={patient.id}",
                           data=valid_plan(practitioner))
    assert response.status_code == 403 and course_count() == 0
    course = make_course(patient, practitioner)
    posts = {"edit": valid_plan(practitioner), "extend": {"planned_sessions": "10"},
             "complete": {"discharge_pain": "2"}, "discontinue": {"reason": "Moved away"}}
    for action, data in posts.items():
        url = f"/courses/{course.id}/{action}"
        assert client.get(url).status_code == 403, url
        data |= {"version": str(course.version)}
        assert client.post(url, data=data).status_code == 403, url
    db.session.refresh(course)
    assert (course.status, course.planned_sessions, course.version) == ("active", 8, 1)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert f"/courses/{course.id}/book" in page and f"/courses/{course.id}/edit" not in page
    assert "Plan a course" not in client.get(f"/patients/{patient.id}").get_data(as_text=True)


def test_a_stale_edit_gets_a_conflict_message(client, practitioner):
    course = make_course(goal="Original")
    stale = course.version
    course.goal = "A colleague's goal"
    db.session.commit()
    data = valid_plan(practitioner) | {"practitioner_id": str(course.practitioner_id),
                                       "version": str(stale), "goal": "Mine"}
    response = client.post(f"/courses/{course.id}/edit", data=data)
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.data
    db.session.refresh(course)
    assert course.goal == "A colleague's goal"


def test_edit_a_course(client, practitioner):
    course = make_course()
    data = valid_plan(practitioner) | {"practitioner_id": str(course.practitioner_id),
                                       "version": str(course.version), "planned_sessions": "10"}
    assert client.post(f"/courses/{course.id}/edit", data=data).status_code == 302
    db.session.refresh(course)
    assert course.planned_sessions == 10 and course.region == "sciatica"


@pytest.mark.parametrize("value,message", [
    ("13", b"planned sessions must be a whole number from 6 to 12"),
    ("8", b"Enter more than the 8 sessions already planned."),
    ("", b"Enter the number of planned sessions."),
])
def test_extend_refuses_bad_numbers(client, practitioner, value, message):
    course = make_course(planned_sessions=8)
    response = client.post(f"/courses/{course.id}/extend",
                           data={"planned_sessions": value, "version": str(course.version)})
    assert message in response.data
    db.session.refresh(course)
    assert course.planned_sessions == 8


def test_extend(client, practitioner):
    course = make_course(planned_sessions=8)
    assert b"Extend the course" in client.get(f"/courses/{course.id}/extend").data
    client.post(f"/courses/{course.id}/extend",
                data={"planned_sessions": "10", "version": str(course.version)})
    db.session.refresh(course)
    assert course.planned_sessions == 10


@pytest.mark.parametrize("value,message", [
    ("-1", b"The discharge pain must be a whole number from 0 to 10."),
    ("11", b"The discharge pain must be a whole number from 0 to 10."),
    ("7.5", b"The discharge pain must be a whole number from 0 to 10."),
    ("", b"Enter the discharge pain as a whole number from 0 to 10."),
])
def test_complete_refuses_bad_pain(client, practitioner, value, message):
    course = make_signed_course(2)
    response = client.post(f"/courses/{course.id}/complete", data={
        "discharge_pain": value, "version": str(course.version)})
    assert message in response.data
    db.session.refresh(course)
    assert course.status == "active"


def test_complete_and_discontinue(client, practitioner):
    course = make_signed_course(2)
    client.post(f"/courses/{course.id}/complete", data={
        "discharge_pain": "2", "discharge_notes": "Back to running", "version": str(
            course.version)})
    db.session.refresh(course)
    assert (course.status, course.discharge_pain) == ("completed", 2)
    other = make_course(status="planned")
    response = client.post(f"/courses/{other.id}/discontinue", data={
        "reason": "", "version": str(other.version)})
    assert b"Give the reason the course is stopping." in response.data
    client.post(f"/courses/{other.id}/discontinue", data={
        "reason": "Moved away", "version": str(other.version)})
    db.session.refresh(other)
    assert other.status == "discontinued"
    assert b"Moved away" in client.get(f"/courses/{other.id}").data


def count_queries(client, url):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_course_page_queries_do_not_grow_with_the_number_of_visits(client, practitioner):
    short = make_signed_course(6)
    long = make_signed_course(30, planned_sessions=40)  # both still have sessions to come
    client.get(f"/courses/{short.id}")  # warm up: settings, user loading
    assert count_queries(client, f"/courses/{short.id}") == count_queries(
        client, f"/courses/{long.id}")


def test_schedule_and_visit_pages_query_a_fixed_number_of_times(client, practitioner):
    from datetime import UTC, datetime, timedelta

    from tests.factories import make_visit
    from tracker.treatments.models import VisitPoint
    from tracker.treatments.visits import amend_visit

    def fill_day(day, count):
        for slot in range(count):
            course = make_signed_course(2, first=datetime(2026, 2, 2, 14, tzinfo=UTC))
            make_appointment(course, starts_at=day + timedelta(minutes=45 * slot))

    fill_day(datetime(2026, 3, 2, 14, tzinfo=UTC), 2)
    fill_day(datetime(2026, 3, 3, 14, tzinfo=UTC), 9)
    assert count_queries(client, "/schedule/?day=2026-03-02&practitioner=all") == \
        count_queries(client, "/schedule/?day=2026-03-03&practitioner=all")

    visits = []
    for points in (1, 12):
        visit = make_visit()
        for code in ("BL23", "BL25", "BL40", "GV4", "EX-B2", "GB34", "ST36", "SI3", "BL62",
                     "GB30", "BL52", "GV3")[:points]:
            db.session.add(VisitPoint(visit_id=visit.id, point_code=code, side="both"))
        visit._amending = True
        db.session.commit()
        for number in range(points):
            amend_visit(visit, practitioner, reason=f"fix {number}",
                        changes={"subjective": f"v{number}"})
        db.session.commit()
        visits.append(visit)
    assert count_queries(client, f"/visits/{visits[0].id}") == \
        count_queries(client, f"/visits/{visits[1].id}")
