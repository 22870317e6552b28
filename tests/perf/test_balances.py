"""The finance report ranks who owes from the trigger-kept balances; the ranking must
agree with the ledger's own totals."""

from datetime import date

from tests.billing.test_balances import assert_balances_match_the_ledger
from tests.perf.test_query_budgets import charged_course
from tracker.billing.models import Adjustment, Payment
from tracker.billing.report import patient_balances
from tracker.billing.summaries import balance_with_overdue
from tracker.billing.totals import grouped_totals, patient_key
from tracker.extensions import db


def adjust(course, kind, side, amount):
    db.session.add(Adjustment(patient_id=course.patient_id, course_id=course.id, kind=kind,
                              side=side, amount_cents=amount, reason="Test",
                              adjusted_on=date(2026, 3, 20)))


def test_balances_match_the_ledger_totals_with_every_kind_of_adjustment():
    courses = [charged_course(sessions) for sessions in (1, 2, 3, 4, 5, 2, 2)]  # a tie
    adjust(courses[0], "write_off", "patient", 500)
    adjust(courses[1], "refund", "patient", 700)
    adjust(courses[2], "transfer_to_patient", "insurer", 900)
    adjust(courses[3], "write_off", "insurer", 300)
    db.session.add(Payment(patient_id=courses[4].patient_id, course_id=courses[4].id,
                           payer="patient", method="cash", received_on=date(2026, 3, 21),
                           amount_cents=10**6))  # overpaid: a credit, not a debt
    db.session.commit()
    assert_balances_match_the_ledger()
    expected = sorted(((row.patient_outstanding, key[0]) for key, row in
                       grouped_totals(patient_key).items() if row.patient_outstanding > 0),
                      key=lambda item: (-item[0], item[1]))
    assert len({owed for owed, _ in expected}) < len(expected)  # equal balances: by id
    balances = patient_balances(today=date(2026, 6, 1))
    assert [(b.totals.patient_outstanding, b.patient.id) for b in balances] == expected
    assert courses[4].patient_id not in {balance.patient.id for balance in balances}
    assert len(patient_balances(limit=2)) == 2
    for balance in balances:  # the report's overdue part is the patient page's
        assert (balance.totals, balance.overdue_cents) == balance_with_overdue(
            balance.patient.id, today=date(2026, 6, 1))
    assert any(balance.overdue_cents for balance in balances)
    assert not any(balance.overdue_cents for balance in patient_balances(today=date(2026, 3, 1)))
