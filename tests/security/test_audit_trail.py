"""The audit trail: what is recorded, the hash chain, append-only rows and `audit verify`."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import is_postgres
from tests.factories import PASSWORD, make_patient, make_user
from tracker.audit import schema
from tracker.audit.chain import AuditTamperingError, event_hash
from tracker.audit.models import AuditEvent
from tracker.audit.services import record_event
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient


def events(action=None):
    statement = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    return db.session.scalars(statement).all()


def tamper(sql, **params):
    """Change audit rows behind the app's back, as someone with the database password could."""
    db.session.rollback()  # the test's own transaction would block the DDL on PostgreSQL
    with db.engine.begin() as connection:
        schema.drop_guards(connection)
        connection.execute(sa.text(sql), params)
        schema.create_guards(connection)


def test_an_event_records_who_what_where_and_when(client, login):
    staff = make_user(Role.PRACTITIONER)
    patient = make_patient()
    login(staff)
    client.get(f"/patients/{patient.id}", headers={"User-Agent": "Browser/1.0 " + "x" * 500})
    [event] = events("patient.view")
    assert (event.user_id, event.user_email, event.role) == (staff.id, staff.email, "practitioner")
    assert (event.patient_id, event.record_type, event.record_id) == (
        patient.id, "Patient", str(patient.id))
    assert event.outcome == "success" and event.ip == "127.0.0.1"
    assert event.user_agent.startswith("Browser/1.0") and len(event.user_agent) == 200
    assert event.occurred_at.tzinfo is not None
    assert abs((datetime.now(UTC) - event.occurred_at).total_seconds()) < 60


def test_login_attempts_are_recorded_without_passwords(client, login):
    user = make_user(Role.ADMIN)
    login(user, "a wrong password typed here")
    login("nobody@example.org", "another wrong password")
    login(user)
    client.post("/logout")
    recorded = [(event.action, event.outcome, event.user_email, event.user_id)
                for event in events()]
    assert recorded == [
        ("auth.login", "failure", user.email, user.id),
        ("auth.login", "failure", "nobody@example.org", None),
        ("auth.login", "success", user.email, user.id),
        ("auth.logout", "success", user.email, user.id),
    ]
    every_value = str([[getattr(event, column.key) for column in AuditEvent.__table__.columns]
                       for event in events()])
    for password in ("a wrong password typed here", "another wrong password", PASSWORD):
        assert password not in every_value


def test_patient_work_is_recorded(client, login):
    staff = make_user(Role.ADMIN)
    login(staff)
    client.get("/patients/?q=osei")
    client.post("/patients/new", data={
        "first_name": "Grace", "last_name": "Osei", "date_of_birth": "1975-03-02",
        "timezone": "America/New_York", "preferred_practitioner_id": "0"})
    patient_id = events("patient.create")[0].patient_id
    client.get(f"/patients/{patient_id}")
    client.post(f"/patients/{patient_id}/edit", data={
        "first_name": "Grace", "last_name": "Osei-Mensah", "date_of_birth": "1975-03-02",
        "timezone": "America/New_York", "preferred_practitioner_id": "0", "version": "1"})
    client.post(f"/patients/{patient_id}/consent", data={"consent_version": "2026-01"})
    client.post(f"/patients/{patient_id}/archive")
    client.post(f"/patients/{patient_id}/restore")
    client.post("/admin/settings", data={"clinic.name": "Harbour", "clinic.opens_at": "08:00",
                                         "clinic.closes_at": "18:00",
                                         "clinic.open_weekdays": "1,2,3,4,5"})
    recorded = [(event.action, event.patient_id) for event in events()][1:]  # after the login
    assert recorded == [
        ("patient.search", None), ("patient.create", patient_id),
        ("patient.view", patient_id), ("patient.update", patient_id),
        ("patient.consent", patient_id), ("patient.archive", patient_id),
        ("patient.restore", patient_id), ("settings.update", None)]
    assert events("patient.search")[0].details["query"] == "osei"
    assert events("patient.update")[0].details == {"fields": ["last_name"]}
    assert events("settings.update")[0].details == {"changed": ["clinic.name"]}


def test_calendar_download_is_recorded(client, login):
    from tests.factories import make_appointment

    appointment = make_appointment()
    login(make_user(Role.ADMIN))
    assert client.get(f"/appointments/{appointment.id}.ics").status_code == 200
    [event] = events("appointment.export")
    assert event.patient_id == appointment.patient_id and event.details == {"format": "ics"}


def test_a_refused_change_records_nothing(client, login):
    patient = make_patient(first_name="Original")
    login(make_user(Role.PRACTITIONER))
    response = client.post(f"/patients/{patient.id}/edit", data={
        "first_name": "Changed", "last_name": "X", "date_of_birth": "1975-03-02",
        "timezone": "America/New_York", "preferred_practitioner_id": "0", "version": "99"})
    assert response.status_code == 409
    assert events("patient.update") == []
    client.post("/patients/new", data={"first_name": ""})
    assert events("patient.create") == []


def test_an_event_and_its_change_share_a_transaction():
    patient = make_patient(first_name="Before")
    patient.first_name = "After"
    record_event("patient.update", record=patient)
    db.session.flush()
    db.session.rollback()
    assert events() == []
    assert db.session.get(Patient, patient.id).first_name == "Before"


def test_events_form_a_hash_chain():
    for number in range(3):
        record_event("test.event", details={"n": number})
    db.session.commit()
    first, second, third = events()
    assert first.previous_hash == ""
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert third.hash == event_hash(second.hash, third)
    assert len({first.hash, second.hash, third.hash}) == 3


def test_the_orm_refuses_to_add_change_or_delete_events():
    record_event("test.event")
    db.session.commit()
    db.session.add(AuditEvent(occurred_at=utcnow(), action="forged.event", outcome="success",
                              previous_hash="x", hash="y"))
    with pytest.raises(AuditTamperingError):  # only record_event links events in
        db.session.flush()
    db.session.rollback()
    event = events()[0]  # as stored: record_event's own object never joins the session
    event.action = "something.else"
    with pytest.raises(AuditTamperingError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditTamperingError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditTamperingError):
        db.session.execute(sa.update(AuditEvent).values(outcome="failure"))
    with pytest.raises(AuditTamperingError):
        db.session.execute(sa.delete(AuditEvent))
    db.session.rollback()
    assert events()[0].action == "test.event"


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET outcome = 'failure'",
                                 "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_delete_events(sql):
    record_event("test.event")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text(sql))
    assert [event.outcome for event in events()] == ["success"]


def test_postgres_refuses_truncate_too():
    if not is_postgres():
        pytest.skip("TRUNCATE is PostgreSQL's")
    record_event("test.event")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE audit_events"))


def test_verify_reports_ok(runner):
    for _ in range(3):
        record_event("test.event")
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "Audit trail OK: 3 events" in result.output


def test_verify_reports_the_first_altered_event(runner):
    for _ in range(4):
        record_event("test.event")
    db.session.commit()
    second, third = events()[1:3]
    tamper("UPDATE audit_events SET outcome = 'failure' WHERE id = :id", id=third.id)
    tamper("UPDATE audit_events SET user_email = 'someone@else' WHERE id = :id", id=second.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {second.id} " in result.output


def test_verify_notices_a_removed_event(runner):
    for _ in range(3):
        record_event("test.event")
    db.session.commit()
    _first, second, third = events()
    tamper("DELETE FROM audit_events WHERE id = :id", id=second.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"event {third.id} " in result.output


def test_concurrent_writers_keep_one_chain(app, runner):
    """Four threads, each its own session and connection, append at the same time."""
    errors = []

    def append_events():
        try:
            with app.app_context():
                for number in range(5):
                    record_event("test.concurrent", details={"n": number})
                    db.session.commit()
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)

    threads = [threading.Thread(target=append_events) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(events("test.concurrent")) == 20
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0



def test_a_patient_probing_another_patients_ids_is_recorded(client, login):
    from tests.factories import make_appointment, make_patient_user

    alice = make_patient_user()
    appointment = make_appointment()
    login(alice)
    assert client.get(f"/appointments/{appointment.id}.ics").status_code == 404
    assert client.get(f"/patients/{appointment.patient_id}").status_code == 404
    assert client.get("/appointments/987654.ics").status_code == 404  # no such record
    denied = events("access.denied")
    assert [(event.user_id, event.patient_id, event.outcome) for event in denied] == [
        (alice.id, appointment.patient_id, "denied")] * 2
    assert [event.details["record_type"] for event in denied] == ["Appointment", "Patient"]


def test_password_changes_are_recorded(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    client.post("/account/password", data={"current_password": "not my password at all",
                                           "new_password": "a new long passphrase",
                                           "confirm_password": "a new long passphrase"})
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "a new long passphrase",
                                           "confirm_password": "a new long passphrase"})
    assert [(event.outcome, event.user_id) for event in events("auth.password_change")] == [
        ("failure", user.id), ("success", user.id)]


def test_an_action_name_must_fit():
    with pytest.raises(ValueError, match="1 to 60 characters"):
        record_event("x" * 61)
