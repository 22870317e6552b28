"""`backup create|restore` into an empty database, and `export patient` (right of access)."""

import json
import stat
from datetime import date

import sqlalchemy as sa

from tests.conftest import build_app, make_config
from tests.factories import (
    make_appointment,
    make_checkin,
    make_course,
    make_patient,
    make_patient_user,
    make_user,
    make_visit,
)
from tracker.audit.models import AuditEvent
from tracker.audit.services import record_event
from tracker.auth.models import Role
from tracker.billing.models import Payment
from tracker.extensions import db
from tracker.treatments.models import Amendment, VisitPoint


def make_clinical_record(last_name="Osei"):
    """A patient with a login, a course, an appointment, a signed visit with a point and an
    amendment, a check-in, and audit events about them."""
    user = make_patient_user(make_patient(last_name=last_name))
    practitioner = make_user(Role.PRACTITIONER)
    course = make_course(user.patient, practitioner)
    visit = make_visit(make_appointment(course))
    db.session.add(VisitPoint(visit_id=visit.id, point_code="BL23", side="both"))
    db.session.add(Amendment(visit_id=visit.id, author_id=practitioner.id, reason="typo",
                             changes={"pain_after": {"from": 4, "to": 3}}))
    make_checkin(course)
    record_event("patient.view", record=user.patient, user=practitioner)
    db.session.commit()
    return user.patient


def all_rows(engine):
    rows = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            result = connection.execute(sa.select(table).order_by(*table.primary_key))
            rows[table.name] = [tuple(row) for row in result]
    return rows


def test_backup_and_restore_into_an_empty_database(app, runner, empty_database_uri, tmp_path):
    patient = make_clinical_record()
    db.session.add(Payment(patient_id=patient.id, payer="patient", method="cash",
                           amount_cents=4000, received_on=date(2026, 3, 2)))
    db.session.commit()  # a trigger-kept balance, which the restore must not count twice
    backup = tmp_path / "meridian.backup"
    created = runner.invoke(args=["backup", "create", "--output", str(backup)])
    assert created.exit_code == 0, created.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    original = all_rows(db.engine)

    restored_app = build_app(make_config(empty_database_uri))
    with restored_app.app_context():  # the commands below run against the empty database
        restore = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert restore.exit_code == 0, restore.output
        restored = all_rows(db.engine)
        verify = restored_app.test_cli_runner().invoke(args=["audit", "verify"])
        db.session.remove()
        db.engine.dispose()
    assert verify.exit_code == 0, verify.output
    action = [column.name for column in AuditEvent.__table__.columns].index("action")
    audit_actions = [row[action] for row in restored.pop("audit_events")]
    assert audit_actions[-1] == "backup.restore"
    assert "backup.create" in audit_actions and "patient.view" in audit_actions
    original.pop("audit_events")
    assert restored == original
    assert original["patients"] and original["visit_points"] and original["amendments"]
    assert original["patient_balances"] == [(patient.id, -4000)]


def test_restore_refuses_a_database_that_holds_data(runner, tmp_path):
    make_patient()
    backup = tmp_path / "meridian.backup"
    assert runner.invoke(args=["backup", "create", "--output", str(backup)]).exit_code == 0
    refused = runner.invoke(args=["backup", "restore", str(backup)])
    assert refused.exit_code != 0 and "already holds data" in refused.output
    assert runner.invoke(args=["backup", "restore", "--force", str(backup)]).exit_code == 0


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = runner.invoke(args=["backup", "restore", "--force", str(bogus)])
    assert result.exit_code != 0 and "is not" in result.output
    missing = runner.invoke(args=["backup", "restore", str(tmp_path / "absent")])
    assert missing.exit_code != 0 and "no backup file" in missing.output


def test_export_holds_everything_about_one_patient_and_nothing_else(runner, tmp_path):
    patient = make_clinical_record("Osei")
    other = make_clinical_record("Haddad")
    output = tmp_path / "export.json"
    result = runner.invoke(args=["export", "patient", str(patient.id), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    text = output.read_text()
    exported = json.loads(text)
    tables = exported["tables"]
    assert set(tables) == {"patients", "users", "courses", "appointments", "visits",
                           "visit_points", "amendments", "pain_checkins", "audit_events"}
    assert tables["patients"][0]["last_name"] == "Osei"
    assert [row["email"] for row in tables["users"]] == [patient.user.email]
    assert "password_hash" not in text and "session_version" not in text and "$argon2" not in text
    assert "Haddad" not in text
    for rows in tables.values():
        for row in rows:
            assert row.get("patient_id", patient.id) == patient.id
    assert tables["visit_points"][0]["point_code"] == "BL23"
    assert tables["amendments"][0]["reason"] == "typo"
    actions = [row["action"] for row in tables["audit_events"]]
    assert "patient.view" in actions and "patient.export" in actions
    assert other.id not in {row["id"] for row in tables["patients"]}


def test_export_is_audited_and_can_print(runner):
    patient = make_patient()
    result = runner.invoke(args=["export", "patient", str(patient.id)])
    assert result.exit_code == 0
    assert json.loads(result.output)["patient_id"] == patient.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "patient.export"))
    assert event.patient_id == patient.id and event.user_id is None


def test_export_of_an_unknown_patient_fails(runner):
    result = runner.invoke(args=["export", "patient", "4242"])
    assert result.exit_code != 0 and "no patient with id 4242" in result.output
