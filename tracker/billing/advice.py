"""What billing tells the clinical pages: warnings before booking, a forecast when planning.

Both answer questions the clinical core asks through signals (see `billing.signals`);
neither writes anything.
"""

from datetime import date

import sqlalchemy as sa

from tracker.billing import charging, engine
from tracker.billing.models import Charge, CoursePolicy, Coverage, FeeRole
from tracker.billing.policies import default_policy
from tracker.clinic.settings import clinic_settings
from tracker.db import format_money
from tracker.extensions import db
from tracker.treatments import outcomes
from tracker.treatments.models import Appointment, AppointmentStatus, PainCheckin, Visit


def policy_to_bill(patient, course, *, fallback=True):
    """The course's policy; for a course not yet linked (or not yet created), the patient's
    newest active policy, which is what the front desk will most likely link
    (unless `fallback` is False: then an unlinked course is self-pay)."""
    policy = charging.policy_for_course(course.id) if course is not None and course.id else None
    if policy is None and fallback and (course is None or not _course_is_linked(course)):
        policy = default_policy(patient.id)
    return policy if policy is not None and policy.active else None


def _course_is_linked(course):
    return course.id is not None and db.session.get(CoursePolicy, course.id) is not None


def _when(days):
    first = min(days).strftime("%d %b %Y")
    return f"the visit on {first}" if len(days) == 1 else f"{len(days)} visits from {first}"


def booking_warnings(patient, *, course=None, starts_at=()):
    """Warnings for booking visits at `starts_at`: limits, authorisation, Medicare rules."""
    policy = policy_to_bill(patient, course)
    if policy is None or not starts_at:
        return []
    proposed = sorted(charging.clinic_day(instant) for instant in starts_at)
    booked = _booked_days(patient, policy, course)
    name = policy.payer_name
    warnings = []
    beyond_limit = _beyond_visit_limit(policy, proposed, booked)
    if beyond_limit:
        warnings.append(f"{name}: {_when(beyond_limit)} would go beyond the plan's visit limit; "
                        "the patient pays for visits over the limit.")
    warnings += _authorisation_warnings(policy, proposed, booked)
    if policy.is_medicare:
        warnings += _medicare_warnings(policy, proposed, booked, course)
    return warnings


def _booked_days(patient, policy, course):
    """Days of booked, not yet attended appointments that will bill the same policy."""
    linked = sa.select(CoursePolicy.course_id).where(
        CoursePolicy.insurance_policy_id == policy.id)
    same_policy = Appointment.course_id.in_(linked)
    if course is not None and course.id is not None:
        same_policy = sa.or_(same_policy, Appointment.course_id == course.id)
    rows = db.session.scalars(sa.select(Appointment.starts_at).outerjoin(Visit).where(
        Appointment.patient_id == patient.id, Appointment.status == AppointmentStatus.BOOKED,
        Visit.id.is_(None), same_policy))
    return sorted(charging.clinic_day(instant) for instant in rows)


def _beyond_visit_limit(policy, proposed, booked):
    settings = clinic_settings()
    limit = engine.effective_visit_limit(policy, settings["medicare.max_visits_per_year"])
    if limit is None:
        return []
    over = []
    for index, day in enumerate(proposed):
        usage, _ = charging.policy_usage(policy, day)
        start, end = engine.plan_year(day, policy.plan_year_start_month)
        planned = sum(1 for other in booked + proposed[:index] if start <= other < end)
        if usage.visits_this_year + planned >= limit:
            over.append(day)
    return over


def _authorisation_warnings(policy, proposed, booked):
    warnings, name = [], policy.payer_name
    expires, starts = policy.authorization_expires_on, policy.authorization_starts_on
    outside = [day for day in proposed
               if (expires and day > expires) or (starts and day < starts)]
    if outside:
        until = f" (valid until {expires:%d %b %Y})" if expires else ""
        warnings.append(f"{name}: {_when(outside)} would fall outside the prior authorisation"
                        f"{until}; renew it or the patient pays.")
    if policy.authorized_visits is not None:
        usage, _ = charging.policy_usage(policy, proposed[0])
        left = policy.authorized_visits - usage.authorized_visits_used - len(booked)
        over = [day for index, day in enumerate(proposed) if index >= max(left, 0)]
        if over:
            warnings.append(f"{name}: {_when(over)} would go beyond the "
                            f"{policy.authorized_visits} authorised visits; ask the insurer "
                            "for more or the patient pays.")
    return warnings


def _medicare_warnings(policy, proposed, booked, course):
    rules = engine.MedicareRules.from_settings(clinic_settings())
    earlier = db.session.scalars(
        sa.select(Charge.service_on).where(Charge.insurance_policy_id == policy.id,
                                           Charge.coverage == Coverage.INSURED)
        .group_by(Charge.visit_id, Charge.service_on)).all()
    problems = engine.medicare_problems(list(earlier) + booked, proposed,
                                        improving=course_is_improving(course), rules=rules)
    warnings = []
    if problems["needs_improvement"]:
        warnings.append(
            f"Medicare: {_when(problems['needs_improvement'])} would go beyond "
            f"{rules.initial_visits} visits in {rules.initial_days} days; Medicare pays for "
            f"up to {rules.extra_visits} more only when the patient is improving, and this "
            "course does not show improvement yet.")
    if problems["over_limit"]:
        warnings.append(
            f"Medicare: {_when(problems['over_limit'])} would go beyond "
            f"{rules.max_per_year} visits a year; Medicare does not pay for them.")
    return warnings


def course_is_improving(course):
    """Whether the outcome rules show the course improving (or recovered)."""
    if course is None or course.id is None:
        return False
    visits = db.session.execute(
        sa.select(Visit.pain_before, Visit.pain_after, Visit.session_number,
                  Appointment.starts_at).join(Appointment, Visit.appointment_id == Appointment.id)
        .where(Visit.course_id == course.id, Visit.signed_at.is_not(None))).all()
    checkins = db.session.execute(sa.select(PainCheckin.pain, PainCheckin.recorded_at).where(
        PainCheckin.course_id == course.id)).all()
    scores = [outcomes.Score(at=at, pain=pain, kind=kind, session=session)
              for before, after, session, at in visits
              for pain, kind in ((before, "before"), (after, "after")) if pain is not None]
    scores += [outcomes.Score(at=at, pain=pain, kind="checkin", source="portal")
               for pain, at in checkins]
    thresholds = outcomes.Thresholds.from_settings(clinic_settings())
    state = outcomes.decision(course.baseline_pain, scores, len(visits), thresholds)
    return state in (outcomes.IMPROVING, outcomes.RECOVERED)


def cost_forecast(patient, *, planned_sessions, course=None, assume_policy=True):
    """Lines such as "8 sessions: about $800.00 in total; your share about $260.00.".

    When planning (`assume_policy`), a course not yet linked to a policy is forecast with
    the patient's newest active policy; the course page forecasts what it really bills.
    """
    if not planned_sessions or planned_sessions < 1:
        return []
    settings = clinic_settings()
    fees = charging.fee_lookup()
    minutes = settings["billing.forecast_minutes"]
    evaluation = (settings["billing.evaluation_on_first_visit"]
                  and not charging.has_evaluation(patient.id) and FeeRole.EVALUATION in fees)
    start = course.start_on if course is not None and course.start_on else date.today()
    policy = policy_to_bill(patient, course, fallback=assume_policy)
    plan = _Simulation(policy, start, settings, _package_sessions_left(patient.id, start))
    for number in range(planned_sessions):
        plan.add_visit(engine.visit_lines(fees, minutes=minutes, techniques=[],
                                          with_evaluation=evaluation and number == 0))
    lines = [f"{planned_sessions} sessions: about {format_money(plan.total)} in total; "
             f"your share about {format_money(plan.share)}."]
    basis = f"Based on {minutes} minutes face to face per session, without e-stim or add-ons"
    lines.append(basis + (", including the new-patient evaluation." if evaluation else "."))
    lines.append(_policy_line(policy, plan))
    if plan.not_covered:
        lines.append(f"{plan.not_covered} session{'s' if plan.not_covered != 1 else ''} "
                     "beyond the plan's visit limit or authorisation: the patient pays.")
    if plan.from_package:
        lines.append(f"{plan.from_package} session{'s' if plan.from_package != 1 else ''} "
                     "from the prepaid package.")
    return lines


def _policy_line(policy, plan):
    if policy is None:
        return "Self-pay: no insurance policy bills this course."
    if policy.copay_cents is not None:
        sharing = f"then a {format_money(policy.copay_cents)} copay per visit"
    elif policy.coinsurance_percent is not None:
        sharing = f"then {policy.coinsurance_percent} % coinsurance"
    else:
        sharing = "then the insurer pays in full"
    return (f"{policy.payer_name}: {format_money(plan.deductible_left_at_start)} of the "
            f"deductible left, {sharing}.")


def _package_sessions_left(patient_id, day):
    return sum(package.sessions_total - used
               for package, used in charging.packages_with_use(patient_id)
               if package.expires_on is None or package.expires_on >= day)


class _Simulation:
    """Runs the engine over planned visits, as if each were signed in turn."""

    def __init__(self, policy, start, settings, package_left):
        self.policy, self.start, self.package_left = policy, start, package_left
        self.total = self.share = self.not_covered = self.from_package = 0
        self.covered_left = self.deductible_left = 0
        if policy is not None:
            usage, self.deductible_left = charging.policy_usage(policy, start)
            self.covered_left = _covered_visits_left(policy, start, usage, settings)
        self.deductible_left_at_start = self.deductible_left

    def add_visit(self, lines):
        coverage = Coverage.SELF_PAY
        if self.policy is not None:
            coverage = Coverage.INSURED if self.covered_left > 0 else Coverage.OVER_VISIT_LIMIT
            self.covered_left -= 1
            self.not_covered += coverage != Coverage.INSURED
        packaged = coverage != Coverage.INSURED and self.package_left > 0
        terms = engine.Terms(self.deductible_left,
                             self.policy.copay_cents if self.policy else None,
                             self.policy.coinsurance_percent if self.policy else None)
        results, self.deductible_left = engine.split_visit(lines, terms, coverage)
        for line, _, split in results:
            self.total += split.billed
            if not (packaged and line.role in FeeRole.SESSION):
                self.share += split.patient
        if packaged:
            self.package_left -= 1
            self.from_package += 1


def _covered_visits_left(policy, start, usage, settings):
    limit = engine.effective_visit_limit(policy, settings["medicare.max_visits_per_year"])
    left = float("inf") if limit is None else limit - usage.visits_this_year
    if policy.authorized_visits is not None:
        left = min(left, policy.authorized_visits - usage.authorized_visits_used)
    if policy.authorization_expires_on is not None and policy.authorization_expires_on < start:
        left = 0
    return max(left, 0)
