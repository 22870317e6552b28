"""What the billing partials show, each gathered in a fixed number of queries.

The course page, the patient page and the portal include billing partials; those call
these functions (registered as template globals in `billing.views`) rather than touching
relationships row by row.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.auth.access import own_patient_id
from tracker.billing import charging
from tracker.billing.advice import cost_forecast
from tracker.billing.models import Adjustment, Charge, Payment
from tracker.billing.policies import patient_policies
from tracker.billing.totals import Totals, grouped_totals, visit_key
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.treatments.models import Visit


@dataclass
class Account:
    totals: Totals
    overdue_cents: int = 0
    packages: list = field(default_factory=list)  #: [(Package, sessions used)]
    policies: list = field(default_factory=list)
    charges: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)

    @property
    def package_sessions_left(self):
        today = date.today()
        return sum(package.sessions_total - used for package, used in self.packages
                   if package.expires_on is None or package.expires_on >= today)


def overdue_cutoff(today=None):
    """Charges on or before this day are overdue when unpaid (`billing.overdue_days`)."""
    return (today or date.today()) - timedelta(days=clinic_settings()["billing.overdue_days"])


def overdue_part(old, current):
    """The part of the balance charged by the cutoff (`old`: the totals up to it).

    Payments and write-offs settle the oldest charges first.
    """
    unpaid_old = (old.patient_responsibility - current.paid_by_patient
                  - current.written_off_patient)
    return max(0, min(unpaid_old, current.patient_outstanding))


def balance_with_overdue(patient_id, today=None):
    """(Totals, overdue cents) of one patient, in one pass over the ledger.

    The rows are grouped by whether they fall on or before the overdue cutoff: the two
    groups add up to the totals, and the first is what `overdue_part` needs.
    """
    cutoff = overdue_cutoff(today)
    groups = grouped_totals(lambda model, day: (day <= cutoff,), patient_id=patient_id)
    old = groups.get((True,), Totals())
    current = old + groups.get((False,), Totals())
    return current, overdue_part(old, current)


def _recent(model, order_column, limit, **where):
    statement = sa.select(model).filter_by(**where).order_by(order_column.desc(),
                                                             model.id.desc())
    if limit:
        statement = statement.limit(limit)
    return db.session.scalars(statement).all()


def _may_see(patient):
    confined_to = own_patient_id()
    return patient is not None and confined_to in (None, patient.id)


def patient_account(patient, *, recent=10):
    """Balance, overdue part, packages, policies and recent ledger rows of one patient."""
    if not _may_see(patient):
        return None
    current, overdue = balance_with_overdue(patient.id)
    return Account(
        totals=current, overdue_cents=overdue,
        packages=charging.packages_with_use(patient.id),
        policies=patient_policies(patient.id),
        charges=_recent(Charge, Charge.service_on, recent, patient_id=patient.id),
        payments=_recent(Payment, Payment.received_on, recent, patient_id=patient.id),
        adjustments=_recent(Adjustment, Adjustment.adjusted_on, recent, patient_id=patient.id))


def portal_account(patient):
    """The same, minus what only staff need (policies and the insurer's call notes)."""
    account = patient_account(patient, recent=5)
    if account is not None:
        account.policies = []
    return account


@dataclass
class CourseAccount:
    totals: Totals
    policy: object
    policies: list
    #: [(session number or None, service day, [charges], Totals)] in visit order
    visits: list
    payments: list
    adjustments: list
    forecast: list


def course_account(course):
    """Totals, the charges of each visit with its own totals, and the course's policy."""
    if course is None or not _may_see(course.patient):
        return None
    rows = db.session.execute(
        sa.select(Charge, Visit.session_number).outerjoin(Visit, Charge.visit_id == Visit.id)
        .where(Charge.course_id == course.id).order_by(Charge.service_on, Charge.id)).all()
    per_visit = grouped_totals(visit_key, course_id=course.id)
    visits, seen = [], {}
    for charge, session in rows:
        if charge.visit_id not in seen:
            seen[charge.visit_id] = (session, charge.service_on, [],
                                     per_visit.get((charge.visit_id,), Totals()))
            visits.append(seen[charge.visit_id])
        seen[charge.visit_id][2].append(charge)
    return CourseAccount(
        totals=sum(per_visit.values(), Totals()), policy=charging.policy_for_course(course.id),
        policies=patient_policies(course.patient_id), visits=visits,
        payments=_recent(Payment, Payment.received_on, None, course_id=course.id),
        adjustments=_recent(Adjustment, Adjustment.adjusted_on, None, course_id=course.id),
        forecast=_remaining_forecast(course))


def _remaining_forecast(course):
    remaining = course.sessions_remaining
    if not course.is_open or remaining == 0:
        return []
    return cost_forecast(course.patient, planned_sessions=remaining, course=course,
                         assume_policy=False)
