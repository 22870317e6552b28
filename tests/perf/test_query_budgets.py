"""Query budgets: each main page sends the same number of queries at 1× and 10× data.

For every page the test builds a small case (3 rows of what the page lists) and a case
ten times larger, requests both, and asserts the counts are equal and within the page's
budget. A page that starts loading rows one by one (N+1) or per item fails here long
before it is slow in production.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import (
    make_appointment,
    make_checkin,
    make_course,
    make_patient,
    make_patient_user,
    make_signed_course,
    make_user,
)
from tests.querycount import count_queries
from tracker.auth.models import Role
from tracker.billing.models import Payment
from tracker.extensions import db
from tracker.treatments.signals import visit_signed

SMALL, LARGE = 3, 30
#: statements per page, whatever the data: loading the user, the page's own queries, and
#: the audit event on pages that show patient data (SQLite: lock, latest hash, insert;
#: PostgreSQL: one call of audit_append, so two fewer there)
BUDGETS = {"schedule": 9, "patient list": 7, "patient page": 19, "course page": 19,
           "progress JSON": 9, "portal home": 20, "finance report": 15,
           "reminders admin": 8}
MONDAY = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # 08:00 in New York


def queries_for(client, path):
    """Statements sent by one request for `path` (after a first request warms caches)."""
    assert client.get(path).status_code == 200
    with count_queries() as counter:
        reply = client.get(path)
    assert reply.status_code == 200
    return counter.count


def assert_budget(page, small, large):
    assert small == large, f"{page}: {small} queries at 1×, {large} at 10×"
    assert large <= BUDGETS[page], f"{page}: {large} queries, budget {BUDGETS[page]}"


def charged_course(sessions, **overrides):
    """A course with `sessions` signed, charged visits, each paid by the patient."""
    course = make_signed_course(sessions, **overrides)
    for visit in course.visits:
        visit_signed.send(visit)
        db.session.add(Payment(patient_id=course.patient_id, course_id=course.id,
                               visit_id=visit.id, payer="patient", method="card",
                               received_on=date(2026, 3, 10), amount_cents=1000))
    db.session.commit()
    return course


@pytest.fixture
def staff(client, login):
    def sign_in(role=Role.ADMIN):
        user = make_user(role)
        login(user)
        return user

    return sign_in


def test_schedule_budget(client, staff):
    practitioner = staff(Role.PRACTITIONER)
    counts = []
    for number, day in ((SMALL, MONDAY), (LARGE, MONDAY + timedelta(days=1))):
        for index in range(number):
            course = make_signed_course(2, practitioner=practitioner,
                                        first=day - timedelta(days=14))
            make_appointment(course, starts_at=day + timedelta(minutes=15 * index))
        counts.append(queries_for(client, f"/schedule/?day={day.date()}"))
    assert_budget("schedule", *counts)


def test_patient_list_budget(make_app, login):
    app = make_app(PATIENTS_PER_PAGE=2)
    client = app.test_client()
    with app.app_context():
        login_as = make_user(Role.ADMIN)
        for number, surname in ((SMALL, "Abbott"), (LARGE, "Brennan")):
            for _ in range(number):
                make_patient(last_name=surname)
        client.post("/login", data={"email": login_as.email,
                                    "password": "correct horse battery staple"})
        counts = [_count_on(app, client, f"/patients/?q={name}&page=2")
                  for name in ("Abbott", "Brennan")]
    assert_budget("patient list", *counts)


def _count_on(app, client, path):
    assert client.get(path).status_code == 200
    with count_queries(app.extensions["sqlalchemy"].engine) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_patient_page_budget(client, staff):
    staff()
    counts = []
    for number in (SMALL, LARGE):
        patient = make_patient()
        for _ in range(number // SMALL):
            charged_course(SMALL, patient=patient)
        for index in range(number):
            make_appointment(make_course(patient=patient),
                             starts_at=datetime.now(UTC) + timedelta(days=1 + index))
        counts.append(queries_for(client, f"/patients/{patient.id}"))
    assert_budget("patient page", *counts)


def test_course_page_and_progress_budgets(client, staff):
    staff()
    courses = [charged_course(number, planned_sessions=number) for number in (SMALL, LARGE)]
    for course in courses:
        for index in range(len(course.visits)):
            make_checkin(course, recorded_at=MONDAY + timedelta(days=index, hours=8))
    assert_budget("course page", *(queries_for(client, f"/courses/{course.id}")
                                   for course in courses))
    assert_budget("progress JSON", *(queries_for(client, f"/api/courses/{course.id}/progress")
                                     for course in courses))


def test_portal_home_budget(client, login):
    counts = []
    for number in (SMALL, LARGE):
        user = make_patient_user(make_patient())
        for _ in range(number // SMALL):
            course = charged_course(SMALL, patient=user.patient)
        for index in range(number):
            make_appointment(course, starts_at=datetime.now(UTC) + timedelta(days=1 + index))
        login(user)
        counts.append(queries_for(client, "/portal/"))
        client.post("/logout")
    assert_budget("portal home", *counts)


def test_finance_report_budget(client, staff):
    staff()
    counts = []
    for number, month in ((SMALL, 3), (LARGE, 4)):
        for _ in range(number):
            charged_course(1, first=datetime(2026, month, 2, 14, 0, tzinfo=UTC))
        counts.append(queries_for(
            client, f"/billing/?from=2026-{month:02d}-01&to=2026-{month:02d}-28"))
    assert_budget("finance report", *counts)


def test_reminders_admin_budget(client, staff):
    from tracker.reminders.models import Reminder

    staff()
    counts = []
    for number in (SMALL, LARGE):
        for index in range(number):
            patient = make_patient()
            due = MONDAY + timedelta(hours=index)
            db.session.add(Reminder(dedupe_key=f"test:{number}:{index}", kind="checkin",
                                    patient_id=patient.id, due_at=due, next_attempt_at=due,
                                    status="sent" if index % 2 else "failed"))
        db.session.commit()
        counts.append(queries_for(client, "/admin/reminders"))
    assert_budget("reminders admin", *counts)
