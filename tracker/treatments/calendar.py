"""iCalendar (.ics) files for appointments, for patients' and practitioners' calendars."""

from datetime import timedelta

from icalendar import Calendar, Event

from tracker.db import utcnow

PRODUCT_ID = "-//Meridian//Acupuncture clinic//EN"
STATUS = {"booked": "CONFIRMED", "completed": "CONFIRMED", "cancelled": "CANCELLED",
          "no_show": "CANCELLED"}


def appointment_uid(appointment, domain="meridian.clinic"):
    return f"appointment-{appointment.id}@{domain}"


def appointment_event(appointment, *, clinic_name, location="", for_practitioner=False):
    """One VEVENT; the summary names only what its reader needs to know."""
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("dtstamp", utcnow())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
    if for_practitioner:
        event.add("summary", f"Acupuncture: {appointment.patient.full_name}")
    else:
        event.add("summary", f"Acupuncture appointment at {clinic_name}")
    if location:
        event.add("location", location)
    event.add("status", STATUS.get(appointment.status, "CONFIRMED"))
    event.add("sequence", appointment.version or 0)
    return event


def calendar_bytes(appointments, *, clinic_name, location="", for_practitioner=False,
                   name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(appointment_event(
            appointment, clinic_name=clinic_name, location=location,
            for_practitioner=for_practitioner))
    return calendar.to_ical()
