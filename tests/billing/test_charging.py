"""Signing a visit creates its charges, split by the course's policy (hand-checked)."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from tests.factories import (
    bill_course_to,
    make_appointment,
    make_course,
    make_package,
    make_policy,
    sign_and_charge,
)
from tracker.billing.models import Charge, Coverage
from tracker.billing.totals import totals
from tracker.extensions import db

MARCH_2 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def charges_of(visit):
    return db.session.scalars(sa.select(Charge).where(Charge.visit_id == visit.id)
                              .order_by(Charge.id)).all()


def lines(visit):
    return [(charge.code, charge.units, charge.billed_cents, charge.expected_insurer_cents,
             charge.patient_cents, charge.coverage) for charge in charges_of(visit)]


def visit_on(course, day_offset=0, **overrides):
    appointment = make_appointment(course, starts_at=MARCH_2 + timedelta(days=day_offset))
    return sign_and_charge(appointment, **overrides)


def test_self_pay_first_visit_includes_the_evaluation():
    course = make_course()
    visit = visit_on(course, face_to_face_minutes=30)
    assert lines(visit) == [
        ("99203", 1, 9500, 0, 9500, Coverage.SELF_PAY),
        ("97810", 1, 7000, 0, 7000, Coverage.SELF_PAY),
        ("97811", 1, 3000, 0, 3000, Coverage.SELF_PAY),
    ]
    second = visit_on(course, 3, face_to_face_minutes=15, techniques=["electro", "cupping"])
    assert lines(second) == [("97813", 1, 8000, 0, 8000, Coverage.SELF_PAY),
                             ("CUPPING", 1, 3000, 0, 3000, Coverage.SELF_PAY)]
    assert charges_of(second)[0].service_on == date(2026, 3, 5)
    assert charges_of(second)[0].practitioner_id == course.practitioner_id


def test_a_visit_is_charged_once_even_if_the_signal_repeats():
    from tracker.treatments.signals import visit_signed

    visit = visit_on(make_course())
    before = len(charges_of(visit))
    visit_signed.send(visit)
    db.session.commit()
    assert len(charges_of(visit)) == before


def test_deductible_partly_met_then_coinsurance():
    course = make_course()
    policy = make_policy(course.patient, deductible_cents=50000, deductible_met_cents=45000,
                         coinsurance_percent=20)
    bill_course_to(course, policy)
    visit = visit_on(course, 0, face_to_face_minutes=30)
    # $50 deductible left: 99203 $95 -> $50 + 20 % of $45 = $59; then 20 % of $70 and $30.
    # Altogether $50 + 20 % of ($195 - $50) = $79 for the patient.
    assert lines(visit) == [("99203", 1, 9500, 3600, 5900, Coverage.INSURED),
                            ("97810", 1, 7000, 5600, 1400, Coverage.INSURED),
                            ("97811", 1, 3000, 2400, 600, Coverage.INSURED)]
    assert [charge.deductible_cents for charge in charges_of(visit)] == [5000, 0, 0]
    next_visit = visit_on(course, 7, face_to_face_minutes=15)
    assert lines(next_visit) == [("97810", 1, 7000, 5600, 1400, Coverage.INSURED)]


def make_evaluation_already_charged(course):
    """Sign a first visit so that later visits carry no evaluation."""
    return visit_on(course, 0)


def test_copay_once_per_visit():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=0,
                                       coinsurance_percent=None, copay_cents=2500))
    make_evaluation_already_charged(course)
    visit = visit_on(course, 7, face_to_face_minutes=45)
    assert lines(visit) == [("97810", 1, 7000, 4500, 2500, Coverage.INSURED),
                            ("97811", 2, 6000, 6000, 0, Coverage.INSURED)]


def test_visit_limit_exceeded_makes_the_visit_the_patients():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=0, visit_limit=2))
    first = visit_on(course, 0)
    second = visit_on(course, 3, face_to_face_minutes=15)
    third = visit_on(course, 7, face_to_face_minutes=15)
    assert {charge.coverage for charge in charges_of(first) + charges_of(second)} == {
        Coverage.INSURED}
    assert lines(third) == [("97810", 1, 7000, 0, 7000, Coverage.OVER_VISIT_LIMIT)]


def test_visits_reported_as_used_count_against_the_limit():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=0, visit_limit=10,
                                       visits_used_before=10))
    visit = visit_on(course, 0, face_to_face_minutes=15)
    assert {charge.coverage for charge in charges_of(visit)} == {Coverage.OVER_VISIT_LIMIT}


def test_authorisation_expired_and_used_up():
    course = make_course()
    bill_course_to(course, make_policy(
        course.patient, deductible_cents=0, authorization_number="AUTH-77",
        authorized_visits=1, authorization_expires_on=date(2026, 3, 4)))
    covered = visit_on(course, 0, face_to_face_minutes=15)
    used_up = visit_on(course, 1, face_to_face_minutes=15)
    expired = visit_on(course, 3, face_to_face_minutes=15)
    assert [charge.coverage for charge in charges_of(covered)] == [Coverage.INSURED] * 2
    assert lines(used_up) == [("97810", 1, 7000, 0, 7000, Coverage.AUTHORISATION_USED)]
    assert lines(expired) == [("97810", 1, 7000, 0, 7000, Coverage.AUTHORISATION_EXPIRED)]


def test_package_is_drawn_down_and_covers_only_session_codes():
    course = make_course()
    package = make_package(course.patient, sessions_total=2, price_cents=15000)
    first = visit_on(course, 0, face_to_face_minutes=30, techniques=["manual", "moxibustion"])
    assert lines(first) == [("99203", 1, 9500, 0, 9500, Coverage.SELF_PAY),
                            ("97810", 1, 0, 0, 0, Coverage.PACKAGE),
                            ("97811", 1, 0, 0, 0, Coverage.PACKAGE),
                            ("MOXA", 1, 2000, 0, 2000, Coverage.SELF_PAY)]
    assert charges_of(first)[1].package_id == package.id
    visit_on(course, 3, face_to_face_minutes=15)
    third = visit_on(course, 7, face_to_face_minutes=15)
    assert lines(third) == [("97810", 1, 7000, 0, 7000, Coverage.SELF_PAY)]
    account = totals(patient_id=course.patient_id)
    assert account.billed == 15000 + 9500 + 2000 + 7000


def test_expired_package_is_not_used():
    course = make_course()
    make_package(course.patient, expires_on=date(2026, 3, 1))
    visit = visit_on(course, 0, face_to_face_minutes=15)
    assert Coverage.PACKAGE not in {charge.coverage for charge in charges_of(visit)}


def test_insured_visits_do_not_draw_the_package():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=0))
    make_package(course.patient)
    visit = visit_on(course, 0, face_to_face_minutes=15)
    assert {charge.coverage for charge in charges_of(visit)} == {Coverage.INSURED}


def test_deductible_resets_with_the_plan_year():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, deductible_cents=10000,
                                       deductible_met_cents=10000, coinsurance_percent=None,
                                       reported_on=date(2025, 12, 1)))
    visit = visit_on(course, 0, face_to_face_minutes=15)
    # the $100 met was in 2025; in 2026 the deductible starts again
    assert sum(charge.deductible_cents for charge in charges_of(visit)) == 10000
