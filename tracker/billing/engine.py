"""The cost engine: pure functions over integer cents, no database, no Flask.

How a visit is charged
  One initial 15-minute code (97810, or 97813 with e-stim), plus one additional code
  (97811 / 97814) for each further 15 minutes of face-to-face time, counted with the
  8-minute rule: units = (minutes + 7) // 15, at least 1 (8–22 min = 1, 23–37 = 2, 38–52 = 3).
  Add-ons (cupping, moxibustion) are one unit each when the technique was used.

How a charge is split between insurer and patient (insured visits)
  1. Deductible first: the patient pays up to what is left of the plan year's deductible.
  2. Then a copay (a fixed amount, at most once per visit across its lines) or a
     coinsurance percentage of what remains of each line.
  3. The insurer is expected to pay the rest, so insurer + patient == billed, always.
  Lines the insurer never covers (add-ons marked "not insurable") are the patient's in full
  and do not count toward the deductible. Visits beyond the plan's visit limit or outside
  the prior authorisation are the patient's in full.

Rounding rule (the only place a fraction of a cent can arise)
  Coinsurance is computed per charge line on the amount left after the deductible, as an
  exact decimal, and rounded half up to the cent (tracker.db.percent_of): 20 % of $95.00 is
  $19.00, 20 % of $97.50 is $19.50, 15 % of $0.10 (1.5 cents) is 2 cents. The insurer's part
  is billed − patient part, never rounded separately, so the parts always add up exactly.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.billing.models import Coverage, FeeRole
from tracker.db import percent_of


@dataclass(frozen=True)
class Line:
    """One line to charge, before it is split."""

    code: str
    description: str
    units: int
    unit_price_cents: int
    insurable: bool
    role: str

    @property
    def amount_cents(self):
        return self.units * self.unit_price_cents


@dataclass(frozen=True)
class Split:
    billed: int
    insurer: int
    patient: int
    #: the part of `patient` that went toward the deductible
    deductible: int = 0


@dataclass(frozen=True)
class Terms:
    """A policy's cost sharing as it stands for one visit."""

    deductible_left: int = 0
    copay_cents: int | None = None
    coinsurance_percent: int | None = None


def session_units(face_to_face_minutes):
    """Billing units of face-to-face time by the 8-minute rule; a session is at least 1."""
    return max(1, (max(face_to_face_minutes, 0) + 7) // 15)


def visit_lines(fees, *, minutes, techniques, with_evaluation=False):
    """The lines a signed visit produces, from `fees` (role or technique -> entry).

    `fees` maps each FeeRole of the session codes (and "evaluation") to an entry with
    code, description, price_cents and insurable, and each add-on technique to its entry.
    """
    estim = "electro" in techniques
    initial = fees[FeeRole.INITIAL_ESTIM if estim else FeeRole.INITIAL]
    additional = fees[FeeRole.ADDITIONAL_ESTIM if estim else FeeRole.ADDITIONAL]
    lines = []
    if with_evaluation and FeeRole.EVALUATION in fees:
        lines.append(_line(fees[FeeRole.EVALUATION], 1, FeeRole.EVALUATION))
    lines.append(_line(initial, 1, initial.role))
    extra_units = session_units(minutes) - 1
    if extra_units:
        lines.append(_line(additional, extra_units, additional.role))
    for technique in sorted(set(techniques)):
        entry = fees.get(("addon", technique))
        if entry is not None:
            lines.append(_line(entry, 1, FeeRole.ADDON))
    return lines


def _line(entry, units, role):
    return Line(code=entry.code, description=entry.description, units=units,
                unit_price_cents=entry.price_cents, insurable=entry.insurable, role=role)


def split_charge(billed, *, deductible_left=0, copay_left=None, coinsurance_percent=None):
    """Split one insurable line: deductible first, then copay or coinsurance."""
    if billed < 0:
        raise ValueError("A charge cannot be negative.")
    deductible = min(billed, max(deductible_left, 0))
    rest = billed - deductible
    if copay_left is not None:
        share = min(rest, max(copay_left, 0))
    elif coinsurance_percent is not None:
        share = percent_of(rest, coinsurance_percent)
    else:
        share = 0
    patient = deductible + share
    return Split(billed=billed, insurer=billed - patient, patient=patient, deductible=deductible)


def split_visit(lines, terms, coverage=Coverage.INSURED):
    """Split every line of one visit; returns [(line, coverage, Split)] and the deductible left.

    Only `Coverage.INSURED` visits involve the insurer; any other coverage makes every line
    the patient's. One copay covers the whole visit; coinsurance applies to each line.
    """
    deductible_left, copay_left = terms.deductible_left, terms.copay_cents
    results = []
    for line in lines:
        amount = line.amount_cents
        if coverage != Coverage.INSURED:
            results.append((line, coverage, Split(amount, 0, amount)))
        elif not line.insurable:
            results.append((line, Coverage.NOT_INSURABLE, Split(amount, 0, amount)))
        else:
            split = split_charge(amount, deductible_left=deductible_left, copay_left=copay_left,
                                 coinsurance_percent=terms.coinsurance_percent)
            deductible_left -= split.deductible
            if copay_left is not None:
                copay_left -= split.patient - split.deductible
            results.append((line, Coverage.INSURED, split))
    return results, deductible_left


@dataclass(frozen=True)
class Usage:
    """How much of a policy's allowances is used when a visit is charged or booked."""

    #: covered visits already counted in this plan year (including those reported)
    visits_this_year: int = 0
    #: covered visits already counted against the prior authorisation
    authorized_visits_used: int = 0


def effective_visit_limit(policy, medicare_max_per_year):
    """The plan's yearly visit limit; Medicare never covers more than its yearly maximum."""
    limit = policy.visit_limit
    if policy.is_medicare:
        limit = medicare_max_per_year if limit is None else min(limit, medicare_max_per_year)
    return limit


def visit_coverage(policy, service_on, usage, *, medicare_max_per_year=20):
    """Whether the insurer covers a visit on `service_on`, or why the patient pays it."""
    limit = effective_visit_limit(policy, medicare_max_per_year)
    if limit is not None and usage.visits_this_year >= limit:
        return Coverage.OVER_VISIT_LIMIT
    expires = policy.authorization_expires_on
    starts = policy.authorization_starts_on
    if (expires is not None and service_on > expires) or (starts and service_on < starts):
        return Coverage.AUTHORISATION_EXPIRED
    if (policy.authorized_visits is not None
            and usage.authorized_visits_used >= policy.authorized_visits):
        return Coverage.AUTHORISATION_USED
    return Coverage.INSURED


def plan_year(day, start_month):
    """The plan year containing `day`, as (first day, first day of the next year)."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1), date(year + 1, start_month, 1)


@dataclass(frozen=True)
class MedicareRules:
    initial_visits: int = 12
    initial_days: int = 90
    extra_visits: int = 8
    max_per_year: int = 20

    @classmethod
    def from_settings(cls, settings):
        return cls(initial_visits=settings["medicare.initial_visits"],
                   initial_days=settings["medicare.initial_days"],
                   extra_visits=settings["medicare.extra_visits"],
                   max_per_year=settings["medicare.max_visits_per_year"])


def medicare_problems(earlier, proposed, *, improving, rules=MedicareRules()):
    """Which proposed visit days Medicare would not cover, by rule.

    `earlier` are the days of visits already made or booked under the Medicare policy;
    the episode starts at the first of them within a year of the first proposed day.
    Returns {"needs_improvement": [days], "over_limit": [days]}: visits past the first
    period (12 visits or 90 days) are covered only while the patient improves; visits past
    12 + 8, or past 20 in a rolling year, are never covered.
    """
    problems = {"needs_improvement": [], "over_limit": []}
    if not proposed:
        return problems
    proposed = sorted(proposed)
    horizon = proposed[0] - timedelta(days=365)
    days = sorted(day for day in earlier if day >= horizon)
    episode_start = min(days[0], proposed[0]) if days else proposed[0]
    for day in proposed:
        days.append(day)
        number = sum(1 for other in days if other <= day)
        in_year = sum(1 for other in days if day - timedelta(days=365) < other <= day)
        in_first_period = day < episode_start + timedelta(days=rules.initial_days)
        if number > rules.initial_visits + rules.extra_visits or in_year > rules.max_per_year:
            problems["over_limit"].append(day)
        elif (number > rules.initial_visits or not in_first_period) and not improving:
            problems["needs_improvement"].append(day)
    return problems


def is_valid_npi(npi):
    """A National Provider Identifier: 10 digits whose Luhn check (prefixed 80840) holds."""
    if not (isinstance(npi, str) and len(npi) == 10 and npi.isdigit()):
        return False
    digits = [int(char) for char in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0
