"""One form per domain works with CSRF on, with the token taken from its own page."""

import pytest
import sqlalchemy as sa

from tests.security.hostile_forms import next_weekday, valid_course, valid_series
from tests.security.world import (
    ADMIN,
    ANONYMOUS,
    PATIENT,
    PRACTITIONER,
    build_world,
    csrf_token,
    sign_in,
)
from tracker.billing.models import Payment
from tracker.extensions import db
from tracker.reminders.models import Reminder
from tracker.treatments.models import Appointment, Course, PainCheckin, Visit


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def csrf_client(make_app):
    """A client of an app with CSRF on, signed in as the role asked for."""
    app = make_app(WTF_CSRF_ENABLED=True)

    def signed_in(world, role):
        client = app.test_client()
        sign_in(client, world.users[role])
        return client, world.records[role]

    return signed_in


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def post_with_page_token(client, page, url, data):
    response = client.get(page)
    assert response.status_code == 200, page
    token = csrf_token(response)
    assert token, f"no CSRF token on {page}"
    refused = client.post(url, data=data)
    assert refused.status_code == 400, "accepted without the token"
    return client.post(url, data=data | {"csrf_token": token})


def test_course_plan(world, csrf_client):
    client, records = csrf_client(world, PRACTITIONER)
    page = f"/courses/new?patient_id={records.patient}"
    response = post_with_page_token(client, page, page, valid_course(records))
    assert response.status_code == 302
    assert count(Course, Course.patient_id == records.patient) == 2


def test_booking_confirmation(world, csrf_client):
    client, records = csrf_client(world, ADMIN)
    page = (f"/courses/{records.course}/book?first_day={next_weekday(14)}&at_time=11:00"
            "&duration=45")
    before = count(Appointment, Appointment.course_id == records.course)
    response = post_with_page_token(client, page, f"/courses/{records.course}/book",
                                    valid_series(records))
    assert response.status_code == 302
    assert count(Appointment, Appointment.course_id == records.course) == before + 2


def test_visit_signing(world, csrf_client):
    client, records = csrf_client(world, PRACTITIONER)
    visit = db.session.get(Visit, records.draft_visit)
    response = post_with_page_token(client, f"/visits/{visit.id}", f"/visits/{visit.id}/sign",
                                    {"version": str(visit.version)})
    assert response.status_code == 302
    assert db.session.get(Visit, visit.id, populate_existing=True).is_signed


def test_portal_checkin(world, csrf_client):
    client, records = csrf_client(world, PATIENT)
    response = post_with_page_token(client, "/portal/", "/portal/checkin", {"pain": "3"})
    assert response.status_code == 302
    assert count(PainCheckin, PainCheckin.patient_id == records.patient) == 1


def test_payment(world, csrf_client):
    client, records = csrf_client(world, ADMIN)
    url = f"/patients/{records.patient}/payments/new"
    response = post_with_page_token(client, url, url, {
        "payer": "patient", "amount": "40.00", "method": "card",
        "received_on": "2026-03-05", "insurance_policy_id": "0", "course_id": "0",
        "visit_id": "0"})
    assert response.status_code == 302
    assert count(Payment, Payment.patient_id == records.patient) == 1


def test_emailed_checkin_link(world, csrf_client):
    client, records = csrf_client(world, ANONYMOUS)
    url = f"/checkin/{records.checkin_link}"
    response = post_with_page_token(client, url, url, {"pain": "2"})
    assert response.status_code == 302
    assert count(PainCheckin, PainCheckin.patient_id == records.patient) == 1


def test_reminder_retry(world, csrf_client):
    client, records = csrf_client(world, ADMIN)
    response = post_with_page_token(client, "/admin/reminders",
                                    f"/admin/reminders/{records.reminder}/retry", {})
    assert response.status_code == 302
    assert db.session.get(Reminder, records.reminder, populate_existing=True).status \
        == "pending"
