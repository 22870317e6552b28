"""`patient_balances`, kept by database triggers: always what the ledger itself sums to."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from tests.factories import (
    bill_course_to,
    make_appointment,
    make_course,
    make_package,
    make_patient,
    make_policy,
    sign_and_charge,
)
from tracker.billing import services
from tracker.billing.models import Adjustment, Charge, PatientBalance, Payment
from tracker.billing.totals import grouped_totals, patient_key
from tracker.extensions import db

TODAY = date.today()
MONDAY = datetime(2026, 3, 2, 14, tzinfo=UTC)


def stored_balances():
    return dict(db.session.execute(
        sa.select(PatientBalance.patient_id, PatientBalance.owed_cents)).all())


def assert_balances_match_the_ledger():
    """Every patient's stored balance equals `patient_outstanding` summed from the ledger
    (a patient whose rows all moved away keeps a zero balance row)."""
    ledger = {key[0]: row.patient_outstanding
              for key, row in grouped_totals(patient_key).items()}
    stored = stored_balances()
    assert ledger, "the test wrote no ledger rows"
    assert {patient_id: stored.get(patient_id, 0) for patient_id in stored | ledger} == \
        {patient_id: ledger.get(patient_id, 0) for patient_id in stored | ledger}


def signed_visits(course, count):
    return [sign_and_charge(make_appointment(course, starts_at=MONDAY + timedelta(days=day)),
                            face_to_face_minutes=30, techniques=["manual", "cupping"])
            for day in range(count)]


def pay(patient, payer, amount, **extra):
    services.record_payment(patient, payer=payer, method="eft" if payer == "insurer" else "card",
                            amount_cents=amount, received_on=TODAY, **extra)


def adjust(patient, kind, side, amount):
    services.record_adjustment(patient, kind=kind, side=side, amount_cents=amount,
                               reason="Agreed with the clinic manager", adjusted_on=TODAY)


def test_balances_follow_every_kind_of_ledger_row_written_by_the_services():
    insured = make_course()
    policy = make_policy(insured.patient, deductible_cents=5000)
    bill_course_to(insured, policy)
    signed_visits(insured, 3)
    pay(insured.patient, "patient", 4000)
    pay(insured.patient, "insurer", 6000, policy=policy)
    adjust(insured.patient, "write_off", "patient", 500)
    adjust(insured.patient, "write_off", "insurer", 700)
    adjust(insured.patient, "refund", "patient", 300)
    adjust(insured.patient, "refund", "insurer", 1000)
    adjust(insured.patient, "transfer_to_patient", "insurer", 1200)

    prepaid = make_course()
    make_package(prepaid.patient)  # the sale is charged; the visits it covers cost nothing
    signed_visits(prepaid, 2)
    pay(prepaid.patient, "patient", 20000)

    in_credit = make_course()
    signed_visits(in_credit, 1)
    pay(in_credit.patient, "patient", 10**6)
    db.session.commit()

    assert_balances_match_the_ledger()
    balances = stored_balances()
    assert db.session.scalar(sa.select(sa.func.min(Charge.billed_cents)).where(
        Charge.patient_id == prepaid.patient_id)) == 0
    assert balances[insured.patient_id] > 0 and balances[prepaid.patient_id] > 0
    assert balances[in_credit.patient_id] < 0


def test_balances_follow_rows_changed_moved_and_deleted_in_place():
    first, second = make_course(), make_course()
    signed_visits(first, 2)
    signed_visits(second, 1)
    pay(first.patient, "patient", 2500, course=first)
    adjust(first.patient, "write_off", "patient", 400)
    db.session.commit()
    charge = db.session.scalars(sa.select(Charge).where(Charge.patient_id == first.patient_id)
                                .order_by(Charge.id)).first()
    charge.billed_cents = charge.patient_cents = 0  # voided
    db.session.commit()
    assert_balances_match_the_ledger()

    payment = db.session.scalar(sa.select(Payment))
    payment.patient_id, payment.course_id = second.patient_id, second.id  # misallocated
    db.session.commit()
    assert_balances_match_the_ledger()

    payment.payer, payment.amount_cents = "insurer", 3000
    db.session.delete(db.session.scalar(sa.select(Adjustment)))
    db.session.commit()
    assert_balances_match_the_ledger()

    db.session.execute(sa.delete(Charge).where(Charge.patient_id == first.patient_id))
    db.session.commit()
    assert_balances_match_the_ledger()
    assert stored_balances()[first.patient_id] == 0


def test_bulk_inserts_update_balances_too():
    """The scale loader writes the ledger with Core executemany, bypassing the services."""
    patients = [make_patient(), make_patient()]
    db.session.execute(sa.insert(Payment), [
        {"patient_id": patient.id, "payer": payer, "method": "cash", "received_on": TODAY,
         "amount_cents": amount, "reference": ""}
        for patient in patients for payer, amount in (("patient", 1500), ("insurer", 900),
                                                      ("patient", 100))])
    db.session.commit()
    assert stored_balances() == {patient.id: -1600 for patient in patients}
    assert_balances_match_the_ledger()
