"""Billing use cases: payments, adjustments, packages, manual charges, fees, identifiers.

Each service validates what it is given (so bad input writes nothing, whichever way it
arrives), flushes and never commits; the request or command that called it commits.
Insurance policies have their own module, `tracker.billing.policies`.
"""

from datetime import date

import sqlalchemy as sa

from tracker.auth.models import Role
from tracker.billing import charging, engine
from tracker.billing.errors import BillingError
from tracker.billing.models import (
    Adjustment,
    AdjustmentKind,
    Charge,
    Coverage,
    FeeScheduleEntry,
    Package,
    Payer,
    Payment,
    PaymentMethod,
    PractitionerBillingIds,
)
from tracker.billing.totals import totals
from tracker.db import format_money
from tracker.extensions import db

MAX_CENTS = 100_000_000  # $1,000,000: far above any clinic bill, catches a slipped finger


def check_amount(cents, field="amount", *, allow_zero=False):
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise BillingError("Enter an amount in dollars and cents, such as 95.00.", field)
    if cents < 0 or (cents == 0 and not allow_zero):
        raise BillingError("Enter an amount greater than zero."
                           if not allow_zero else "The amount cannot be negative.", field)
    if cents > MAX_CENTS:
        raise BillingError("That amount is too large.", field)
    return cents


def check_day(day, field, *, today=None):
    if not isinstance(day, date):
        raise BillingError("Enter a valid date.", field)
    if day > (today or date.today()):
        raise BillingError("The date cannot be in the future.", field)
    return day


def _allocation(patient, course, visit):
    """The course, visit and practitioner a ledger row belongs to, checked against the patient."""
    if course is not None and course.patient_id != patient.id:
        raise BillingError("That course belongs to another patient.", "course_id")
    if visit is not None:
        if visit.patient_id != patient.id:
            raise BillingError("That visit belongs to another patient.", "visit_id")
        if course is not None and visit.course_id != course.id:
            raise BillingError("That visit is not part of the chosen course.", "visit_id")
        return visit.course_id, visit.id, visit.practitioner_id
    if course is not None:
        return course.id, None, course.practitioner_id
    return None, None, None


def record_payment(patient, *, payer, method, amount_cents, received_on, reference="",
                   course=None, visit=None, policy=None, recorded_by=None):
    """Money received from the patient or their insurer, optionally for a course or visit."""
    if payer not in Payer.ALL:
        raise BillingError("Choose who paid: the patient or the insurer.", "payer")
    if method not in PaymentMethod.ALL:
        raise BillingError("Choose how it was paid.", "method")
    check_amount(amount_cents)
    check_day(received_on, "received_on")
    if payer == Payer.INSURER:
        if policy is None:
            raise BillingError("Choose the insurance policy that paid.", "insurance_policy_id")
        if policy.patient_id != patient.id:
            raise BillingError("That policy belongs to another patient.", "insurance_policy_id")
    course_id, visit_id, practitioner_id = _allocation(patient, course, visit)
    payment = Payment(
        patient_id=patient.id, payer=payer, method=method, amount_cents=amount_cents,
        received_on=received_on, reference=(reference or "").strip(),
        insurance_policy_id=policy.id if payer == Payer.INSURER else None,
        course_id=course_id, visit_id=visit_id, practitioner_id=practitioner_id,
        recorded_by_id=recorded_by.id if recorded_by else None)
    db.session.add(payment)
    db.session.flush()
    return payment


def record_adjustment(patient, *, kind, side, amount_cents, reason, adjusted_on,
                      course=None, visit=None, recorded_by=None):
    """A write-off, refund or denied claim moved to the patient, never more than is there.

    The limit is checked within the allocation (visit, else course, else the patient).
    """
    if kind not in AdjustmentKind.ALL:
        raise BillingError("Choose the kind of adjustment.", "kind")
    if kind == AdjustmentKind.TRANSFER_TO_PATIENT:
        side = Payer.INSURER
    if side not in Payer.ALL:
        raise BillingError("Choose whose part it concerns: the patient's or the insurer's.",
                           "side")
    check_amount(amount_cents)
    check_day(adjusted_on, "adjusted_on")
    reason = (reason or "").strip()
    if not reason:
        raise BillingError("Give the reason for the adjustment.", "reason")
    course_id, visit_id, practitioner_id = _allocation(patient, course, visit)
    scope = {"visit_id": visit_id} if visit_id else {"course_id": course_id} if course_id else {}
    _check_adjustment_limit(kind, side, amount_cents, totals(patient_id=patient.id, **scope))
    adjustment = Adjustment(
        patient_id=patient.id, kind=kind, side=side, amount_cents=amount_cents, reason=reason,
        adjusted_on=adjusted_on, course_id=course_id, visit_id=visit_id,
        practitioner_id=practitioner_id, recorded_by_id=recorded_by.id if recorded_by else None)
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def _check_adjustment_limit(kind, side, amount, current):
    who = "the patient" if side == Payer.PATIENT else "the insurer"
    if kind == AdjustmentKind.REFUND:
        paid = current.paid_by_patient if side == Payer.PATIENT else current.paid_by_insurer
        if amount > paid:
            raise BillingError(f"A refund cannot be more than {who} has paid "
                               f"({format_money(max(paid, 0))}).", "amount")
        return
    owed = current.patient_outstanding if side == Payer.PATIENT else current.insurer_outstanding
    if amount > owed:
        action = "write off" if kind == AdjustmentKind.WRITE_OFF else "move to the patient"
        raise BillingError(f"You can {action} at most what {who} still owes "
                           f"({format_money(max(owed, 0))}).", "amount")


def sell_package(patient, *, sessions_total, price_cents, sold_on, expires_on=None):
    """Sell prepaid sessions: the package price is charged to the patient at once."""
    if isinstance(sessions_total, bool) or not isinstance(sessions_total, int) \
            or not 1 <= sessions_total <= 100:
        raise BillingError("Enter a number of sessions from 1 to 100.", "sessions_total")
    check_amount(price_cents, "price")
    check_day(sold_on, "sold_on")
    if expires_on is not None and expires_on < sold_on:
        raise BillingError("The expiry date cannot be before the sale date.", "expires_on")
    package = Package(patient_id=patient.id, sessions_total=sessions_total,
                      price_cents=price_cents, sold_on=sold_on, expires_on=expires_on)
    db.session.add(package)
    db.session.flush()
    db.session.add(Charge(
        patient_id=patient.id, package_id=package.id, code="PACKAGE",
        description=f"Package of {sessions_total} sessions", units=1,
        unit_price_cents=price_cents, billed_cents=price_cents, patient_cents=price_cents,
        expected_insurer_cents=0, coverage=Coverage.PACKAGE_SALE, service_on=sold_on))
    db.session.flush()
    return package


def add_charge(patient, *, code, units, service_on, visit=None):
    """Charge a fee schedule code by hand (e.g. an add-on left off a visit)."""
    entry = db.session.get(FeeScheduleEntry, (code or "").strip().upper())
    if entry is None or not entry.active:
        raise BillingError(f"Unknown fee code “{code}”: use a code from the fee schedule.",
                           "code")
    if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= 20:
        raise BillingError("Enter a number of units from 1 to 20.", "units")
    check_day(service_on, "service_on")
    course_id, _, _ = _allocation(patient, None, visit)
    line = engine.Line(code=entry.code, description=entry.description, units=units,
                       unit_price_cents=entry.price_cents, insurable=entry.insurable,
                       role=entry.role)
    return charging.charge_lines(patient.id, [line], service_on=service_on,
                                 course_id=course_id, visit=visit)


def update_fee(entry, *, description, price_cents, insurable, active):
    description = (description or "").strip()
    if not description:
        raise BillingError("Enter a description.", "description")
    check_amount(price_cents, "price", allow_zero=True)
    entry.description, entry.price_cents = description, price_cents
    entry.insurable, entry.active = bool(insurable), bool(active)
    db.session.flush()
    return entry


def set_practitioner_ids(user, *, npi, license_number=""):
    """Store a practitioner's NPI (checked with its check digit) and licence number."""
    if user.role != Role.PRACTITIONER:
        raise BillingError("Only practitioners have billing identifiers.")
    npi = (npi or "").strip()
    if not engine.is_valid_npi(npi):
        raise BillingError("Enter the 10-digit NPI; this one is not a valid NPI.", "npi")
    ids = db.session.get(PractitionerBillingIds, user.id) or PractitionerBillingIds(
        user_id=user.id)
    ids.npi, ids.license_number = npi, (license_number or "").strip()
    db.session.add(ids)
    db.session.flush()
    return ids


def practitioner_ids(user_ids):
    """{user id: PractitionerBillingIds} for the given users, in one query."""
    if not user_ids:
        return {}
    rows = db.session.scalars(sa.select(PractitionerBillingIds).where(
        PractitionerBillingIds.user_id.in_(list(user_ids))))
    return {row.user_id: row for row in rows}
