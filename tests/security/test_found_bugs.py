"""One test per problem the route walk and the hostile-input harness found."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course, make_user, make_visit
from tests.security.hostile_forms import VALID_VISIT, next_weekday, valid_course
from tracker.auth.models import Role
from tracker.billing.models import Payment
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import Amendment, Appointment, Course, Visit


@pytest.fixture
def practitioner(login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


@pytest.fixture
def admin(login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- a missing or garbled version skipped the lost-update check -------------------------

@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "99999999999999999999"])
def test_a_course_edit_without_its_true_version_is_a_conflict(client, practitioner, version):
    course = make_course(practitioner=practitioner, goal="Kept")
    data = valid_course(type("R", (), {"practitioner": practitioner.id})()) | {"goal": "Lost"}
    if version is not None:
        data["version"] = version
    assert client.post(f"/courses/{course.id}/edit", data=data).status_code == 409
    db.session.refresh(course)
    assert (course.goal, course.version) == ("Kept", 1)


@pytest.mark.parametrize("version", [None, "garbled"])
@pytest.mark.parametrize("action", ["cancel", "no-show", "reschedule"])
def test_appointment_changes_without_the_version_are_conflicts(client, admin, action,
                                                               version):
    appointment = make_appointment(starts_at=utcnow() - timedelta(hours=3))
    data = {"reason": "Snow day", "starts_on": str(next_weekday(9)), "at_time": "10:00",
            "duration": "45"} | ({} if version is None else {"version": version})
    response = client.post(f"/appointments/{appointment.id}/{action}", data=data)
    assert response.status_code == 409
    db.session.refresh(appointment)
    assert appointment.status == "booked" and appointment.version == 1


def test_saving_signing_or_amending_a_visit_without_the_version_is_a_conflict(client, practitioner):
    draft = make_visit(make_appointment(make_course(practitioner=practitioner)), signed=False)
    assert client.post(f"/visits/{draft.id}/sign", data={}).status_code == 409
    signed = make_visit(make_appointment(make_course(practitioner=practitioner)))
    response = client.post(f"/visits/{signed.id}/amend", data={
        "pain_before": "6", "pain_after": "1", "retention_minutes": "20",
        "face_to_face_minutes": "15", "reason": "Typo"})
    assert response.status_code == 409
    db.session.expire_all()
    assert not db.session.get(Visit, draft.id).is_signed
    assert count(Amendment) == 0
    saved = client.post(f"/appointments/{draft.appointment_id}/visit",
                        data=VALID_VISIT | {"subjective": "Overwritten"})
    assert saved.status_code == 409
    assert db.session.get(Visit, draft.id, populate_existing=True).subjective == ""


# --- fields left out of a visit form --------------------------------------------------------

def test_an_amendment_leaves_the_notes_it_was_not_sent_alone(client, practitioner):
    visit = make_visit(make_appointment(make_course(practitioner=practitioner)),
                       subjective="Stiff mornings", plan="Weekly")
    response = client.post(f"/visits/{visit.id}/amend", data={
        "pain_before": "6", "pain_after": "1", "retention_minutes": "20",
        "face_to_face_minutes": "15", "reason": "Typo", "version": str(visit.version)})
    assert response.status_code == 302  # was a 500: the notes became NULL
    db.session.refresh(visit)
    assert (visit.pain_after, visit.subjective, visit.plan) == (1, "Stiff mornings", "Weekly")
    assert list(db.session.scalars(sa.select(Amendment.changes)).one()) == ["pain_after"]


def test_a_draft_sent_without_its_notes_is_saved_with_empty_notes(client, practitioner):
    appointment = make_appointment(make_course(practitioner=practitioner))
    data = {key: value for key, value in VALID_VISIT.items() if key != "subjective"}
    response = client.post(f"/appointments/{appointment.id}/visit", data=data)
    assert response.status_code == 302  # was a 409 naming a colleague's save
    visit = db.session.scalars(sa.select(Visit)).one()
    assert visit.subjective == "" and visit.plan == ""


# --- ids and days beyond what the database or the calendar holds ----------------------------

def test_a_practitioner_id_past_64_bits_is_not_found(client, admin):
    assert client.get("/admin/practitioners/99999999999999999999/billing-ids") \
        .status_code == 404


@pytest.mark.parametrize("url", ["/billing/?practitioner=99999999999999999999",
                                 "/billing/report.csv?practitioner=-99999999999999999999",
                                 "/admin/reminders?page=99999999999999999999"])
def test_list_filters_past_64_bits_show_the_list(client, admin, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_schedule_day_out_of_range_shows_today(client, practitioner, day):
    assert client.get(f"/schedule/?day={day}&view=week").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_days_outside_1900_to_2199_are_refused(client, practitioner, day):
    course = make_course(practitioner=practitioner)
    plan = valid_course(type("R", (), {"practitioner": practitioner.id})()) | {"start_on": day}
    response = client.post(f"/courses/new?patient_id={course.patient_id}", data=plan)
    assert b"Enter a date between 1900 and 2199." in response.data
    proposal = client.get(f"/courses/{course.id}/book?first_day={day}&at_time=10:00"
                          "&duration=45")
    assert proposal.status_code == 200
    assert b"Enter a date between 1900 and 2199." in proposal.data
    booking = client.post(f"/courses/{course.id}/book", data={
        "duration": "45", "sessions-0-include": "y", "sessions-0-day": day,
        "sessions-0-at_time": "10:00"})
    assert booking.status_code == 200
    assert count(Course) == 1 and count(Appointment) == 0
    assert client.get(f"/courses/{course.id}/book").status_code == 200


def test_the_last_bookable_day_still_books(client, practitioner):
    course = make_course(practitioner=practitioner)
    day = next_weekday(30)
    response = client.post(f"/courses/{course.id}/book", data={
        "duration": "45", "sessions-0-include": "y", "sessions-0-day": str(day),
        "sessions-0-at_time": "10:00"})
    assert response.status_code == 302 and count(Appointment) == 1


# --- JSON bodies ------------------------------------------------------------------------------

def test_a_json_body_is_refused_before_any_form_reads_it(client, admin):
    course = make_course()
    response = client.post(f"/patients/{course.patient_id}/payments/new", json={
        "payer": "patient", "amount": ["40"], "method": "card",
        "received_on": "2026-03-05"})
    assert response.status_code == 415  # a list in a form field was a 500
    assert count(Payment) == 0
