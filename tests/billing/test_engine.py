"""The cost engine on hand-checked cases (pure functions, no database)."""

from datetime import date
from types import SimpleNamespace

import pytest

from tracker.billing import engine
from tracker.billing.engine import Line, Split, Terms, Usage
from tracker.billing.fees import FEE_SCHEDULE
from tracker.billing.models import Coverage


def fee_table():
    fees = {}
    for code, description, price, role, technique, insurable in FEE_SCHEDULE:
        entry = SimpleNamespace(code=code, description=description, price_cents=price,
                                role=role, insurable=insurable)
        fees[("addon", technique) if technique else role] = entry
    return fees


def codes(lines):
    return [(line.code, line.units) for line in lines]


@pytest.mark.parametrize("minutes,units", [
    (0, 1), (7, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3), (45, 3), (53, 4)])
def test_units_follow_the_eight_minute_rule(minutes, units):
    assert engine.session_units(minutes) == units


def test_a_plain_visit_is_one_initial_code_and_additional_units():
    lines = engine.visit_lines(fee_table(), minutes=45, techniques=["manual"])
    assert codes(lines) == [("97810", 1), ("97811", 2)]
    assert sum(line.amount_cents for line in lines) == 7000 + 2 * 3000


def test_estim_visits_use_the_estim_codes_and_add_ons_are_added():
    lines = engine.visit_lines(fee_table(), minutes=30,
                               techniques=["electro", "cupping", "moxibustion"],
                               with_evaluation=True)
    assert codes(lines) == [("99203", 1), ("97813", 1), ("97814", 1), ("CUPPING", 1),
                            ("MOXA", 1)]


def test_a_fifteen_minute_visit_has_no_additional_code():
    assert codes(engine.visit_lines(fee_table(), minutes=15, techniques=[])) == [("97810", 1)]


@pytest.mark.parametrize("billed,percent,patient", [
    (9500, 20, 1900),   # 20 % of $95.00 = $19.00
    (9750, 20, 1950),   # 20 % of $97.50 = $19.50
    (10, 15, 2),        # 1.5 cents rounds half up to 2 cents
    (10, 14, 1),        # 1.4 cents rounds down
    (7000, 0, 0),
    (7000, 100, 7000),
])
def test_coinsurance_rounds_half_up_to_the_cent(billed, percent, patient):
    split = engine.split_charge(billed, coinsurance_percent=percent)
    assert (split.patient, split.insurer) == (patient, billed - patient)


def test_deductible_partly_met_then_coinsurance():
    # $50 of the deductible left; $70 line: $50 deductible + 20 % of $20 = $54 for the patient.
    split = engine.split_charge(7000, deductible_left=5000, coinsurance_percent=20)
    assert split == Split(billed=7000, insurer=1600, patient=5400, deductible=5000)


def test_deductible_larger_than_the_charge_is_all_patient():
    split = engine.split_charge(7000, deductible_left=50000, coinsurance_percent=20)
    assert split == Split(billed=7000, insurer=0, patient=7000, deductible=7000)


def test_copay_is_collected_once_per_visit():
    lines = [Line("97810", "", 1, 7000, True, "initial"),
             Line("97811", "", 1, 3000, True, "additional")]
    results, left = engine.split_visit(lines, Terms(copay_cents=2500))
    assert [split for _, _, split in results] == [Split(7000, 4500, 2500), Split(3000, 3000, 0)]
    assert left == 0


def test_deductible_across_lines_then_copay():
    lines = [Line("97810", "", 1, 7000, True, "initial"),
             Line("97811", "", 1, 3000, True, "additional")]
    results, left = engine.split_visit(lines, Terms(deductible_left=6000, copay_cents=2500))
    # line 1: $60 deductible + $10 of the copay; line 2: $15 rest of the copay
    assert [split for _, _, split in results] == [Split(7000, 0, 7000, 6000),
                                                   Split(3000, 1500, 1500, 0)]
    assert left == 0


def test_not_insurable_add_ons_are_the_patients_and_skip_the_deductible():
    lines = [Line("97810", "", 1, 7000, True, "initial"),
             Line("CUPPING", "", 1, 3000, False, "addon")]
    results, left = engine.split_visit(lines, Terms(deductible_left=10000,
                                                    coinsurance_percent=20))
    assert [(coverage, split.patient) for _, coverage, split in results] == [
        (Coverage.INSURED, 7000), (Coverage.NOT_INSURABLE, 3000)]
    assert left == 3000


def test_uncovered_visits_are_all_patient():
    lines = [Line("97810", "", 1, 7000, True, "initial")]
    results, left = engine.split_visit(lines, Terms(deductible_left=100, copay_cents=10),
                                       Coverage.OVER_VISIT_LIMIT)
    assert results[0][1:] == (Coverage.OVER_VISIT_LIMIT, Split(7000, 0, 7000))
    assert left == 100


def policy(**overrides):
    values = {"visit_limit": None, "is_medicare": False, "authorized_visits": None,
              "authorization_starts_on": None, "authorization_expires_on": None} | overrides
    return SimpleNamespace(**values)


@pytest.mark.parametrize("terms,usage,day,expected", [
    ({}, Usage(), date(2026, 3, 2), Coverage.INSURED),
    ({"visit_limit": 20}, Usage(visits_this_year=19), date(2026, 3, 2), Coverage.INSURED),
    ({"visit_limit": 20}, Usage(visits_this_year=20), date(2026, 3, 2),
     Coverage.OVER_VISIT_LIMIT),
    ({"is_medicare": True}, Usage(visits_this_year=20), date(2026, 3, 2),
     Coverage.OVER_VISIT_LIMIT),
    ({"authorized_visits": 6}, Usage(authorized_visits_used=6), date(2026, 3, 2),
     Coverage.AUTHORISATION_USED),
    ({"authorization_expires_on": date(2026, 3, 1)}, Usage(), date(2026, 3, 2),
     Coverage.AUTHORISATION_EXPIRED),
    ({"authorization_expires_on": date(2026, 3, 2)}, Usage(), date(2026, 3, 2),
     Coverage.INSURED),
    ({"authorization_starts_on": date(2026, 3, 3)}, Usage(), date(2026, 3, 2),
     Coverage.AUTHORISATION_EXPIRED),
])
def test_visit_coverage(terms, usage, day, expected):
    assert engine.visit_coverage(policy(**terms), day, usage) == expected


@pytest.mark.parametrize("day,month,expected", [
    (date(2026, 3, 2), 1, (date(2026, 1, 1), date(2027, 1, 1))),
    (date(2026, 3, 2), 7, (date(2025, 7, 1), date(2026, 7, 1))),
    (date(2026, 7, 1), 7, (date(2026, 7, 1), date(2027, 7, 1))),
])
def test_plan_year(day, month, expected):
    assert engine.plan_year(day, month) == expected


def weekly(start, count):
    return [date.fromordinal(start.toordinal() + 7 * week) for week in range(count)]


def test_medicare_twelve_visits_then_only_when_improving():
    days = weekly(date(2026, 1, 5), 14)
    problems = engine.medicare_problems([], days, improving=False)
    # weeks 13 and 14 are past both the 12 visits and the 90 days
    assert problems == {"needs_improvement": days[12:], "over_limit": []}
    assert engine.medicare_problems([], days, improving=True) == {
        "needs_improvement": [], "over_limit": []}


def test_medicare_never_more_than_twenty():
    earlier = weekly(date(2026, 1, 5), 18)
    proposed = weekly(date(2026, 5, 11), 4)
    problems = engine.medicare_problems(earlier, proposed, improving=True)
    assert problems["over_limit"] == proposed[2:]


@pytest.mark.parametrize("npi,valid", [
    ("1234567893", True), ("1234567890", False), ("123456789", False), ("12345678a3", False)])
def test_npi_check_digit(npi, valid):
    assert engine.is_valid_npi(npi) is valid
