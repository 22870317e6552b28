from icalendar import Calendar

from tests.factories import make_appointment, make_patient_user, make_user
from tracker.auth.models import Role


def test_patient_downloads_their_appointment(client, login):
    appointment = make_appointment()
    user = make_patient_user(appointment.patient)
    login(user)
    response = client.get(f"/appointments/{appointment.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at
    assert "Acupuncture appointment" in str(event["summary"])
    assert appointment.patient.last_name not in str(event["summary"])


def test_another_patients_appointment_is_404(client, login):
    mine, theirs = make_appointment(), make_appointment()
    login(make_patient_user(mine.patient))
    assert client.get(f"/appointments/{theirs.id}.ics").status_code == 404


def test_staff_calendar_names_the_patient(client, login):
    appointment = make_appointment()
    login(make_user(Role.ADMIN))
    event = Calendar.from_ical(client.get(f"/appointments/{appointment.id}.ics").data)
    assert appointment.patient.last_name in str(event.walk("VEVENT")[0]["summary"])
