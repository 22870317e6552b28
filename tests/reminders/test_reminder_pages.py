"""/admin/reminders (the outbox) and /unsubscribe/<token>."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_patient, make_patient_user, make_reminder, make_user
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.models import Reminder
from tracker.reminders.tokens import unsubscribe_token


@pytest.fixture
def admin(client, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def outbox_of_every_state():
    patient = make_patient(first_name="Imogen", last_name="Fairweather")
    return {status: make_reminder(patient, status=status,
                                  last_error="SMTPDataError: 451 try later"
                                  if status == "failed" else None)
            for status in ("pending", "sending", "sent", "failed", "cancelled")}


def test_admin_sees_every_state_and_can_filter(client, admin):
    rows = outbox_of_every_state()
    page = client.get("/admin/reminders")
    assert page.status_code == 200
    for status in rows:
        assert f"reminder-status-{status}".encode() in page.data
    assert b"Fairweather" in page.data and b"451 try later" in page.data
    failed_only = client.get("/admin/reminders?status=failed")
    assert failed_only.data.count(b"reminder-status-") == 1
    assert f"/admin/reminders/{rows['failed'].id}/retry".encode() in failed_only.data
    assert b"/retry" not in client.get("/admin/reminders?status=sent").data


def test_unknown_filters_are_ignored(client, admin):
    outbox_of_every_state()
    page = client.get("/admin/reminders?status=exploded&kind=%3Cscript%3E&page=-3")
    assert page.status_code == 200 and page.data.count(b"reminder-status-") == 5


def test_retry_puts_a_failed_reminder_back_in_the_queue(client, admin):
    rows = outbox_of_every_state()
    response = client.post(f"/admin/reminders/{rows['failed'].id}/retry")
    assert response.status_code == 302
    reminder = db.session.get(Reminder, rows["failed"].id)
    db.session.refresh(reminder)
    assert reminder.status == "pending" and reminder.attempts == 0
    assert b"queued again" in client.get(response.headers["Location"]).data


def test_only_failed_reminders_can_be_retried(client, admin):
    rows = outbox_of_every_state()
    response = client.post(f"/admin/reminders/{rows['sent'].id}/retry", follow_redirects=True)
    assert b"Only failed reminders can be retried" in response.data
    db.session.refresh(rows["sent"])
    assert rows["sent"].status == "sent"
    assert client.post("/admin/reminders/999999/retry").status_code == 404


def csrf_token_of(page):
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()


def test_retry_needs_the_form_token(make_app):
    rows = outbox_of_every_state()
    user = make_user(Role.ADMIN)
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token_of(strict.get("/login"))
    strict.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    retry = f"/admin/reminders/{rows['failed'].id}/retry"
    assert strict.post(retry).status_code == 400
    db.session.refresh(rows["failed"])
    assert rows["failed"].status == "failed"
    token = csrf_token_of(strict.get("/admin/reminders"))
    assert strict.post(retry, data={"csrf_token": token}).status_code == 302
    db.session.refresh(rows["failed"])
    assert rows["failed"].status == "pending"


@pytest.mark.parametrize("role,code", [(Role.PRACTITIONER, 403), (Role.PATIENT, 404)])
def test_only_admins_see_the_outbox(client, login, role, code):
    user = make_patient_user() if role == Role.PATIENT else make_user(role)
    login(user)
    rows = outbox_of_every_state()
    assert client.get("/admin/reminders").status_code == code
    assert client.post(f"/admin/reminders/{rows['failed'].id}/retry").status_code == code


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get("/admin/reminders").status_code == 302


def test_unsubscribe_asks_first_then_stops_every_pending_email(client):
    patient = make_patient()
    pending = make_reminder(patient)
    path = f"/unsubscribe/{unsubscribe_token(patient.id)}"
    page = client.get(path)
    assert page.status_code == 200 and b"Stop reminder emails" in page.data
    db.session.refresh(patient)
    assert patient.reminder_opt_in  # a GET (or a link scanner) changes nothing
    assert client.post(path).status_code == 200
    db.session.refresh(patient)
    db.session.refresh(pending)
    assert not patient.reminder_opt_in and pending.status == "cancelled"
    assert b"already turned off" in client.get(path).data


def test_one_click_unsubscribe_works_without_a_form_token(make_app):
    patient = make_patient()
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = strict.post(f"/unsubscribe/{unsubscribe_token(patient.id)}",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(Patient.reminder_opt_in).where(
        Patient.id == patient.id)) is False


@pytest.mark.parametrize("token", ["garbage", "MQ.invalid-signature", "Ijk5OTk5Ig.x"])
def test_a_broken_unsubscribe_link_changes_nothing(client, token):
    patient = make_patient()
    assert client.post(f"/unsubscribe/{token}").status_code == 404
    db.session.refresh(patient)
    assert patient.reminder_opt_in


def test_an_unsubscribe_link_for_a_patient_that_does_not_exist(client):
    assert client.post(f"/unsubscribe/{unsubscribe_token(424242)}").status_code == 404


def test_the_outbox_shows_times_in_the_clinic_timezone(client, admin):
    make_reminder(due_at=datetime(2026, 7, 1, 13, 30, tzinfo=UTC))
    assert b"01 Jul 2026, 09:30 EDT" in client.get("/admin/reminders").data
