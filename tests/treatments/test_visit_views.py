from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_course,
    make_patient,
    make_patient_user,
    make_signed_course,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import Amendment, Visit

MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
VALID = {"pain_before": "7", "pain_after": "4", "techniques": ["manual", "cupping"],
         "needles_in": "10", "needles_out": "10", "retention_minutes": "20",
         "face_to_face_minutes": "15", "adverse_event_notes": "", "estim_override_reason": "",
         "subjective": "Sleeping better", "objective": "", "assessment": "", "plan": "",
         "home_plan": "Press ST36 for 2 minutes daily", "points-0-code": "BL23",
         "points-0-selected": "y", "points-0-side": "both", "points-0-override_reason": "",
         "ashi_points-0-location": "Left L4 paraspinal", "ashi_points-0-side": "left"}


def consenting(**flags):
    return make_patient(consent_signed_at=utcnow(), consent_version="2026-01", **flags)


@pytest.fixture
def practitioner(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


def booked(practitioner, patient=None, **course_overrides):
    course = make_course(patient=patient or consenting(), practitioner=practitioner,
                         **course_overrides)
    return make_appointment(course, starts_at=MONDAY_9AM)


def visit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_the_visit_form_offers_the_point_catalogue_with_cautions(client, practitioner):
    patient = consenting(is_pregnant=True, pregnancy_due_on=date(2026, 9, 1))
    appointment = booked(practitioner, patient)
    page = client.get(f"/appointments/{appointment.id}/visit")
    assert page.status_code == 200
    for text in (b"Zusanli", b"Huatuojiaji", b"Ashi", b"Caution", b"Reason for using LI4",
                 b"Electroacupuncture", b"Needles out", b"Home acupressure plan"):
        assert text in page.data
    assert b"Reason for using ST36" not in page.data  # not cautioned


def test_save_a_draft_then_sign_it(client, practitioner):
    appointment = booked(practitioner, status="planned")
    response = client.post(f"/appointments/{appointment.id}/visit",
                           data=VALID | {"action": "save", "needles_out": "0"})
    assert response.status_code == 302  # needles may still be in while drafting
    visit = db.session.scalar(sa.select(Visit))
    assert not visit.is_signed and visit.needles_out == 0
    data = VALID | {"action": "sign", "version": str(visit.version)}
    response = client.post(f"/appointments/{appointment.id}/visit", data=data)
    assert response.status_code == 302
    db.session.refresh(visit)
    assert visit.is_signed and visit.session_number == 1
    assert {(vp.point_code, vp.side, vp.location) for vp in visit.points} == {
        ("BL23", "both", ""), ("Ashi", "left", "Left L4 paraspinal")}
    page = client.get(response.headers["Location"])
    assert b"Session 1 of 8" in page.data and b"Left L4 paraspinal" in page.data


@pytest.mark.parametrize("field,value,message", [
    ("pain_before", "-1", b"The pain before needling must be a whole number from 0 to 10."),
    ("pain_before", "11", b"The pain before needling must be a whole number from 0 to 10."),
    ("pain_before", "7.5", b"The pain before needling must be a whole number from 0 to 10."),
    ("pain_before", "", b"Enter the pain before needling as a whole number from 0 to 10."),
    ("pain_after", "-1", b"The pain after needling must be a whole number from 0 to 10."),
    ("pain_after", "11", b"The pain after needling must be a whole number from 0 to 10."),
    ("pain_after", "7.5", b"The pain after needling must be a whole number from 0 to 10."),
    ("pain_after", "", b"Enter the pain after needling as a whole number from 0 to 10."),
    ("needles_in", "", b"Enter the needles in."),
    ("needles_out", "ten", b"Needles out must be a whole number from 0 to 500."),
    ("retention_minutes", "200", b"Retention must be a whole number from 0 to 120."),
    ("techniques", "laser", b"Choose from the list."),
    ("points-0-side", "top", b"Not a valid choice"),
])
def test_bad_visit_input_is_named_and_nothing_is_written(client, practitioner, field, value,
                                                         message):
    appointment = booked(practitioner)
    for action in ("save", "sign"):
        response = client.post(f"/appointments/{appointment.id}/visit",
                               data=VALID | {field: value, "action": action})
        assert response.status_code == 200
        assert message in response.data
        assert b"Nothing was saved" in response.data
    assert visit_count() == 0


def test_a_needle_count_mismatch_blocks_signing_and_writes_nothing(client, practitioner):
    appointment = booked(practitioner)
    response = client.post(f"/appointments/{appointment.id}/visit",
                           data=VALID | {"needles_out": "9", "action": "sign"})
    assert response.status_code == 422
    assert b"Needles out (9) must equal needles in (10)" in response.data
    assert b'id="needles_out-error"' in response.data
    assert visit_count() == 0
    db.session.refresh(appointment)
    assert appointment.status == "booked"


def test_signing_a_draft_from_its_page_checks_the_needles(client, practitioner):
    appointment = booked(practitioner)
    visit = make_visit(appointment, signed=False, needles_in=12, needles_out=11,
                       practitioner_id=practitioner.id)
    response = client.post(f"/visits/{visit.id}/sign", data={"version": str(visit.version)})
    assert response.status_code == 422 and b"Needles out (11)" in response.data
    db.session.refresh(visit)
    assert not visit.is_signed


def test_consent_must_be_on_file_before_the_first_signature(client, practitioner):
    appointment = booked(practitioner, make_patient())
    assert b"No consent on file" in client.get(f"/appointments/{appointment.id}/visit").data
    response = client.post(f"/appointments/{appointment.id}/visit",
                           data=VALID | {"action": "sign"})
    assert response.status_code == 422 and b"No consent is on file" in response.data
    assert visit_count() == 0


def test_a_cautioned_point_needs_a_reason_that_is_then_stored(client, practitioner):
    appointment = booked(practitioner, consenting(is_pregnant=True,
                                                  pregnancy_due_on=date(2026, 9, 1)))
    data = VALID | {"points-0-code": "ST36", "points-1-code": "SP6", "points-1-selected": "y",
                    "points-1-side": "left", "action": "save"}
    response = client.post(f"/appointments/{appointment.id}/visit", data=data)
    assert response.status_code == 422
    assert b"SP6 is cautioned: the patient is pregnant" in response.data
    assert b"You ticked SP6: give the reason for using it, or untick it." in response.data
    assert visit_count() == 0
    data["points-1-override_reason"] = "Breech, obstetrician agreed"
    assert client.post(f"/appointments/{appointment.id}/visit", data=data).status_code == 302
    visit = db.session.scalar(sa.select(Visit))
    assert {vp.point_code: vp.override_reason for vp in visit.points}["SP6"] == (
        "Breech, obstetrician agreed")
    assert b"Breech, obstetrician agreed" in client.get(f"/visits/{visit.id}").data


def test_estim_with_a_pacemaker_needs_an_explicit_override(client, practitioner):
    appointment = booked(practitioner, consenting(has_pacemaker=True))
    data = VALID | {"techniques": ["electro"], "action": "save"}
    response = client.post(f"/appointments/{appointment.id}/visit", data=data)
    assert response.status_code == 422
    assert b"absolutely contraindicated" in response.data
    assert b"Tick the box to confirm" in response.data
    data |= {"estim_override_reason": "Cardiology cleared", "estim_pacemaker_confirmed": "y"}
    assert client.post(f"/appointments/{appointment.id}/visit", data=data).status_code == 302


def test_a_signed_visit_refuses_edits(client, practitioner):
    appointment = booked(practitioner)
    visit = make_visit(appointment, practitioner_id=practitioner.id, pain_after=4)
    response = client.get(f"/appointments/{appointment.id}/visit")
    assert response.status_code == 302 and f"/visits/{visit.id}" in response.headers["Location"]
    response = client.post(f"/appointments/{appointment.id}/visit",
                           data=VALID | {"pain_after": "1", "version": str(visit.version)})
    assert response.status_code == 409
    assert b"signed and can no longer be edited" in response.data
    assert b"add an" in response.data
    db.session.refresh(visit)
    assert visit.pain_after == 4


def test_only_the_visits_practitioner_edits_it(client, login):
    owner = make_user(Role.PRACTITIONER)
    appointment = make_appointment(make_course(practitioner=owner), starts_at=MONDAY_9AM)
    make_visit(appointment, signed=False, practitioner_id=owner.id)
    login(make_user(Role.PRACTITIONER))
    response = client.get(f"/appointments/{appointment.id}/visit")
    assert response.status_code == 403 and owner.name.encode() in response.data


def test_admins_and_patients_cannot_record_visits(client, login):
    appointment = make_appointment()
    visit = make_visit(appointment)
    login(make_user(Role.ADMIN))
    assert client.get(f"/appointments/{appointment.id}/visit").status_code == 403
    assert client.get(f"/visits/{visit.id}").status_code == 200  # staff may read
    client.post("/logout")
    login(make_patient_user(appointment.patient))
    for url in (f"/appointments/{appointment.id}/visit", f"/visits/{visit.id}",
                f"/visits/{visit.id}/amend", f"/appointments/{appointment.id}"):
        assert client.get(url).status_code == 404, url


def test_concurrent_edits_of_a_draft_conflict(client, practitioner):
    appointment = booked(practitioner)
    visit = make_visit(appointment, signed=False, practitioner_id=practitioner.id)
    stale = str(visit.version)
    first = client.post(f"/appointments/{appointment.id}/visit",
                        data=VALID | {"subjective": "First", "version": stale, "action": "save"})
    assert first.status_code == 302
    second = client.post(f"/appointments/{appointment.id}/visit",
                         data=VALID | {"subjective": "Second", "version": stale,
                                       "action": "save"})
    assert second.status_code == 409 and b"Someone else changed" in second.data
    db.session.refresh(visit)
    assert visit.subjective == "First"


def test_amend_a_signed_visit(client, practitioner):
    visit = make_visit(pain_after=4, subjective="Original")
    page = client.get(f"/visits/{visit.id}/amend")
    assert page.status_code == 200 and b"Original" in page.data
    data = {"pain_before": "6", "pain_after": "3", "retention_minutes": "20",
            "face_to_face_minutes": "15", "adverse_event_notes": "", "subjective": "Original",
            "objective": "", "assessment": "", "plan": "", "home_plan": "",
            "version": str(visit.version)}
    response = client.post(f"/visits/{visit.id}/amend", data=data | {"reason": ""})
    assert b"Say why the visit is being corrected." in response.data
    response = client.post(f"/visits/{visit.id}/amend", data=data | {"reason": "x",
                                                                      "pain_after": "11"})
    assert b"The pain after needling must be a whole number from 0 to 10." in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Amendment)) == 0
    response = client.post(f"/visits/{visit.id}/amend",
                           data=data | {"reason": "Patient corrected the score"})
    assert response.status_code == 302
    page = client.get(f"/visits/{visit.id}")
    assert b"Patient corrected the score" in page.data and practitioner.name.encode() in page.data
    assert b"Pain after" in page.data
    db.session.refresh(visit)
    assert visit.pain_after == 3


def test_the_last_planned_session_prompts_completing_the_course(client, practitioner):
    course = make_signed_course(5, planned_sessions=6, practitioner=practitioner)
    appointment = make_appointment(course, starts_at=datetime(2026, 3, 20, 14, tzinfo=UTC))
    response = client.post(f"/appointments/{appointment.id}/visit",
                           data=VALID | {"action": "sign"}, follow_redirects=True)
    assert b"last planned session (6 of 6)" in response.data
    assert b"Complete the course" in response.data and b"Discharge pain" in response.data


def test_state_changes_need_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user(Role.PRACTITIONER)
    login_page = client.get("/login").data.decode()
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                "csrf_token": token})
    assert client.get("/schedule/").status_code == 200  # signed in
    appointment = booked(user)
    visit = make_visit(appointment, signed=False, practitioner_id=user.id)
    assert client.post(f"/visits/{visit.id}/sign",
                       data={"version": str(visit.version)}).status_code == 400
    assert client.post(f"/appointments/{appointment.id}/cancel",
                       data={"reason": "x"}).status_code == 400
    db.session.refresh(visit)
    assert not visit.is_signed
