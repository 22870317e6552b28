"""The hostile-input forms of the clinical, portal and billing pages (see hostile.py).

Valid submissions read the records' current versions when they are sent, so a form that
was accepted once (a version bumped) stays valid for the next attempt.
"""

from datetime import timedelta

import sqlalchemy as sa

from tests.security.world import ADMIN, ANONYMOUS, PATIENT, PRACTITIONER
from tracker.db import utcnow
from tracker.extensions import db


def _version(model, record_id):
    return str(db.session.get(model, record_id, populate_existing=True).version)


def course_version(records):
    from tracker.treatments.models import Course

    return _version(Course, records.course)


def appointment_version(records):
    from tracker.treatments.models import Appointment

    return _version(Appointment, records.booked_appointment)


def missed_version(records):
    from tracker.treatments.models import Appointment

    return _version(Appointment, records.missed_appointment)


def visit_version(records, visit_id):
    from tracker.treatments.models import Visit

    return _version(Visit, visit_id)


def _newest(model, records):
    return db.session.scalar(sa.select(sa.func.max(model.id)).where(
        model.patient_id == records.patient))


def newest_course_page(records):
    from tracker.treatments.models import Course

    return f"/courses/{_newest(Course, records)}"


def newest_appointment_page(records):
    from tracker.treatments.models import Appointment

    return f"/appointments/{_newest(Appointment, records)}"


def booked_visit_page(records):
    from tracker.treatments.models import Appointment

    visit = db.session.get(Appointment, records.booked_appointment,
                           populate_existing=True).visit
    return f"/visits/{visit.id}" if visit else f"/appointments/{records.booked_appointment}"


def course_page(records):
    return f"/courses/{records.course}"


def patient_page(records):
    return f"/patients/{records.patient}"


def next_weekday(days_ahead=7):
    day = (utcnow() + timedelta(days=days_ahead)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


COURSE_FIELDS = ("practitioner_id", "diagnosis_code", "region", "planned_sessions",
                 "frequency", "start_on", "goal", "baseline_pain", "baseline_peg_enjoyment",
                 "baseline_peg_activity")


def valid_course(records):
    return {"practitioner_id": str(records.practitioner), "diagnosis_code": "M54.41",
            "region": "sciatica", "planned_sessions": "8", "frequency": "2x3,1",
            "start_on": str(next_weekday()), "goal": "Garden for an hour",
            "baseline_pain": "7", "baseline_peg_enjoyment": "6", "baseline_peg_activity": "5"}


def valid_series(records):
    first = next_weekday(14)
    second = next_weekday((first - utcnow().date()).days + 1)
    return {"duration": "45", "sessions-0-include": "y", "sessions-0-day": str(first),
            "sessions-0-at_time": "11:00", "sessions-1-include": "y",
            "sessions-1-day": str(second), "sessions-1-at_time": "11:00"}


def valid_appointment(records):
    return {"practitioner_id": str(records.practitioner), "course_id": str(records.course),
            "starts_on": str(next_weekday(21)), "at_time": "15:00", "duration": "45",
            "notes": "Parking at the back"}


VISIT_FIELDS = ("pain_before", "pain_after", "techniques", "points-0-code",
                "points-0-selected", "points-0-side", "points-0-override_reason",
                "ashi_points-0-location", "ashi_points-0-side", "needles_in", "needles_out",
                "retention_minutes", "face_to_face_minutes", "adverse_events",
                "adverse_event_notes", "estim_override_reason", "estim_pacemaker_confirmed",
                "subjective", "home_plan", "version", "action")
#: objective, assessment and plan are the same kind of field as subjective: attacked only
#: in the HTML check, which fills every text field at once
VISIT_TEXT = ("adverse_event_notes", "subjective", "objective", "assessment", "plan",
              "home_plan")
VALID_VISIT = {"pain_before": "6", "pain_after": "4", "techniques": "manual",
               "points-0-code": "BL23", "points-0-selected": "y", "points-0-side": "both",
               "ashi_points-0-location": "Left of L4", "ashi_points-0-side": "left",
               "needles_in": "8", "needles_out": "8", "retention_minutes": "20",
               "face_to_face_minutes": "15", "subjective": "Better mornings",
               "action": "save"}


def valid_visit(records):
    from tracker.treatments.models import Appointment

    visit = db.session.get(Appointment, records.booked_appointment,
                           populate_existing=True).visit
    return VALID_VISIT | {"version": str(visit.version) if visit else ""}


AMEND_FIELDS = ("pain_before", "pain_after", "retention_minutes", "face_to_face_minutes",
                "adverse_events", "adverse_event_notes", "subjective", "reason", "version")


def valid_amendment(records):
    return {"pain_before": "6", "pain_after": "3", "retention_minutes": "20",
            "face_to_face_minutes": "15", "subjective": "Corrected history",
            "reason": "Typo in the score", "version": visit_version(records, records.visit)}


def versioned(**values):
    """Valid data for a form on the course plus the course's current version."""
    return lambda records: values | {"version": course_version(records)}


POLICY_FIELDS = ("payer_name", "member_id", "group_number", "is_medicare",
                 "plan_year_start_month", "copay_cents", "coinsurance_percent",
                 "deductible_cents", "deductible_met_cents", "visits_used_before",
                 "reported_on", "visit_limit", "authorization_number", "authorized_visits",
                 "authorization_starts_on", "authorization_expires_on", "notes", "active")
VALID_POLICY = {"payer_name": "Harbor Mutual", "member_id": "HM-1", "group_number": "G7",
                "plan_year_start_month": "1", "coinsurance_percent": "20",
                "deductible_cents": "500.00", "deductible_met_cents": "0",
                "reported_on": "2026-01-05", "notes": "Called on Monday", "active": "y"}


def form(name, role, url, fields, **options):
    from tests.security.hostile import HostileForm

    return HostileForm(name, role, url, tuple(fields), **options)


def clinical_forms():
    return [
        form("course plan", PRACTITIONER, lambda r: f"/courses/new?patient_id={r.patient}",
             COURSE_FIELDS, valid=valid_course, shown_at=newest_course_page,
             text_fields=("goal",)),
        form("course edit", PRACTITIONER, lambda r: f"/courses/{r.course}/edit",
             (*COURSE_FIELDS, "version"), shown_at=course_page, text_fields=("goal",),
             valid=lambda r: valid_course(r) | {"version": course_version(r)}),
        form("calendar address", PRACTITIONER, lambda r: "/schedule/calendar", ("version",),
             valid={"version": ""}, names_patient=False),
        form("course extend", PRACTITIONER, lambda r: f"/courses/{r.course}/extend",
             ("planned_sessions", "version"), valid=versioned(planned_sessions="10")),
        form("course complete", PRACTITIONER, lambda r: f"/courses/{r.course}/complete",
             ("discharge_pain", "discharge_notes", "version"), shown_at=course_page,
             valid=versioned(discharge_pain="2", discharge_notes="Back to work"),
             text_fields=("discharge_notes",)),
        form("course discontinue", PRACTITIONER,
             lambda r: f"/courses/{r.course}/discontinue", ("reason", "version"),
             valid=versioned(reason="Moved away"), shown_at=course_page,
             text_fields=("reason",)),
        form("series proposal", PRACTITIONER, lambda r: f"/courses/{r.course}/book",
             ("first_day", "at_time", "duration"), method="GET",
             valid=lambda r: {"first_day": str(next_weekday(14)), "at_time": "11:00",
                              "duration": "45"}),
        form("series booking", PRACTITIONER, lambda r: f"/courses/{r.course}/book",
             ("duration", "sessions-0-include", "sessions-0-day", "sessions-0-at_time",
              "sessions-1-day", "sessions-59-day", "sessions-99999999999999999999-day"),
             valid=valid_series),
        form("new appointment", ADMIN, lambda r: f"/appointments/new?patient_id={r.patient}",
             ("practitioner_id", "course_id", "starts_on", "at_time", "duration", "notes"),
             valid=valid_appointment, shown_at=newest_appointment_page,
             text_fields=("notes",)),
        form("reschedule", ADMIN, lambda r: f"/appointments/{r.booked_appointment}/reschedule",
             ("starts_on", "at_time", "duration", "version"),
             valid=lambda r: {"starts_on": str(next_weekday(28)), "at_time": "09:30",
                              "duration": "45", "version": appointment_version(r)}),
        form("cancel appointment", ADMIN,
             lambda r: f"/appointments/{r.booked_appointment}/cancel", ("reason", "version"),
             valid=lambda r: {"reason": "Snow day", "version": appointment_version(r)},
             shown_at=lambda r: f"/appointments/{r.booked_appointment}",
             text_fields=("reason",)),
        form("no-show", ADMIN, lambda r: f"/appointments/{r.missed_appointment}/no-show",
             ("version",), valid=lambda r: {"version": missed_version(r)}),
        form("visit record", PRACTITIONER,
             lambda r: f"/appointments/{r.booked_appointment}/visit", VISIT_FIELDS,
             valid=valid_visit, shown_at=booked_visit_page, text_fields=VISIT_TEXT),
        form("visit sign", PRACTITIONER, lambda r: f"/visits/{r.draft_visit}/sign",
             ("version",), valid=lambda r: {"version": visit_version(r, r.draft_visit)}),
        form("amendment", PRACTITIONER, lambda r: f"/visits/{r.visit}/amend", AMEND_FIELDS,
             valid=valid_amendment, shown_at=lambda r: f"/visits/{r.visit}",
             text_fields=("reason", "subjective", "objective", "plan")),
        form("schedule filters", PRACTITIONER, lambda r: "/schedule/",
             ("day", "view", "practitioner"), method="GET"),
        form("portal check-in", PATIENT, lambda r: "/portal/checkin",
             ("pain", "peg_enjoyment", "peg_activity", "side_effects"),
             valid={"pain": "4", "peg_enjoyment": "3", "peg_activity": "3",
                    "side_effects": "bruising"}),
        form("progress JSON", PATIENT, lambda r: f"/api/courses/{r.course}/progress",
             ("since", "format"), method="GET"),
    ]


def reminder_forms():
    return [
        form("outbox filters", ADMIN, lambda r: "/admin/reminders", ("status", "kind", "page"),
             method="GET"),
        form("reminder retry", ADMIN, lambda r: f"/admin/reminders/{r.reminder}/retry",
             ("status", "reminder_id")),
        form("emailed check-in", ANONYMOUS, lambda r: f"/checkin/{r.checkin_link}",
             ("pain", "peg_enjoyment", "peg_activity", "side_effects"),
             valid={"pain": "3", "side_effects": "soreness"}),
        form("unsubscribe", ANONYMOUS, lambda r: f"/unsubscribe/{r.unsubscribe_link}",
             ("List-Unsubscribe", "patient_id"), valid={"List-Unsubscribe": "One-Click"},
             accepted_with=(200,)),
    ]


def billing_forms():
    patient_form = "/patients/{}/{}/new".format
    return [
        form("payment", ADMIN, lambda r: patient_form(r.patient, "payments"),
             ("payer", "amount", "method", "received_on", "reference",
              "insurance_policy_id", "course_id", "visit_id"),
             valid=lambda r: {"payer": "insurer", "amount": "40.00", "method": "eft",
                              "received_on": "2026-03-05", "reference": "EFT 77",
                              "insurance_policy_id": str(r.policy), "course_id": "0",
                              "visit_id": "0"},
             shown_at=patient_page, text_fields=("reference",)),
        form("adjustment", ADMIN, lambda r: patient_form(r.patient, "adjustments"),
             ("kind", "side", "amount", "adjusted_on", "reason", "course_id", "visit_id"),
             valid={"kind": "write_off", "side": "patient", "amount": "1.00",
                    "adjusted_on": "2026-03-05", "reason": "Goodwill", "course_id": "0",
                    "visit_id": "0"},
             shown_at=patient_page, text_fields=("reason",)),
        form("package", ADMIN, lambda r: patient_form(r.patient, "packages"),
             ("sessions_total", "price", "sold_on", "expires_on"),
             valid={"sessions_total": "5", "price": "350", "sold_on": "2026-03-01",
                    "expires_on": "2026-12-31"}),
        form("charge", ADMIN, lambda r: patient_form(r.patient, "charges"),
             ("code", "units", "service_on", "visit_id"),
             valid={"code": "97810", "units": "1", "service_on": "2026-03-02",
                    "visit_id": "0"}),
        form("new policy", ADMIN, lambda r: patient_form(r.patient, "policies"),
             POLICY_FIELDS, valid=VALID_POLICY, shown_at=patient_page,
             text_fields=("payer_name", "member_id")),
        # the same form as a new policy: its fields are attacked there
        form("edit policy", PRACTITIONER, lambda r: f"/policies/{r.policy}/edit",
             ("payer_name", "copay_cents", "coinsurance_percent", "deductible_met_cents",
              "authorization_expires_on", "notes"), valid=VALID_POLICY,
             shown_at=lambda r: f"/policies/{r.policy}/edit",
             text_fields=("payer_name", "member_id", "group_number", "notes")),
        form("course policy", ADMIN, lambda r: f"/courses/{r.course}/policy",
             ("insurance_policy_id",), valid=lambda r: {"insurance_policy_id": str(r.policy)}),
        form("fee", ADMIN, lambda r: f"/admin/fees/{r.fee_code}",
             ("description", "price", "insurable", "active"),
             valid={"description": "Acupuncture, 15 min", "price": "75.00", "insurable": "y",
                    "active": "y"}, shown_at=lambda r: "/admin/fees",
             text_fields=("description",), names_patient=False),
        form("practitioner ids", ADMIN,
             lambda r: f"/admin/practitioners/{r.practitioner}/billing-ids",
             ("npi", "license_number"), valid={"npi": "1234567893", "license_number": "L-9"},
             shown_at=lambda r: "/admin/fees", text_fields=("license_number",),
             names_patient=False),
        form("superbill dates", ADMIN, lambda r: f"/courses/{r.course}/superbill",
             ("from", "to"), method="GET"),
        form("finance report", ADMIN, lambda r: "/billing/", ("from", "to", "practitioner"),
             method="GET"),
        form("finance export", ADMIN, lambda r: "/billing/report.csv",
             ("from", "to", "practitioner"), method="GET"),
    ]
