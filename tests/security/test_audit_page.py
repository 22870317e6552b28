"""/admin/audit: admins find events by patient, user, action and date."""

from datetime import UTC, datetime

import pytest

from tests.factories import make_patient, make_user
from tracker.audit import chain
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.extensions import db


def add_event(action, *, when, patient=None, email="someone@example.org", outcome="success"):
    event = chain.append(db.session, AuditEvent(
        occurred_at=when, action=action, outcome=outcome, user_email=email,
        patient_id=patient.id if patient else None))
    db.session.commit()
    return event


@pytest.fixture
def admin(client, login):
    user = make_user(Role.ADMIN, email="front.desk@example.org")
    login(user)
    return user


@pytest.fixture
def trail():
    grace, omar = make_patient(last_name="Osei"), make_patient(last_name="Haddad")
    add_event("patient.view", when=datetime(2026, 3, 2, 15, tzinfo=UTC), patient=grace,
              email="dr.lee@example.org")
    add_event("patient.update", when=datetime(2026, 3, 3, 15, tzinfo=UTC), patient=omar,
              email="dr.lee@example.org")
    add_event("auth.login", when=datetime(2026, 3, 4, 15, tzinfo=UTC), outcome="failure",
              email="mallory@example.net")
    return grace, omar


def rows(response):
    return response.data.count(b"<tr>") - (b"<thead>" in response.data)  # minus the header


def test_admin_sees_the_newest_events_first(client, admin, trail):
    page = client.get("/admin/audit")
    assert page.status_code == 200
    text = page.data.decode().split("<tbody>")[1]
    assert text.index("mallory@example.net") < text.index("patient.update")
    assert "Osei" in text and "failure" in text


def test_filter_by_patient(client, admin, trail):
    grace, _ = trail
    page = client.get(f"/admin/audit?patient={grace.id}")
    assert rows(page) == 1 and b"patient.view" in page.data


def test_filter_by_user(client, admin, trail):
    page = client.get("/admin/audit?user=MALLORY")
    assert rows(page) == 1 and b"mallory@example.net" in page.data


def test_filter_by_action(client, admin, trail):
    page = client.get("/admin/audit?action=patient.update")
    assert rows(page) == 1 and b"Haddad" in page.data


def test_filter_by_dates_in_the_clinic_timezone(client, admin, trail):
    page = client.get("/admin/audit?date_from=2026-03-03&date_to=2026-03-03")
    assert rows(page) == 1 and b"patient.update" in page.data
    assert rows(client.get("/admin/audit?date_from=2026-03-03")) >= 2
    assert rows(client.get("/admin/audit?date_to=2026-03-01")) == 0


@pytest.mark.parametrize("query,message", [
    ("patient=abc", b"Not a valid integer"),
    ("patient=99999999999999999999", b"Enter a patient id"),
    ("date_from=2026-13-45", b"Not a valid date"),
    ("date_from=2026-03-05&date_to=2026-03-01", b"before the start date"),
    ("date_to=9999-12-31", b"between 2000 and 2999"),
    ("user=%00", b"control characters"),
])
def test_bad_filters_are_named(client, admin, trail, query, message):
    page = client.get(f"/admin/audit?{query}")
    assert page.status_code == 200
    assert message in page.data
    assert b"Correct the filters" in page.data


def test_pages_of_fifty(client, admin):
    for number in range(55):
        add_event("test.event", when=datetime(2026, 3, 2, 15, number, tzinfo=UTC))
    first = client.get("/admin/audit?action=test.event")
    assert rows(first) == 50 and b"Page 1 of 2" in first.data
    assert rows(client.get("/admin/audit?action=test.event&page=2")) == 5
    assert client.get("/admin/audit?page=99999999999999999999").status_code == 200


def test_html_in_an_event_is_shown_as_text(client, admin):
    add_event("auth.login", when=datetime(2026, 3, 2, 15, tzinfo=UTC),
              email="<script>alert(1)</script>@example.org", outcome="failure")
    page = client.get("/admin/audit")
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data


def test_a_patients_page_links_admins_to_their_audit_trail(client, login):
    patient = make_patient()
    login(make_user(Role.PRACTITIONER))
    link = f"/admin/audit?patient={patient.id}".encode()
    assert link not in client.get(f"/patients/{patient.id}").data
    client.post("/logout")
    login(make_user(Role.ADMIN))
    assert link in client.get(f"/patients/{patient.id}").data
    assert b"patient.view" in client.get(link.decode()).data
