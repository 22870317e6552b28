import sqlalchemy as sa

from tracker.auth.models import User
from tracker.extensions import db
from tracker.patients.models import Patient


def table_counts():
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_demo_load_creates_the_clinic_and_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "practitioner@example.com" in first.output
    counts = table_counts()
    assert 25 <= counts["patients"] <= 40
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert table_counts() == counts


def test_demo_logins_work(runner, client, login):
    runner.invoke(args=["demo", "load"])
    for email in ("admin@example.com", "practitioner@example.com", "patient@example.com"):
        assert login(email, "meridian-demo-2026").status_code == 302, email
        client.post("/logout")
    patient_user = db.session.scalar(sa.select(User).where(User.email == "patient@example.com"))
    assert isinstance(patient_user.patient, Patient)


def test_demo_practitioner_sees_the_patient_list(runner, client, login):
    runner.invoke(args=["demo", "load"])
    login("practitioner@example.com", "meridian-demo-2026")
    page = client.get("/patients/")
    assert page.status_code == 200
    assert b"Alvarez" in page.data
