"""Small factories with sensible defaults; pass keyword overrides for what a test cares about.

Each factory commits, so what it makes is visible to requests from the test client.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import count

from tracker.auth.models import Role
from tracker.auth.services import create_user
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient

PASSWORD = "correct horse battery staple"
_sequence = count(1)


def make_user(role=Role.PRACTITIONER, *, patient=None, **overrides):
    number = next(_sequence)
    values = {"email": f"{role}{number}@example.org", "name": f"{role.title()} {number}",
              "password": PASSWORD} | overrides
    user = create_user(role=role, patient=patient, **values)
    db.session.commit()
    return user


def make_patient(**overrides):
    number = next(_sequence)
    values = {
        "first_name": "Alex", "last_name": f"Patient{number}",
        "date_of_birth": date(1980, 5, 17), "email": f"patient{number}@example.net",
        "phone": "+1 555 010 2000", "timezone": "America/New_York",
    } | overrides
    patient = Patient(**values)
    db.session.add(patient)
    db.session.commit()
    return patient


def make_patient_user(patient=None, **overrides):
    """A patient record with a portal login; returns the user (its `.patient` is the record)."""
    patient = patient or make_patient()
    return make_user(Role.PATIENT, patient=patient, email=patient.email, **overrides)


def make_course(patient=None, practitioner=None, **overrides):
    from tracker.treatments.models import Course

    patient = patient or make_patient(consent_signed_at=utcnow(), consent_version="2026-01")
    practitioner = practitioner or make_user(Role.PRACTITIONER)
    values = {
        "patient_id": patient.id, "practitioner_id": practitioner.id,
        "diagnosis_code": "M54.50", "diagnosis_label": "Low back pain, unspecified",
        "region": "lumbar", "planned_sessions": 8, "frequency": "2x3,1",
        "start_on": date(2026, 3, 2), "baseline_pain": 7, "status": "active",
    } | overrides
    course = Course(**values)
    db.session.add(course)
    db.session.commit()
    return course


def make_appointment(course=None, *, starts_at=None, **overrides):
    from tracker.treatments.models import Appointment

    course = course if course is not None else make_course()
    values = {
        "patient_id": course.patient_id, "practitioner_id": course.practitioner_id,
        "course_id": course.id, "duration_minutes": 45,
        "starts_at": starts_at or datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
    } | overrides
    appointment = Appointment(**values)
    db.session.add(appointment)
    db.session.commit()
    return appointment


def make_visit(appointment=None, *, signed=True, **overrides):
    """A visit record; signed by default, numbered after the course's earlier visits."""
    from tracker.treatments.models import Visit

    appointment = appointment or make_appointment()
    course = appointment.course
    values = {
        "appointment_id": appointment.id, "patient_id": appointment.patient_id,
        "practitioner_id": appointment.practitioner_id, "course_id": appointment.course_id,
        "pain_before": 6, "pain_after": 4, "techniques": ["manual"], "needles_in": 10,
        "needles_out": 10, "retention_minutes": 20, "face_to_face_minutes": 15,
    } | overrides
    if signed:
        values.setdefault("signed_at", appointment.starts_at + timedelta(hours=1))
        values.setdefault("signed_by_id", appointment.practitioner_id)
        if course is not None:
            values.setdefault("session_number", len([v for v in course.visits
                                                     if v.session_number]) + 1)
        appointment.status = "completed"
    visit = Visit(**values)
    db.session.add(visit)
    db.session.commit()
    return visit


def make_checkin(course, *, pain=4, recorded_at=None, **overrides):
    from tracker.treatments.models import PainCheckin

    values = {"patient_id": course.patient_id, "course_id": course.id, "pain": pain,
              "source": "portal",
              "recorded_at": recorded_at or datetime(2026, 3, 5, 18, 0, tzinfo=UTC)} | overrides
    checkin = PainCheckin(**values)
    db.session.add(checkin)
    db.session.commit()
    return checkin


def make_scored_course(pains_before, *, pains_after=None, first_at=None, every=timedelta(days=3),
                       **course_overrides):
    """A course with one signed visit per score in `pains_before`, `every` apart.

    `pains_after` defaults to one point below each score before.
    """
    course = make_course(**course_overrides)
    first_at = first_at or datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    pains_after = pains_after or [max(pain - 1, 0) for pain in pains_before]
    for index, (before, after) in enumerate(zip(pains_before, pains_after, strict=True)):
        appointment = make_appointment(course, starts_at=first_at + index * every)
        make_visit(appointment, pain_before=before, pain_after=after)
    db.session.refresh(course)
    return course


# --- Billing -----------------------------------------------------------------------------

def make_policy(patient, **overrides):
    """An insurance policy: by default $500 deductible not yet met, 20 % coinsurance."""
    from tracker.billing.models import InsurancePolicy

    values = {
        "patient_id": patient.id, "payer_name": "Blue Harbor Health", "member_id": "BHH123456",
        "group_number": "G-100", "deductible_cents": 50000, "deductible_met_cents": 0,
        "coinsurance_percent": 20, "reported_on": date(2026, 1, 5),
    } | overrides
    policy = InsurancePolicy(**values)
    db.session.add(policy)
    db.session.commit()
    return policy


def bill_course_to(course, policy):
    from tracker.billing.models import CoursePolicy

    db.session.add(CoursePolicy(course_id=course.id, insurance_policy_id=policy.id))
    db.session.commit()


def make_package(patient, **overrides):
    """Five prepaid sessions for $350, sold through the service so the sale is charged."""
    from tracker.billing.services import sell_package

    values = {"sessions_total": 5, "price_cents": 35000, "sold_on": date(2026, 2, 20)} | overrides
    package = sell_package(patient, **values)
    db.session.commit()
    return package


def sign_and_charge(appointment=None, **overrides):
    """A signed visit whose `visit_signed` signal has run (so billing has charged it)."""
    from tracker.treatments.signals import visit_signed

    visit = make_visit(appointment, **overrides)
    visit_signed.send(visit)
    db.session.commit()
    return visit


def make_signed_course(sessions=3, *, planned_sessions=8, first=None, **overrides):
    """A course with `sessions` signed visits on consecutive weekdays at 09:00 New York."""
    course = make_course(planned_sessions=max(planned_sessions, sessions), **overrides)
    day = first or datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    for number in range(sessions):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        pain = max(7 - number // 2, 0)
        make_visit(make_appointment(course, starts_at=day), pain_before=pain,
                   pain_after=max(pain - 2, 0), session_number=number + 1)
        day += timedelta(days=1)
    db.session.refresh(course)
    return course


def make_reminder(patient=None, **overrides):
    """An outbox row; pending and due at 2026-03-01 09:00 UTC unless told otherwise."""
    from tracker.reminders.models import Reminder

    patient = patient or make_patient()
    due_at = overrides.pop("due_at", datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    values = {"dedupe_key": f"test:{next(_sequence)}", "kind": "appointment",
              "patient_id": patient.id, "due_at": due_at, "next_attempt_at": due_at,
              "status": "pending"} | overrides
    reminder = Reminder(**values)
    db.session.add(reminder)
    db.session.commit()
    return reminder
