"""Insurance policies and which course bills which policy."""

from datetime import date

import sqlalchemy as sa

from tracker.billing.errors import BillingError
from tracker.billing.models import CoursePolicy, InsurancePolicy
from tracker.extensions import db

POLICY_FIELDS = (
    "payer_name", "member_id", "group_number", "is_medicare", "plan_year_start_month",
    "copay_cents", "coinsurance_percent", "deductible_cents", "deductible_met_cents",
    "visits_used_before", "reported_on", "visit_limit", "authorization_number",
    "authorized_visits", "authorization_starts_on", "authorization_expires_on", "notes",
    "active",
)
TEXT_LIMITS = {"payer_name": 120, "member_id": 40, "group_number": 40,
               "authorization_number": 40}


def _check(values):
    """Refuse values no insurer would state; messages name the field they belong to."""
    for field, limit in TEXT_LIMITS.items():
        values[field] = (values.get(field) or "").strip()
        if len(values[field]) > limit:
            raise BillingError(f"Use at most {limit} characters.", field)
    for field in ("payer_name", "member_id"):
        if not values[field]:
            raise BillingError("This is required.", field)
    if values.get("copay_cents") is not None and values.get("coinsurance_percent") is not None:
        raise BillingError("Enter either a copay or a coinsurance percentage, not both.",
                           "coinsurance_percent")
    percent = values.get("coinsurance_percent")
    if percent is not None and not 0 <= percent <= 100:
        raise BillingError("Enter a percentage from 0 to 100.", "coinsurance_percent")
    for field in ("copay_cents", "deductible_cents", "deductible_met_cents", "visit_limit",
                  "visits_used_before", "authorized_visits"):
        if values.get(field) is not None and values[field] < 0:
            raise BillingError("This cannot be negative.", field)
    if values.get("deductible_met_cents", 0) > values.get("deductible_cents", 0):
        raise BillingError("The amount met cannot be more than the deductible.",
                           "deductible_met_cents")
    if not 1 <= values.get("plan_year_start_month", 1) <= 12:
        raise BillingError("Choose the month the plan year starts.", "plan_year_start_month")
    starts, expires = values.get("authorization_starts_on"), values.get("authorization_expires_on")
    if starts and expires and expires < starts:
        raise BillingError("The authorisation cannot expire before it starts.",
                           "authorization_expires_on")
    values["reported_on"] = values.get("reported_on") or date.today()
    values["notes"] = (values.get("notes") or "").strip()
    return values


def create_policy(patient, **values):
    values = _check({"deductible_cents": 0, "deductible_met_cents": 0, "visits_used_before": 0,
                     "plan_year_start_month": 1, "active": True} | values)
    policy = InsurancePolicy(patient_id=patient.id,
                             **{field: values.get(field) for field in POLICY_FIELDS})
    db.session.add(policy)
    db.session.flush()
    return policy


def update_policy(policy, **values):
    current = {field: getattr(policy, field) for field in POLICY_FIELDS}
    values = _check(current | values)
    for field in POLICY_FIELDS:
        setattr(policy, field, values.get(field))
    db.session.flush()
    return policy


def set_course_policy(course, policy):
    """Make `course` bill `policy` from now on (None: self-pay). Earlier charges keep theirs."""
    link = db.session.get(CoursePolicy, course.id)
    if policy is None:
        if link is not None:
            db.session.delete(link)
        db.session.flush()
        return None
    if policy.patient_id != course.patient_id:
        raise BillingError("That policy belongs to another patient.", "insurance_policy_id")
    if link is None:
        link = CoursePolicy(course_id=course.id, insurance_policy_id=policy.id)
        db.session.add(link)
    link.insurance_policy_id = policy.id
    db.session.flush()
    return link


def patient_policies(patient_id):
    return db.session.scalars(
        sa.select(InsurancePolicy).where(InsurancePolicy.patient_id == patient_id)
        .order_by(InsurancePolicy.active.desc(), InsurancePolicy.id.desc())).all()


def default_policy(patient_id):
    """The policy a new course would bill: the patient's newest active one."""
    return db.session.scalar(
        sa.select(InsurancePolicy).where(InsurancePolicy.patient_id == patient_id,
                                         InsurancePolicy.active.is_(True))
        .order_by(InsurancePolicy.id.desc()).limit(1))
