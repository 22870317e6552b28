from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.factories import make_appointment, make_course, make_patient, make_user
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import Appointment
from tracker.treatments.signals import booking_warnings

MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


@pytest.fixture
def practitioner(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user


def appointment_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))


def series_data(rows, duration="45"):
    data = {"duration": duration}
    for index, (day, at_time, include) in enumerate(rows):
        data[f"sessions-{index}-day"] = day
        data[f"sessions-{index}-at_time"] = at_time
        if include:
            data[f"sessions-{index}-include"] = "y"
    return data


def test_booking_proposes_the_series_from_the_frequency_with_warnings(client, practitioner):
    course = make_course(planned_sessions=8, frequency="2x3,1", status="planned")

    def warn(sender, course, starts_at):
        return [f"Insurance allows 6 visits; {len(starts_at)} proposed."]

    with booking_warnings.connected_to(warn):
        page = client.get(f"/courses/{course.id}/book?first_day=2026-03-02&at_time=10:00"
                          "&duration=45")
    assert page.status_code == 200
    assert b"Insurance allows 6 visits; 8 proposed." in page.data
    for day in ("2026-03-02", "2026-03-05", "2026-03-09", "2026-03-23", "2026-03-30"):
        assert f'value="{day}"'.encode() in page.data
    assert b'id="sessions-7-at_time"' in page.data and b"sessions-8-" not in page.data
    assert page.data.count(b'value="10:00"') == 9  # the proposal form and its 8 rows
    assert appointment_count() == 0  # proposing writes nothing


def test_confirming_books_the_ticked_sessions(client, practitioner):
    course = make_course(planned_sessions=8)
    response = client.post(f"/courses/{course.id}/book", data=series_data([
        ("2026-03-02", "10:00", True), ("2026-03-05", "10:00", True),
        ("2026-03-09", "11:30", True), ("2026-03-12", "10:00", False)]))
    assert response.status_code == 302
    starts = db.session.scalars(sa.select(Appointment.starts_at).order_by(
        Appointment.starts_at)).all()
    assert starts == [datetime(2026, 3, 2, 15, tzinfo=UTC), datetime(2026, 3, 5, 15, tzinfo=UTC),
                      datetime(2026, 3, 9, 15, 30, tzinfo=UTC)]  # EDT from March 8


def test_an_overlapping_booking_is_refused_and_nothing_is_booked(client, practitioner):
    course = make_course(practitioner=practitioner)
    make_appointment(make_course(practitioner=practitioner), starts_at=MONDAY_9AM)
    response = client.post(f"/courses/{course.id}/book", data=series_data([
        ("2026-03-02", "09:30", True), ("2026-03-05", "10:00", True)]))
    assert response.status_code == 422
    assert b"already has an appointment" in response.data
    assert b"nothing was booked" in response.data
    assert appointment_count() == 1


def test_a_booking_outside_clinic_hours_is_refused(client, practitioner):
    course = make_course()
    response = client.post(f"/courses/{course.id}/book", data=series_data([
        ("2026-03-02", "10:00", True), ("2026-03-07", "10:00", True),
        ("2026-03-09", "17:45", True)]))
    assert response.status_code == 422
    assert response.data.count(b"is outside clinic hours") == 2
    assert appointment_count() == 0


@pytest.mark.parametrize("field,value,message", [
    ("sessions-0-day", "", b"Enter a date"),
    ("sessions-0-at_time", "25:00", b"Enter a time"),
    ("duration", "7.5", b"Duration must be a whole number from 15 to 180."),
    ("duration", "", b"Enter the duration in minutes."),
])
def test_bad_series_rows(client, practitioner, field, value, message):
    course = make_course()
    data = series_data([("2026-03-02", "10:00", True)]) | {field: value}
    response = client.post(f"/courses/{course.id}/book", data=data)
    assert message in response.data
    assert appointment_count() == 0


def valid_single(course, **overrides):
    return {"practitioner_id": str(course.practitioner_id), "course_id": str(course.id),
            "starts_on": "2026-03-03", "at_time": "14:00", "duration": "45",
            "notes": ""} | overrides


def test_book_a_single_appointment(client, practitioner):
    course = make_course()
    response = client.post(f"/appointments/new?patient_id={course.patient_id}",
                           data=valid_single(course))
    assert response.status_code == 302
    appointment = db.session.scalar(sa.select(Appointment))
    assert appointment.starts_at == datetime(2026, 3, 3, 19, tzinfo=UTC)
    page = client.get(response.headers["Location"])
    assert b"Session 1 of 8" in page.data and b"Download .ics" in page.data


@pytest.mark.parametrize("overrides,message", [
    ({"at_time": "07:30"}, b"outside clinic hours"),
    ({"starts_on": "2026-03-08"}, b"outside clinic hours"),
    ({"at_time": "14:30"}, b"already has an appointment"),
    ({"starts_on": ""}, b"Enter a date"),
    ({"duration": "500"}, b"Duration must be a whole number from 15 to 180."),
    ({"course_id": "9999"}, b"Not a valid choice"),
])
def test_bad_single_bookings_write_nothing(client, practitioner, overrides, message):
    course = make_course()
    make_appointment(make_course(practitioner=course.practitioner),
                     starts_at=datetime(2026, 3, 3, 19, tzinfo=UTC))
    response = client.post(f"/appointments/new?patient_id={course.patient_id}",
                           data=valid_single(course, **overrides))
    assert message in response.data
    assert appointment_count() == 1


def test_reschedule(client, practitioner):
    appointment = make_appointment(starts_at=MONDAY_9AM)
    data = {"starts_on": "2026-03-02", "at_time": "06:00", "duration": "45",
            "version": str(appointment.version)}
    response = client.post(f"/appointments/{appointment.id}/reschedule", data=data)
    assert response.status_code == 422 and b"outside clinic hours" in response.data
    data["at_time"] = "11:00"
    assert client.post(f"/appointments/{appointment.id}/reschedule",
                       data=data).status_code == 302
    db.session.refresh(appointment)
    assert appointment.starts_at == MONDAY_9AM + timedelta(hours=2)


def test_reschedule_with_a_stale_version_is_a_conflict(client, practitioner):
    appointment = make_appointment(starts_at=MONDAY_9AM)
    data = {"starts_on": "2026-03-02", "at_time": "11:00", "duration": "45",
            "version": str(appointment.version - 1)}
    response = client.post(f"/appointments/{appointment.id}/reschedule", data=data)
    assert response.status_code == 409 and b"Someone else changed" in response.data


def test_cancel_needs_a_reason(client, practitioner):
    appointment = make_appointment()
    response = client.post(f"/appointments/{appointment.id}/cancel",
                           data={"reason": " ", "version": str(appointment.version)})
    assert b"Give a reason for cancelling." in response.data
    client.post(f"/appointments/{appointment.id}/cancel",
                data={"reason": "Snow day", "version": str(appointment.version)})
    db.session.refresh(appointment)
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Snow day")


def test_no_show_only_after_the_start(client, practitioner):
    future = make_appointment(starts_at=utcnow() + timedelta(days=3))
    response = client.post(f"/appointments/{future.id}/no-show",
                           data={"version": str(future.version)})
    assert response.status_code == 422 and b"once its time has come" in response.data
    past = make_appointment(starts_at=MONDAY_9AM)
    client.post(f"/appointments/{past.id}/no-show", data={"version": str(past.version)})
    db.session.refresh(past)
    assert past.status == "no_show"


def test_day_schedule_in_clinic_time(client, practitioner):
    mine = make_appointment(make_course(practitioner=practitioner,
                                        patient=make_patient(last_name="Mine")),
                            starts_at=MONDAY_9AM)
    make_appointment(make_course(patient=make_patient(last_name="Colleagues")),
                     starts_at=MONDAY_9AM)
    page = client.get("/schedule/?day=2026-03-02")
    assert page.status_code == 200
    assert b"09:00 EST" in page.data and b"Mine" in page.data
    assert b"Colleagues" not in page.data  # a practitioner sees their own day by default
    assert b"Colleagues" in client.get("/schedule/?day=2026-03-02&practitioner=all").data
    assert b"Mine" not in client.get("/schedule/?day=2026-03-03").data
    assert f"/appointments/{mine.id}/visit".encode() in page.data


def test_week_schedule_and_admins(client, login):
    appointment = make_appointment(starts_at=MONDAY_9AM + timedelta(days=2))
    login(make_user(Role.ADMIN))
    page = client.get("/schedule/?day=2026-03-05&view=week")
    assert b"Week of Mon 02 Mar 2026" in page.data
    assert appointment.patient.last_name.encode() in page.data
    assert b"Clinic closed." in page.data  # the weekend
    assert client.get("/schedule/?day=nonsense").status_code == 200


def test_calendar_feed(client, practitioner):
    appointment = make_appointment(make_course(practitioner=practitioner),
                                   starts_at=utcnow() + timedelta(days=1))
    assert b"no calendar address yet" in client.get("/schedule/calendar").data
    page = client.post("/schedule/calendar", follow_redirects=True)
    token = page.data.split(b"/calendar/")[1].split(b".ics")[0].decode()
    client.post("/logout")
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == [
        f"Acupuncture: {appointment.patient.full_name}"]
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_a_new_feed_address_retires_the_old(client, login):
    from tracker.treatments.feeds import feed_owner, regenerate_feed
    user = make_user(Role.PRACTITIONER)
    old = regenerate_feed(user)
    new = regenerate_feed(user)
    db.session.commit()
    assert feed_owner(old) is None and feed_owner(new) == user
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
