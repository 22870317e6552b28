"""The small clinic every listed page is shown with: `make_world()`.

Names are fixed. Dates hang off the Monday of the current clinic week, so that the course
history is always in the past and the next sessions always ahead, whatever day the tests
run; screenshots then change at most once a week (and pages showing the time a record
was made, such as the audit trail, on every run).

The clinical records go through the real services (booking, signing, amending, check-ins,
payments), so charges, balances and everything the signals add exist as in the clinic.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tests.factories import (
    make_appointment,
    make_course,
    make_patient,
    make_patient_user,
    make_reminder,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.billing import policies
from tracker.billing.ledger import Payer
from tracker.billing.services import record_payment, set_practitioner_ids
from tracker.clinic.services import update_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.jobs import send_due
from tracker.reminders.models import CheckinPurpose, ReminderKind, ReminderStatus
from tracker.reminders.tokens import issue_checkin_token, signed_checkin_token, unsubscribe_token
from tracker.treatments import feeds, visits
from tracker.treatments.catalogue import ASHI, DIAGNOSIS_LABELS
from tracker.treatments.checkins import record_checkin
from tracker.treatments.models import CheckinSource, CourseStatus
from tracker.treatments.safety import PointChoice
from tracker.treatments.scheduling import book_appointment, book_series, clinic_instant
from tracker.treatments.view_helpers import local_today


@dataclass
class World:
    """A small, fixed clinic: the same names every run, so screenshots stay stable."""

    admin: object
    practitioner: object
    patient_user: object
    patient: object
    new_patient: object
    course: object
    #: the course's next booked session (after this week)
    appointment: object = None
    #: the course's second visit, signed and then amended
    amended_visit: object = None
    #: Tom Brennan's course, planned and not booked yet
    planned_course: object = None
    policy: object = None
    #: the Monday of next week, when the schedule is full
    next_monday: date = None
    #: Grace's emailed check-in link and unsubscribe link (paths)
    checkin_path: str = ""
    unsubscribe_path: str = ""
    others: list = field(default_factory=list)

    def user_for(self, role):
        return {"admin": self.admin, "practitioner": self.practitioner,
                "patient": self.patient_user}[role]


CONSENTED = {"consent_signed_at": datetime(2026, 1, 12, 15, 30, tzinfo=UTC),
             "consent_version": "2026-01"}

CLINIC = {
    "clinic.name": "Harbor Acupuncture & Back Care",
    "clinic.address": "120 Harbor Street, Suite 4, Portland, ME 04101",
    "clinic.phone": "+1 207 555 0142",
    "clinic.email": "frontdesk@example.com",
    "clinic.npi": "1457938623",
    "clinic.tax_id": "01-0845123",
}

OTHER_PATIENTS = [
    ("Aisha", "Bello", date(1968, 11, 2), "+1 207 555 0117", {"takes_anticoagulants": True}),
    ("Tom", "Brennan", date(1990, 7, 23), "+1 207 555 0164", {}),
    ("Priya", "Raman", date(1988, 2, 9), "+1 207 555 0138",
     {"is_pregnant": True, "pregnancy_due_on": date(2026, 8, 14)}),
    ("Daniel", "Kowalski", date(1955, 4, 30), "+1 207 555 0192", {"has_pacemaker": True}),
    ("Mei", "Zhang", date(1979, 12, 5), "+1 207 555 0125", {}),
    ("Carlos", "Silva", date(1971, 6, 18), "+1 207 555 0173", {"is_immunocompromised": True}),
]

#: Grace's course: days from this week's Monday of each session, and the pain scores of
#: the signed ones (before, after); the rest are booked ahead
SESSION_DAYS = [-14, -10, -7, -3, 7, 10, 14, 21]
SIGNED_PAINS = [(7, 5), (6, 4), (5, 3), (4, 2)]
CHECKINS = [(-12, 6, CheckinSource.PORTAL), (-5, 4, CheckinSource.EMAIL)]
#: one-off appointments that fill next week's schedule: (patient index, day, hour)
ONE_OFFS = [(0, 0, 10), (4, 0, 14), (5, 1, 9), (2, 2, 11), (0, 4, 15)]
MORNING = time(9, 0)


def make_world():
    """Staff, a patient with a portal login and a course under way, and a few more patients."""
    assert not update_settings(CLINIC)
    db.session.commit()
    admin = make_user(Role.ADMIN, email="dana@example.com", name="Dana Whitfield")
    practitioner = make_user(Role.PRACTITIONER, email="lin@example.com",
                             name="Dr. Lin Chen, L.Ac.")
    patient = make_patient(
        first_name="Grace", last_name="Osei", date_of_birth=date(1975, 3, 2),
        email="grace.osei@example.net", phone="+1 207 555 0101",
        preferred_practitioner_id=practitioner.id, takes_anticoagulants=True,
        safety_notes="Prefers side-lying; dizzy after long retention.", **CONSENTED)
    patient_user = make_patient_user(patient, name="Grace Osei")
    new_patient = make_patient(first_name="Omar", last_name="Haddad",
                               date_of_birth=date(1983, 9, 14), email="omar.haddad@example.net",
                               phone="+1 207 555 0150", reminder_opt_in=False)
    others = [make_patient(first_name=first, last_name=last, date_of_birth=born, phone=phone,
                           email=f"{first}.{last}@example.net".lower(), **CONSENTED | flags)
              for first, last, born, phone, flags in OTHER_PATIENTS]
    monday = local_today() - timedelta(days=local_today().weekday())
    world = World(admin=admin, practitioner=practitioner, patient_user=patient_user,
                  patient=patient, new_patient=new_patient, others=others,
                  course=None, next_monday=monday + timedelta(days=7))
    _earlier_course(world)
    _grace_course(world, monday)
    _schedule_and_plans(world)
    db.session.commit()
    _reminders(world, monday)
    return world


#: Grace's first course, last autumn: six sessions, pain before each, completed
EARLIER_PAINS = [6, 6, 5, 4, 3, 3]


def _earlier_course(world):
    course = make_course(world.patient, world.practitioner, status=CourseStatus.COMPLETED,
                         region="lumbar_strain", diagnosis_code="S39.012A",
                         diagnosis_label=DIAGNOSIS_LABELS["S39.012A"], planned_sessions=6,
                         frequency="2", start_on=date(2025, 9, 8), baseline_pain=6,
                         discharge_pain=2, discharge_notes="Back to running twice a week.",
                         ended_at=datetime(2025, 10, 3, 16, 0, tzinfo=UTC))
    for number, pain in enumerate(EARLIER_PAINS):
        week, weekday = divmod(number, 2)
        starts = datetime(2025, 9, 8 + 7 * week + 3 * weekday, 14, 0, tzinfo=UTC)
        make_visit(make_appointment(course, starts_at=starts), pain_before=pain,
                   pain_after=max(pain - 2, 0), session_number=number + 1)


def _grace_course(world, monday):
    """Four signed sessions with falling pain (one amended), check-ins, insurance, payments."""
    course = make_course(world.patient, world.practitioner, status=CourseStatus.PLANNED,
                         start_on=monday + timedelta(days=SESSION_DAYS[0]),
                         goal="Sit through a working day and garden again.")
    world.course, world.policy = course, policies.create_policy(
        world.patient, payer_name="Blue Harbor Health", member_id="BHH-204-118-73",
        group_number="G-4410", copay_cents=2500, visit_limit=20,
        reported_on=monday - timedelta(days=21))
    policies.set_course_policy(course, world.policy)
    starts = [clinic_instant(monday + timedelta(days=day), MORNING) for day in SESSION_DAYS]
    appointments = book_series(course, starts, 45)
    signed = [sign_visit(appointment, world.practitioner, before, after,
                         now=appointment.starts_at + timedelta(minutes=50))
              for appointment, (before, after) in zip(appointments, SIGNED_PAINS, strict=False)]
    world.appointment = appointments[len(SIGNED_PAINS)]
    world.amended_visit = signed[1]
    visits.amend_visit(signed[1], world.practitioner, changes={"pain_after": 5},
                       reason="The patient called that evening: the relief lasted an hour.",
                       now=signed[1].signed_at + timedelta(hours=8))
    for day, pain, source in CHECKINS:
        record_checkin(world.patient, course, pain=pain, source=source,
                       now=clinic_instant(monday + timedelta(days=day), time(19, 30)))
    for number, visit in enumerate(signed[:2]):
        record_payment(world.patient, payer=Payer.PATIENT, method="card", amount_cents=2500,
                       received_on=visit.signed_at.date(), course=course, visit=visit,
                       reference=f"Copay, session {number + 1}", recorded_by=world.admin)
    record_payment(world.patient, payer=Payer.INSURER, method="eft", amount_cents=9500,
                   received_on=monday - timedelta(days=2), course=course, visit=signed[0],
                   policy=world.policy, reference="EOB 88213", recorded_by=world.admin)


def sign_visit(appointment, practitioner, before, after, *, now,
               techniques=("manual", "cupping")):
    """Record and sign an appointment's visit through the services (so billing charges it)."""
    values = {
        "pain_before": before, "pain_after": after, "techniques": list(techniques),
        "needles_in": 9, "needles_out": 9, "retention_minutes": 20, "face_to_face_minutes": 15,
        "subjective": "Stiff on getting up; eases with walking.",
        "objective": "Tender at L4–L5 paraspinals; flexion limited at end range.",
        "assessment": "Improving as planned.", "plan": "Continue twice weekly.",
        "home_plan": "Press BL23 and ST36 firmly for 1–2 minutes each, once a day.",
    }
    points = [PointChoice("BL23", "both"), PointChoice("BL40", "both"),
              PointChoice("GV4", "midline"), PointChoice("BL25", "both"),
              PointChoice(ASHI, "left", "Left lumbar paraspinal at L4")]
    visit = visits.save_visit(appointment, practitioner, values=values, points=points)
    return visits.sign_visit(visit, practitioner, now=now)


def _schedule_and_plans(world):
    """Next week's one-off appointments, Tom's planned course and the calendar feed."""
    for index, day, hour in ONE_OFFS:
        book_appointment(world.others[index], world.practitioner,
                         clinic_instant(world.next_monday + timedelta(days=day), time(hour)), 45,
                         notes="New patient: allow time for intake." if index == 4 else "")
    world.planned_course = make_course(
        world.others[1], world.practitioner, status=CourseStatus.PLANNED, region="sciatica",
        diagnosis_code="M54.41", diagnosis_label="Lumbago with sciatica, right side",
        planned_sessions=8, start_on=world.next_monday, baseline_pain=6)
    set_practitioner_ids(world.practitioner, npi="1204583763", license_number="ME-AC-0412")
    feeds.regenerate_feed(world.practitioner, now=datetime(2026, 1, 5, 14, 0, tzinfo=UTC))


def _reminders(world, monday):
    """The outbox as the sweeps leave it (a check-in sent, appointment reminders waiting),
    one delivery that failed, and Grace's links from her latest email."""
    send_due(world.amended_visit.course.signed_visits[-1].signed_at + timedelta(hours=25))
    due = clinic_instant(world.next_monday - timedelta(days=1), time(9))
    make_reminder(world.others[4], kind=ReminderKind.APPOINTMENT, status=ReminderStatus.FAILED,
                  due_at=due, attempts=5, dedupe_key="browser-world:failed",
                  last_error="550 5.1.1 <mei.zhang@example.net>: mailbox unavailable")
    token = issue_checkin_token(purpose=CheckinPurpose.POST_VISIT, patient_id=world.patient.id,
                                course_id=world.course.id, reminder_id=None, now=utcnow(),
                                days=7)
    db.session.commit()
    world.checkin_path = f"/checkin/{signed_checkin_token(token)}"
    world.unsubscribe_path = f"/unsubscribe/{unsubscribe_token(world.patient.id)}"
