"""Turning signed visits into charges: fee lines, the policy's allowances, packages.

Called from the `visit_signed` receiver inside the signing transaction: it flushes and
never commits, so a rollback of the signing also removes the charges.
"""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from tracker.billing import engine
from tracker.billing.models import (
    Charge,
    CoursePolicy,
    Coverage,
    FeeRole,
    FeeScheduleEntry,
    InsurancePolicy,
    Package,
)
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db


def clinic_day(instant):
    """The clinic's calendar day of a UTC instant (dates of service are clinic days)."""
    return instant.astimezone(ZoneInfo(current_app.config["CLINIC_TIMEZONE"])).date()


def fee_lookup():
    """Fee entries keyed as `engine.visit_lines` expects: by role, add-ons by technique.

    Session codes are always used; an inactive add-on is simply not charged.
    """
    fees = {}
    for entry in db.session.scalars(sa.select(FeeScheduleEntry)):
        if entry.role == FeeRole.ADDON:
            if entry.active and entry.technique:
                fees[("addon", entry.technique)] = entry
        else:
            fees[entry.role] = entry
    return fees


def policy_for_course(course_id):
    if course_id is None:
        return None
    return db.session.scalar(
        sa.select(InsurancePolicy).join(CoursePolicy)
        .where(CoursePolicy.course_id == course_id))


def policy_usage(policy, day, *, exclude_visit_id=None):
    """(Usage, deductible left) for `policy` in the plan year containing `day`.

    Counts insured visits already charged in that plan year (plus the visits and deductible
    the insurer reported as used when the policy was entered), in one query.
    """
    start, end = engine.plan_year(day, policy.plan_year_start_month)
    in_year = sa.and_(Charge.service_on >= start, Charge.service_on < end)
    insured = Charge.coverage == Coverage.INSURED
    authorised = insured
    if policy.authorization_starts_on is not None:
        authorised = sa.and_(insured, Charge.service_on >= policy.authorization_starts_on)
    statement = sa.select(
        sa.func.count(sa.distinct(sa.case((sa.and_(in_year, insured), Charge.visit_id)))),
        sa.func.count(sa.distinct(sa.case((authorised, Charge.visit_id)))),
        sa.func.coalesce(sa.func.sum(sa.case((in_year, Charge.deductible_cents), else_=0)), 0),
    ).where(Charge.insurance_policy_id == policy.id)
    if exclude_visit_id is not None:
        statement = statement.where(
            sa.or_(Charge.visit_id.is_(None), Charge.visit_id != exclude_visit_id))
    visits, authorised_visits, deductible_applied = db.session.execute(statement).one()
    reported = start <= policy.reported_on < end
    visits += policy.visits_used_before if reported else 0
    met = int(deductible_applied) + (policy.deductible_met_cents if reported else 0)
    usage = engine.Usage(visits_this_year=visits, authorized_visits_used=authorised_visits)
    return usage, max(policy.deductible_cents - met, 0)


def packages_with_use(patient_id):
    """[(package, sessions used)] for a patient, oldest first, in one query."""
    used = sa.func.count(sa.distinct(sa.case(
        (Charge.coverage == Coverage.PACKAGE, Charge.visit_id))))
    statement = (sa.select(Package, used).outerjoin(Charge, Charge.package_id == Package.id)
                 .where(Package.patient_id == patient_id)
                 .group_by(Package.id).order_by(Package.sold_on, Package.id))
    return [(package, int(count)) for package, count in db.session.execute(statement)]


def usable_package(patient_id, day):
    """The package a visit on `day` draws on: unexpired, sessions left, soonest expiry first."""
    usable = [package for package, used in packages_with_use(patient_id)
              if used < package.sessions_total
              and (package.expires_on is None or day <= package.expires_on)]
    usable.sort(key=lambda package: (package.expires_on is None, package.expires_on
                                     or package.sold_on, package.id))
    return usable[0] if usable else None


def has_evaluation(patient_id):
    return db.session.scalar(sa.select(sa.exists().where(
        Charge.patient_id == patient_id, Charge.code.in_(
            sa.select(FeeScheduleEntry.code).where(
                FeeScheduleEntry.role == FeeRole.EVALUATION)))))


def visit_is_charged(visit_id):
    return db.session.scalar(sa.select(sa.exists().where(Charge.visit_id == visit_id)))


def charge_visit(visit):
    """Create the charges of a just-signed visit; does nothing if it already has charges."""
    if visit.id is None:
        db.session.flush()
    if visit_is_charged(visit.id):
        return []
    settings = clinic_settings()
    with_evaluation = (settings["billing.evaluation_on_first_visit"]
                       and not has_evaluation(visit.patient_id))
    lines = engine.visit_lines(fee_lookup(), minutes=visit.face_to_face_minutes,
                               techniques=visit.techniques or [], with_evaluation=with_evaluation)
    return charge_lines(visit.patient_id, lines, service_on=visit_day(visit),
                        course_id=visit.course_id, visit=visit)


def visit_day(visit):
    instant = visit.appointment.starts_at if visit.appointment else visit.signed_at
    return clinic_day(instant)


def charge_lines(patient_id, lines, *, service_on, course_id=None, visit=None):
    """Split `lines` for one visit (or a visit-less charge) and store them as Charge rows."""
    policy = policy_for_course(course_id)
    coverage, terms = _coverage_and_terms(policy, service_on, visit)
    package = None
    if coverage != Coverage.INSURED and visit is not None:
        package = usable_package(patient_id, service_on)
    results, _ = engine.split_visit(lines, terms, coverage)
    charges = []
    for line, line_coverage, split in results:
        charge = Charge(
            patient_id=patient_id, course_id=course_id, visit_id=visit.id if visit else None,
            practitioner_id=visit.practitioner_id if visit else None,
            insurance_policy_id=policy.id if policy else None, code=line.code,
            description=line.description, units=line.units,
            unit_price_cents=line.unit_price_cents, billed_cents=split.billed,
            expected_insurer_cents=split.insurer, patient_cents=split.patient,
            deductible_cents=split.deductible, coverage=line_coverage, service_on=service_on)
        if package is not None and line.role in FeeRole.SESSION:
            charge.coverage, charge.package_id = Coverage.PACKAGE, package.id
            charge.billed_cents = charge.expected_insurer_cents = charge.patient_cents = 0
        db.session.add(charge)
        charges.append(charge)
    db.session.flush()
    return charges


def _coverage_and_terms(policy, service_on, visit):
    """Whether the policy covers this visit, and its cost sharing as it stands now."""
    if policy is None or not policy.active:
        return Coverage.SELF_PAY, engine.Terms()
    usage, deductible_left = policy_usage(
        policy, service_on, exclude_visit_id=visit.id if visit else None)
    coverage = engine.visit_coverage(
        policy, service_on, usage,
        medicare_max_per_year=clinic_settings()["medicare.max_visits_per_year"])
    return coverage, engine.Terms(deductible_left=deductible_left,
                                  copay_cents=_copay_left(policy, visit),
                                  coinsurance_percent=policy.coinsurance_percent)


def _copay_left(policy, visit):
    """The copay still to collect for this visit: one copay per visit, whatever its lines."""
    if policy.copay_cents is None or visit is None or visit.id is None:
        return policy.copay_cents
    collected = db.session.scalar(sa.select(_copay_part()).where(
        Charge.visit_id == visit.id, Charge.coverage == Coverage.INSURED))
    return max(policy.copay_cents - int(collected or 0), 0)


def _copay_part():
    return sa.func.coalesce(sa.func.sum(Charge.patient_cents - Charge.deductible_cents), 0)
