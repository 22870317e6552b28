"""Payments, adjustments, refunds, packages and manual charges: rules and totals."""

from datetime import UTC, date, datetime, timedelta

import pytest
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
from tracker.billing.errors import BillingError
from tracker.billing.models import Adjustment, Charge, Payment
from tracker.billing.summaries import balance_with_overdue
from tracker.billing.totals import Totals, totals
from tracker.extensions import db

TODAY = date.today()


def self_pay_visit(course=None, **overrides):
    course = course or make_course()
    appointment = make_appointment(course, starts_at=datetime(2026, 3, 2, 14, tzinfo=UTC))
    return sign_and_charge(appointment, face_to_face_minutes=15, **overrides)


def pay(patient, amount, payer="patient", **extra):
    payment = services.record_payment(patient, payer=payer, method=extra.pop("method", "card"),
                                      amount_cents=amount, received_on=TODAY, **extra)
    db.session.commit()
    return payment


def adjust(patient, kind, side, amount, **extra):
    adjustment = services.record_adjustment(patient, kind=kind, side=side, amount_cents=amount,
                                            reason=extra.pop("reason", "Courtesy"),
                                            adjusted_on=TODAY, **extra)
    db.session.commit()
    return adjustment


def test_payment_reduces_the_patient_balance():
    visit = self_pay_visit()
    patient = visit.patient
    assert totals(patient_id=patient.id).patient_outstanding == 9500 + 7000
    pay(patient, 10000, visit=visit, reference="Receipt 88")
    account = totals(patient_id=patient.id)
    assert (account.paid_by_patient, account.patient_outstanding) == (10000, 6500)
    assert totals(visit_id=visit.id).paid_by_patient == 10000
    assert totals(course_id=visit.course_id).paid_by_patient == 10000


def test_refund_of_an_overpayment():
    visit = self_pay_visit()
    patient = visit.patient
    pay(patient, 20000)
    assert totals(patient_id=patient.id).patient_outstanding == -3500  # a credit
    adjust(patient, "refund", "patient", 3500, reason="Overpaid at the desk")
    account = totals(patient_id=patient.id)
    assert (account.paid_by_patient, account.patient_outstanding) == (16500, 0)


def test_refund_cannot_exceed_what_was_paid():
    visit = self_pay_visit()
    pay(visit.patient, 1000)
    with pytest.raises(BillingError, match=r"cannot be more than the patient has paid \(\$10.00\)"):
        services.record_adjustment(visit.patient, kind="refund", side="patient",
                                   amount_cents=1001, reason="x", adjusted_on=TODAY)


def test_write_off_and_denied_claim_moved_to_the_patient():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=0, copay_cents=2500,
                                       coinsurance_percent=None))
    visit = self_pay_visit(course)  # insured: 99203 + 97810 = $165, one $25 copay
    patient = course.patient
    before = totals(patient_id=patient.id)
    assert (before.expected_insurer, before.patient_responsibility) == (14000, 2500)
    adjust(patient, "transfer_to_patient", "insurer", 9500, reason="Evaluation denied",
           visit=visit)
    pay(patient, 4500, payer="insurer", method="eft", policy=make_policy_link(course))
    adjust(patient, "write_off", "patient", 2000, reason="Hardship discount")
    after = totals(patient_id=patient.id)
    assert after.billed == 16500 == after.expected_insurer + after.patient_responsibility
    assert (after.expected_insurer, after.patient_responsibility) == (4500, 12000)
    assert after.insurer_outstanding == 0
    assert after.patient_outstanding == 12000 - 2000


def make_policy_link(course):
    from tracker.billing.charging import policy_for_course

    return policy_for_course(course.id)


def test_write_off_cannot_exceed_what_is_owed():
    visit = self_pay_visit()
    with pytest.raises(BillingError, match=r"at most what the patient still owes \(\$165.00\)"):
        services.record_adjustment(visit.patient, kind="write_off", side="patient",
                                   amount_cents=16501, reason="x", adjusted_on=TODAY)


@pytest.mark.parametrize("amount,message", [
    (0, "greater than zero"), (-500, "greater than zero"), ("12", "dollars and cents"),
    (12.5, "dollars and cents"), (True, "dollars and cents"), (10**9, "too large")])
def test_bad_payment_amounts_write_nothing(amount, message):
    patient = make_patient()
    with pytest.raises(BillingError, match=message):
        services.record_payment(patient, payer="patient", method="card", amount_cents=amount,
                                received_on=TODAY)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0


def test_payment_rules():
    patient, other = make_patient(), make_patient()
    other_policy = make_policy(other)
    cases = [
        ({"payer": "insurer"}, "Choose the insurance policy"),
        ({"payer": "insurer", "policy": other_policy}, "another patient"),
        ({"method": "bitcoin"}, "Choose how it was paid"),
        ({"payer": "neighbour"}, "Choose who paid"),
        ({"received_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"course": make_course(other)}, "another patient"),
    ]
    for overrides, message in cases:
        values = {"payer": "patient", "method": "card", "amount_cents": 500,
                  "received_on": TODAY} | overrides
        with pytest.raises(BillingError, match=message):
            services.record_payment(patient, **values)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0


def test_adjustment_needs_a_reason():
    visit = self_pay_visit()
    with pytest.raises(BillingError, match="reason"):
        services.record_adjustment(visit.patient, kind="write_off", side="patient",
                                   amount_cents=100, reason="  ", adjusted_on=TODAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Adjustment)) == 0


def test_package_sale_is_charged_and_shows_sessions_left():
    from tracker.billing.charging import packages_with_use

    patient = make_patient()
    package = make_package(patient, sessions_total=10, price_cents=55000,
                           expires_on=date(2026, 12, 31))
    assert totals(patient_id=patient.id).patient_outstanding == 55000
    assert packages_with_use(patient.id) == [(package, 0)]
    with pytest.raises(BillingError, match="before the sale date"):
        services.sell_package(patient, sessions_total=5, price_cents=100,
                              sold_on=date(2026, 2, 1), expires_on=date(2026, 1, 1))
    with pytest.raises(BillingError, match="from 1 to 100"):
        services.sell_package(patient, sessions_total=0, price_cents=100, sold_on=TODAY)


def test_manual_charge_checks_the_code():
    visit = self_pay_visit()
    with pytest.raises(BillingError, match="Unknown fee code “99999”"):
        services.add_charge(visit.patient, code="99999", units=1, service_on=TODAY)
    charges = services.add_charge(visit.patient, code="cupping", units=1, service_on=TODAY,
                                  visit=visit)
    db.session.commit()
    assert [(charge.code, charge.patient_cents, charge.course_id) for charge in charges] == [
        ("CUPPING", 3000, visit.course_id)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Charge).where(
        Charge.visit_id == visit.id)) == 3


def test_totals_add_up_for_an_empty_scope():
    assert totals(patient_id=123456) == Totals()


def test_overdue_is_the_unpaid_part_of_charges_older_than_the_cutoff():
    patient = self_pay_visit().patient  # 2 March 2026: $165.00, long past 30 days
    services.add_charge(patient, code="cupping", units=1, service_on=TODAY)
    db.session.commit()
    current, overdue = balance_with_overdue(patient.id)
    assert current == totals(patient_id=patient.id)
    assert overdue == 9500 + 7000 < current.patient_outstanding
    pay(patient, 10000)  # payments settle the oldest charges first
    current, overdue = balance_with_overdue(patient.id)
    assert current == totals(patient_id=patient.id) and overdue == 6500
    assert balance_with_overdue(patient.id, today=date(2026, 3, 20))[1] == 0  # not yet due
    pay(patient, current.patient_outstanding)
    assert balance_with_overdue(patient.id)[1] == 0
