"""Totals that reconcile: three SQL SUMs (charges, payments, adjustments) per question.

For any scope (a visit, a course, a patient, a clinic period), exactly:
    billed                 = expected from insurer + patient responsibility
    insurer outstanding    = expected from insurer − paid by insurer − written off (insurer)
    patient outstanding    = patient responsibility − paid by patient − written off (patient)
    outstanding            = insurer outstanding + patient outstanding
"Paid" is net of refunds. A denied claim moved to the patient lowers the insurer's
expected amount and raises the patient's by the same amount, so billed is unchanged.
A negative outstanding amount is a credit (overpaid).
"""

from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa

from tracker.billing.models import Adjustment, AdjustmentKind, Charge, Payment
from tracker.extensions import db


@dataclass(frozen=True)
class Totals:
    billed: int = 0
    #: insurer's part of the charges, after denied claims moved to the patient
    expected_insurer: int = 0
    patient_responsibility: int = 0
    paid_by_insurer: int = 0
    paid_by_patient: int = 0
    written_off_insurer: int = 0
    written_off_patient: int = 0

    @property
    def insurer_outstanding(self):
        return self.expected_insurer - self.paid_by_insurer - self.written_off_insurer

    @property
    def patient_outstanding(self):
        return self.patient_responsibility - self.paid_by_patient - self.written_off_patient

    @property
    def outstanding(self):
        return self.insurer_outstanding + self.patient_outstanding

    @property
    def paid(self):
        return self.paid_by_insurer + self.paid_by_patient

    @property
    def written_off(self):
        return self.written_off_insurer + self.written_off_patient

    def __add__(self, other):
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})

    def as_dict(self):
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return values | {"insurer_outstanding": self.insurer_outstanding,
                         "patient_outstanding": self.patient_outstanding,
                         "outstanding": self.outstanding}


def _sum(column):
    return sa.func.coalesce(sa.func.sum(column), 0)


def _filters(model, date_column, *, patient_id, course_id, visit_id, practitioner_id,
             start, end, patient_ids=None):
    conditions = []
    if patient_ids is not None:
        conditions.append(model.patient_id.in_(patient_ids))
    for column, value in ((model.patient_id, patient_id), (model.course_id, course_id),
                          (model.visit_id, visit_id)):
        if value is not None:
            conditions.append(column == value)
    if practitioner_id is not None:
        conditions.append(model.practitioner_id == practitioner_id)
    if start is not None:
        conditions.append(date_column >= start)
    if end is not None:
        conditions.append(date_column <= end)
    return conditions


def grouped_totals(key=lambda model, date_column: (), **scope):
    """Totals per group: {group key tuple: Totals}, in three queries.

    `key(model, date_column)` returns the SQL expressions to group by for each table, e.g.
    `(model.visit_id,)`; scope keywords (patient_id, patient_ids, course_id, visit_id,
    practitioner_id, start, end) restrict the rows. Dates are the service, receipt and
    adjustment dates.
    """
    scope = {"patient_id": None, "course_id": None, "visit_id": None,
             "practitioner_id": None, "start": None, "end": None} | scope
    groups = {}
    for rows in (_charge_sums(key, scope), _payment_sums(key, scope),
                 _adjustment_sums(key, scope)):
        for group, amounts in rows:
            # PostgreSQL's EXTRACT returns numeric: make month keys plain ints everywhere
            group = tuple(int(part) if isinstance(part, float | Decimal) else part
                          for part in group)
            groups[group] = groups.get(group, Totals()) + Totals(**amounts)
    return groups


def _charge_sums(key, scope):
    keys = key(Charge, Charge.service_on)
    statement = sa.select(*keys, _sum(Charge.billed_cents), _sum(Charge.expected_insurer_cents),
                          _sum(Charge.patient_cents)).where(
        *_filters(Charge, Charge.service_on, **scope)).group_by(*keys)
    for *group, billed, insurer, patient in db.session.execute(statement):
        yield group, {"billed": int(billed), "expected_insurer": int(insurer),
                      "patient_responsibility": int(patient)}


def _payment_sums(key, scope):
    keys = key(Payment, Payment.received_on)
    statement = sa.select(*keys, Payment.payer, _sum(Payment.amount_cents)).where(
        *_filters(Payment, Payment.received_on, **scope)).group_by(*keys, Payment.payer)
    for *group, payer, amount in db.session.execute(statement):
        yield group, {f"paid_by_{payer}": int(amount)}


def _adjustment_sums(key, scope):
    keys = key(Adjustment, Adjustment.adjusted_on)
    statement = sa.select(*keys, Adjustment.kind, Adjustment.side, _sum(Adjustment.amount_cents)
                          ).where(*_filters(Adjustment, Adjustment.adjusted_on, **scope)
                                  ).group_by(*keys, Adjustment.kind, Adjustment.side)
    for *group, kind, side, amount in db.session.execute(statement):
        yield group, adjustment_effect(kind, side, int(amount))


def adjustment_effect(kind, side, amount):
    """How an adjustment moves the totals (keyword arguments for `Totals`)."""
    if kind == AdjustmentKind.WRITE_OFF:
        return {f"written_off_{side}": amount}
    if kind == AdjustmentKind.REFUND:
        return {f"paid_by_{side}": -amount}
    return {"expected_insurer": -amount, "patient_responsibility": amount}


def totals(**scope):
    """Totals for one scope, e.g. totals(course_id=3) or totals(start=..., end=...)."""
    return grouped_totals(**scope).get((), Totals())


def month_key(model, date_column):
    """Group by calendar month and practitioner (for the finance report)."""
    return (sa.extract("year", date_column), sa.extract("month", date_column),
            model.practitioner_id)


def patient_key(model, date_column):
    return (model.patient_id,)


def visit_key(model, date_column):
    return (model.visit_id,)

