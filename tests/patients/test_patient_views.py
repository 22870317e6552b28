from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_patient, make_user
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.patients.services import search_patients

VALID = {
    "first_name": "Grace", "last_name": "Osei", "date_of_birth": "1975-03-02",
    "email": "grace.osei@example.net", "phone": "+1 207 555 0101",
    "timezone": "America/New_York", "preferred_practitioner_id": "0",
    "safety_notes": "", "reminder_opt_in": "y",
}


@pytest.fixture
def staff(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


def patient_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Patient))


def test_create_patient(client, staff):
    response = client.post("/patients/new", data=VALID | {"consent_signed": "y"})
    assert response.status_code == 302
    patient = db.session.scalar(sa.select(Patient))
    assert patient.full_name == "Grace Osei"
    assert patient.has_consent and patient.consent_version
    page = client.get(response.headers["Location"])
    assert b"Grace Osei" in page.data


@pytest.mark.parametrize("field,value,message", [
    ("first_name", "", "Enter the first name."),
    ("last_name", "   ", "Enter the last name."),
    ("first_name", "x" * 81, "at most 80 characters"),
    ("first_name", "Gr\x07ace", "control characters"),
    ("date_of_birth", "", "valid date"),
    ("date_of_birth", "02/03/1975x", "valid date"),
    ("date_of_birth", (date.today() + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ("date_of_birth", "1850-01-01", "after 1900"),
    ("email", "not-an-email", "Enter an email address"),
    ("phone", "call me", "Enter a phone number"),
    ("phone", "12", "Enter a phone number"),
    ("timezone", "Mars/Olympus_Mons", "Not a valid choice"),
    ("preferred_practitioner_id", "999", "Not a valid choice"),
    ("preferred_practitioner_id", "abc", "Not a valid choice"),
])
def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(
        client, staff, field, value, message):
    response = client.post("/patients/new", data=VALID | {field: value})
    assert response.status_code == 200
    assert message.encode() in response.data
    assert b"Nothing was saved" in response.data
    assert f'id="{field}-error"'.encode() in response.data
    assert patient_count() == 0


def test_pregnancy_needs_a_due_date(client, staff):
    response = client.post("/patients/new", data=VALID | {"is_pregnant": "y"})
    assert b"Enter the due date" in response.data
    assert patient_count() == 0


def test_edit_patient_keeps_safety_flags(client, staff):
    patient = make_patient()
    data = VALID | {"has_pacemaker": "y", "version": str(patient.version)}
    response = client.post(f"/patients/{patient.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(patient)
    assert patient.has_pacemaker and patient.first_name == "Grace"


def test_concurrent_edit_gets_a_conflict_not_a_silent_overwrite(client, staff):
    patient = make_patient(first_name="Original")
    stale_version = patient.version
    patient.first_name = "Changed elsewhere"
    db.session.commit()
    response = client.post(f"/patients/{patient.id}/edit",
                           data=VALID | {"version": str(stale_version)})
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.data
    db.session.refresh(patient)
    assert patient.first_name == "Changed elsewhere"


def test_archive_and_restore_never_delete(client, staff):
    patient = make_patient(last_name="Archivable")
    client.post(f"/patients/{patient.id}/archive", follow_redirects=True)  # shows the flash
    db.session.refresh(patient)
    assert patient.is_archived
    assert b"Archivable" not in client.get("/patients/").data
    assert b"Archivable" in client.get("/patients/?archived=1").data
    client.post(f"/patients/{patient.id}/restore")
    db.session.refresh(patient)
    assert not patient.is_archived
    assert patient_count() == 1


def test_search_and_pagination(client, staff, app):
    for number in range(30):
        make_patient(last_name=f"Searchable{number:02d}")
    make_patient(last_name="Zhang", first_name="Mei")
    first_page = client.get("/patients/").data
    assert b"Page 1 of 2" in first_page
    assert b"Searchable00" in first_page and b"Zhang" not in first_page
    assert b"Zhang" in client.get("/patients/?page=2").data
    found = client.get("/patients/?q=mei+zhang").data
    assert b"Zhang" in found and b"Searchable" not in found
    assert b"No patients match" in client.get("/patients/?q=%25_%5C").data
    assert client.get("/patients/?page=999").status_code == 200
    assert client.get("/patients/?page=-3").status_code == 200


def test_record_consent(client, staff):
    patient = make_patient()
    assert b"No consent on file" in client.get(f"/patients/{patient.id}").data
    client.post(f"/patients/{patient.id}/consent", data={"consent_version": "2026-01"})
    db.session.refresh(patient)
    assert patient.consent_version == "2026-01" and patient.has_consent


def test_record_consent_needs_a_version(client, staff):
    patient = make_patient()
    client.post(f"/patients/{patient.id}/consent", data={"consent_version": ""})
    db.session.refresh(patient)
    assert not patient.has_consent


def test_search_looks_in_each_field_ignoring_case(app_context):
    with_everything = make_patient(first_name="Olwen", last_name="Pryce",
                                   email="o.pryce@example.org", phone="+44 20 7946 0321")
    name_only = make_patient(first_name="Tomasz", last_name="Nowak", email=None, phone=None)

    def found(query):
        return {patient.id for patient in search_patients(query).items}

    assert found("OLWEN") == found("pRyCe") == found("PRYCE@EXAMPLE") == {with_everything.id}
    assert found("7946") == found("+44") == {with_everything.id}
    assert found("nowak") == found("tom now") == {name_only.id}  # no email, no phone
    assert found("olwen nowak") == set()  # every term must match
    assert found("olwenpryce") == set()  # a fragment never spans two fields
