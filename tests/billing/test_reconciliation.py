"""Property: whatever happens to an account, its totals reconcile to the cent.

For random policies and random sequences of signed visits, manual charges, package sales,
payments, write-offs, refunds and denied claims, on SQLite and PostgreSQL alike:
billed = expected insurer + patient responsibility; each outstanding amount =
responsibility − paid − written off; the SQL totals equal a running tally kept here;
per-visit, per-course, per-month groupings add up to the patient's total; and the
patient's trigger-kept `patient_balances` row equals their outstanding part.
"""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import bill_course_to, make_appointment, make_course, make_policy, make_visit
from tracker.billing import services
from tracker.billing.errors import BillingError
from tracker.billing.models import Charge, PatientBalance
from tracker.billing.totals import Totals, grouped_totals, month_key, totals, visit_key
from tracker.extensions import db
from tracker.treatments.signals import visit_signed

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
TODAY = date.today()

amounts = st.integers(min_value=1, max_value=40000)
policies = st.one_of(st.none(), st.fixed_dictionaries({
    "deductible_cents": st.sampled_from([0, 10000, 50000]),
    "deductible_met_cents": st.sampled_from([0, 5000]),
    "sharing": st.one_of(st.none(), st.integers(0, 100).map(lambda p: ("coinsurance", p)),
                         st.integers(0, 5000).map(lambda c: ("copay", c))),
    "visit_limit": st.one_of(st.none(), st.integers(0, 4)),
    "is_medicare": st.booleans(),
}))
operations = st.lists(st.one_of(
    st.tuples(st.just("visit"), st.integers(0, 60),
              st.sets(st.sampled_from(["manual", "electro", "cupping", "moxibustion"]))),
    st.tuples(st.just("manual_charge"), st.sampled_from(["97811", "CUPPING", "MOXA", "BOGUS"]),
              st.integers(0, 3)),
    st.tuples(st.just("package"), st.integers(1, 6), st.integers(0, 60000)),
    st.tuples(st.just("payment"), st.sampled_from(["patient", "insurer"]), amounts,
              st.booleans()),
    st.tuples(st.just("adjustment"), st.sampled_from(["write_off", "refund",
                                                      "transfer_to_patient"]),
              st.sampled_from(["patient", "insurer"]), amounts),
), min_size=1, max_size=12)


class Account:
    """Sets up one patient and applies operations, keeping its own tally of the effects."""

    def __init__(self, terms):
        self.course = make_course()
        self.patient = self.course.patient
        self.policy = None
        self.tally = Totals()
        self.visits = []
        if terms is not None:
            kind, value = terms["sharing"] or (None, None)
            self.policy = make_policy(
                self.patient, deductible_cents=terms["deductible_cents"],
                deductible_met_cents=min(terms["deductible_met_cents"],
                                         terms["deductible_cents"]),
                copay_cents=value if kind == "copay" else None,
                coinsurance_percent=value if kind == "coinsurance" else None,
                visit_limit=terms["visit_limit"], is_medicare=terms["is_medicare"])
            bill_course_to(self.course, self.policy)

    def charged(self, charges):
        for charge in charges:
            assert charge.billed_cents == charge.expected_insurer_cents + charge.patient_cents
            self.tally += Totals(billed=charge.billed_cents,
                                 expected_insurer=charge.expected_insurer_cents,
                                 patient_responsibility=charge.patient_cents)

    def visit(self, minutes, techniques):
        appointment = make_appointment(self.course,
                                       starts_at=START + timedelta(days=2 * len(self.visits)))
        visit = make_visit(appointment, face_to_face_minutes=minutes,
                           techniques=sorted(techniques))
        visit_signed.send(visit)
        self.visits.append(visit)
        self.charged(db.session.scalars(sa.select(Charge).where(Charge.visit_id == visit.id)))

    def manual_charge(self, code, units):
        visit = self.visits[-1] if self.visits else None
        self.charged(services.add_charge(self.patient, code=code, units=units,
                                         service_on=TODAY, visit=visit))

    def package(self, sessions, price):
        services.sell_package(self.patient, sessions_total=sessions, price_cents=price,
                              sold_on=TODAY)
        self.tally += Totals(billed=price, patient_responsibility=price)

    def payment(self, payer, amount, allocate):
        services.record_payment(
            self.patient, payer=payer, method="eft" if payer == "insurer" else "card",
            amount_cents=amount, received_on=TODAY, policy=self.policy,
            course=self.course if allocate else None)
        self.tally += Totals(**{f"paid_by_{payer}": amount})

    def adjustment(self, kind, side, amount):
        services.record_adjustment(self.patient, kind=kind, side=side, amount_cents=amount,
                                   reason="Property test", adjusted_on=TODAY)
        if kind == "write_off":
            self.tally += Totals(**{f"written_off_{side}": amount})
        elif kind == "refund":
            self.tally += Totals(**{f"paid_by_{side}": -amount})
        else:
            self.tally += Totals(expected_insurer=-amount, patient_responsibility=amount)

    def apply(self, operation):
        name, *arguments = operation
        try:
            getattr(self, name)(*arguments)
        except BillingError:
            db.session.rollback()  # refused: nothing was written, the tally is unchanged
        else:
            db.session.commit()


def assert_reconciles(account):
    total = totals(patient_id=account.patient.id)
    assert total == account.tally
    assert total.billed == total.expected_insurer + total.patient_responsibility
    assert total.patient_outstanding == (total.patient_responsibility - total.paid_by_patient
                                         - total.written_off_patient)
    assert total.insurer_outstanding == (total.expected_insurer - total.paid_by_insurer
                                         - total.written_off_insurer)
    assert total.outstanding == total.insurer_outstanding + total.patient_outstanding
    stored = db.session.get(PatientBalance, account.patient.id, populate_existing=True)
    assert (stored.owed_cents if stored else 0) == total.patient_outstanding
    for grouping in (visit_key, month_key, course_key):
        groups = grouped_totals(grouping, patient_id=account.patient.id)
        assert sum(groups.values(), Totals()) == total
    by_course = grouped_totals(course_key, patient_id=account.patient.id)
    assert by_course.get((account.course.id,), Totals()) == totals(course_id=account.course.id)


def course_key(model, date_column):
    return (model.course_id,)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(terms=policies, steps=operations)
def test_totals_always_reconcile(terms, steps):
    account = Account(terms)
    for step in steps:
        account.apply(step)
        assert_reconciles(account)
