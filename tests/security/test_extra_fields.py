"""Fields a form does not have change nothing: no mass assignment, no version tampering."""

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_patient, make_patient_user, make_user
from tracker.auth.models import Role, User
from tracker.clinic.models import Setting
from tracker.extensions import db
from tracker.patients.models import Patient

VALID = {"first_name": "Grace", "last_name": "Osei", "date_of_birth": "1975-03-02",
         "timezone": "America/New_York", "preferred_practitioner_id": "0"}


def smuggled(victim, intruder):
    """Fields an attacker adds to a form, aimed at another patient and at privileges."""
    return {"role": "admin", "is_admin": "1", "is_staff": "y", "patient_id": str(victim.id),
            "user_id": str(intruder.id), "id": str(victim.id), "archived_at": "2020-01-01",
            "consent_signed_at": "2020-01-01T00:00:00", "consent_version": "forged",
            "session_version": "99", "created_at": "2000-01-01", "active": "0"}


@pytest.fixture
def staff(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


def test_creating_a_patient_ignores_extra_fields(client, staff):
    other = make_patient(first_name="Other")
    response = client.post("/patients/new", data=VALID | smuggled(other, staff))
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Patient).where(Patient.first_name == "Grace"))
    assert created.id != other.id and created.user_id is None
    assert created.archived_at is None and created.consent_signed_at is None
    assert created.version == 1
    db.session.refresh(other)
    assert other.first_name == "Other" and other.version == 1


def test_editing_a_patient_ignores_extra_fields(client, staff):
    patient, other = make_patient(), make_patient(first_name="Other")
    data = VALID | smuggled(other, staff) | {"version": str(patient.version)}
    assert client.post(f"/patients/{patient.id}/edit", data=data).status_code == 302
    db.session.refresh(patient)
    db.session.refresh(other)
    assert patient.first_name == "Grace" and patient.user_id is None
    assert patient.archived_at is None and patient.consent_version is None
    assert other.first_name == "Other" and other.version == 1
    assert db.session.get(User, staff.id).role == "practitioner"


@pytest.mark.parametrize("version", ["5", "0", "-1", "abc", "", "1.0", "99999999999999999999"])
def test_a_tampered_version_is_refused(client, staff, version):
    patient = make_patient(first_name="Kept")
    response = client.post(f"/patients/{patient.id}/edit", data=VALID | {"version": version})
    assert response.status_code == 409
    db.session.refresh(patient)
    assert patient.first_name == "Kept" and patient.version == 1


def test_consent_for_one_patient_cannot_reach_another(client, staff):
    patient, other = make_patient(), make_patient()
    client.post(f"/patients/{patient.id}/consent",
                data={"consent_version": "2026-01", "patient_id": str(other.id)})
    db.session.expire_all()
    assert patient.has_consent and not other.has_consent


def test_a_patient_cannot_sign_in_as_staff(client):
    user = make_patient_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD, "role": "admin",
                                "is_admin": "1", "patient_id": "1"})
    assert client.get("/patients/").status_code == 404
    assert db.session.get(User, user.id).role == "patient"


def test_password_change_ignores_extra_fields(client):
    user = make_patient_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm_password": "a brand new passphrase", "role": "admin", "email": "x@evil.example"})
    stored = db.session.get(User, user.id)
    assert stored.role == "patient" and stored.email == user.email


def test_unknown_settings_are_not_stored(client, login):
    login(make_user(Role.ADMIN))
    response = client.post("/admin/settings", data={
        "clinic.name": "Harbour", "clinic.opens_at": "08:00", "clinic.closes_at": "18:00",
        "clinic.open_weekdays": "1,2,3", "clinic.superuser": "yes", "role": "admin"})
    assert response.status_code == 302
    assert db.session.get(Setting, "clinic.superuser") is None
    assert db.session.get(Setting, "role") is None
