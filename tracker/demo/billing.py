"""Demo billing: self-pay, package, insured and Medicare patients with charges and payments.

Works on whatever signed visits the clinical demo made. Those visits were charged as
self-pay when they were signed, before any policy or package existed; so the demo links
the insured patients' courses to their policies, sells the package, re-prices the four demo
patients' visits, then charges every other signed visit still without charges, oldest
first. A demo billing patient without any signed visit gets a short course of its own.
Running it again changes nothing.
"""

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from tracker.auth.models import Role, User
from tracker.billing import charging, engine, policies, services
from tracker.billing.models import Charge, InsurancePolicy, PractitionerBillingIds
from tracker.billing.totals import totals
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments.models import Appointment, Course, Visit

INSURED, SELF_PAY, PACKAGE, MEDICARE = "Alvarez", "Whitaker", "Bello", "Lindqvist"

POLICIES = {
    INSURED: dict(payer_name="Blue Harbor Health", member_id="BHH-4410-2231",
                  group_number="G-88120", deductible_cents=50000, deductible_met_cents=35000,
                  coinsurance_percent=20, visit_limit=20, visits_used_before=2,
                  authorization_number="PA-2026-0117", authorized_visits=12,
                  notes="Called 555-0100; spoke to Jordan. Acupuncture covered for low back "
                        "pain with prior authorisation; 20 visits a plan year."),
    MEDICARE: dict(payer_name="Medicare Part B", member_id="1EG4-TE5-MK73", is_medicare=True,
                   deductible_cents=25700, deductible_met_cents=25700, coinsurance_percent=20,
                   notes="Chronic low back pain over 12 weeks documented; physician "
                         "supervision on file."),
}


def load():
    """Create what is missing; return True when anything was created."""
    patients = _demo_patients()
    if not patients or _already_loaded(patients):
        return bool(_charge_uncharged_visits())
    today = datetime.now(UTC).date()
    _practitioner_identifiers()
    for name, patient in patients.items():
        if not _has_signed_visits(patient):
            _create_course_with_visits(patient, today, weeks=6 if name != MEDICARE else 8)
    for name, values in POLICIES.items():
        policy = policies.create_policy(patients[name], reported_on=today - timedelta(days=90),
                                        **values)
        for course in _courses(patients[name]):
            policies.set_course_policy(course, policy)
    services.sell_package(patients[PACKAGE], sessions_total=10, price_cents=55000,
                          sold_on=today - timedelta(days=80),
                          expires_on=today + timedelta(days=200))
    db.session.execute(sa.delete(Charge).where(
        Charge.patient_id.in_([patient.id for patient in patients.values()]),
        Charge.visit_id.is_not(None)))
    _charge_uncharged_visits()
    _record_payments(patients, today)
    db.session.flush()
    return True


def _demo_patients():
    rows = db.session.scalars(sa.select(Patient).where(
        Patient.last_name.in_([INSURED, SELF_PAY, PACKAGE, MEDICARE]))).all()
    found = {patient.last_name: patient for patient in rows}
    return found if len(found) == 4 else {}


def _already_loaded(patients):
    return db.session.scalar(sa.select(sa.exists().where(
        InsurancePolicy.patient_id == patients[INSURED].id))) is True


def _has_signed_visits(patient):
    return db.session.scalar(sa.select(sa.exists().where(
        Visit.patient_id == patient.id, Visit.signed_at.is_not(None))))


def _courses(patient):
    return db.session.scalars(sa.select(Course).where(Course.patient_id == patient.id)).all()


def _practitioner_identifiers():
    practitioners = db.session.scalars(sa.select(User).where(
        User.role == Role.PRACTITIONER).order_by(User.id)).all()
    for number, user in enumerate(practitioners):
        if db.session.get(PractitionerBillingIds, user.id) is None:
            services.set_practitioner_ids(user, npi=_npi(f"15{number:07d}"),
                                          license_number=f"ME-AC-{1040 + number}")


def _npi(first_nine):
    return next(first_nine + digit for digit in "0123456789"
                if engine.is_valid_npi(first_nine + digit))


def _create_course_with_visits(patient, today, weeks):
    """A weekly course for a demo patient the clinical demo left without visits."""
    practitioner = patient.preferred_practitioner or db.session.scalar(
        sa.select(User).where(User.role == Role.PRACTITIONER).order_by(User.id))
    start = today - timedelta(weeks=weeks + 1)
    course = Course(patient_id=patient.id, practitioner_id=practitioner.id,
                    diagnosis_code="M54.50", diagnosis_label="Low back pain, unspecified",
                    region="lumbar", planned_sessions=weeks + 2, frequency="1",
                    start_on=start, baseline_pain=7, status="active",
                    goal="Walk the dog every morning")
    db.session.add(course)
    db.session.flush()
    for number in range(1, weeks + 1):
        starts_at = datetime.combine(start + timedelta(weeks=number - 1), time(15), UTC)
        appointment = Appointment(patient_id=patient.id, practitioner_id=practitioner.id,
                                  course_id=course.id, starts_at=starts_at, status="completed")
        db.session.add(appointment)
        db.session.flush()
        db.session.add(Visit(
            appointment_id=appointment.id, patient_id=patient.id, course_id=course.id,
            practitioner_id=practitioner.id, session_number=number,
            pain_before=max(7 - number // 2, 2), pain_after=max(5 - number // 2, 1),
            techniques=["manual", "moxibustion"] if number % 3 == 0 else ["manual"],
            needles_in=10, needles_out=10, face_to_face_minutes=30,
            signed_at=starts_at + timedelta(hours=1), signed_by_id=practitioner.id))
    db.session.flush()


def _charge_uncharged_visits():
    """Charge signed visits that have none yet, oldest first (limits count in order)."""
    visits = db.session.scalars(
        sa.select(Visit).join(Appointment, Visit.appointment_id == Appointment.id)
        .where(Visit.signed_at.is_not(None), ~sa.exists().where(
            Charge.visit_id == Visit.id))
        .order_by(Appointment.starts_at, Visit.id)).all()
    for visit in visits:
        charging.charge_visit(visit)
    return visits


def _record_payments(patients, today):
    """Payments that leave a realistic mix: settled, partly paid, overdue and a credit-free
    package; insurers have paid for visits older than a month."""
    month_ago = today - timedelta(days=30)
    for name in (INSURED, MEDICARE):
        patient = patients[name]
        policy = db.session.scalar(sa.select(InsurancePolicy).where(
            InsurancePolicy.patient_id == patient.id))
        old = totals(patient_id=patient.id, end=month_ago)
        if old.expected_insurer:
            services.record_payment(patient, payer="insurer", method="eft", policy=policy,
                                    amount_cents=old.expected_insurer, received_on=month_ago,
                                    reference="EFT 88213" if name == INSURED else "MCR 5521")
        if old.patient_responsibility:
            services.record_payment(patient, payer="patient", method="card",
                                    amount_cents=old.patient_responsibility,
                                    received_on=month_ago, reference="Front desk")
    services.record_payment(patients[PACKAGE], payer="patient", method="card",
                            amount_cents=55000, received_on=today - timedelta(days=80),
                            reference="Package 10 sessions")
    _self_pay_partly_paid(patients[SELF_PAY], today)


def _self_pay_partly_paid(patient, today):
    """The overdue balance: the first visit paid, a courtesy discount, the rest unpaid."""
    first = db.session.scalar(sa.select(Charge).where(
        Charge.patient_id == patient.id).order_by(Charge.service_on))
    if first is None:
        return
    owed = totals(patient_id=patient.id).patient_outstanding
    paid = min(totals(visit_id=first.visit_id).patient_responsibility, owed)
    if paid:
        services.record_payment(patient, payer="patient", method="cash", amount_cents=paid,
                                received_on=first.service_on, reference="Receipt 1001")
    if owed - paid >= 2000:
        services.record_adjustment(patient, kind="write_off", side="patient",
                                   amount_cents=2000, reason="Courtesy discount, first course",
                                   adjusted_on=today - timedelta(days=40))

