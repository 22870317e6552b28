"""Warnings before booking and the cost forecast when a course is planned (via signals)."""

from datetime import UTC, date, datetime, timedelta

from tests.factories import (
    bill_course_to,
    make_appointment,
    make_checkin,
    make_course,
    make_package,
    make_patient,
    make_policy,
    sign_and_charge,
)
from tracker.treatments.signals import booking_warnings, collect, course_planning_notes

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def weekly(count, start=START):
    return [start + timedelta(weeks=week) for week in range(count)]


def test_no_policy_no_warnings():
    course = make_course()
    assert collect(booking_warnings, course.patient, course=course, starts_at=weekly(8)) == []


def test_visit_limit_warning_counts_booked_and_proposed_visits():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, visit_limit=10, visits_used_before=4))
    sign_and_charge(make_appointment(course, starts_at=START - timedelta(days=7)))
    make_appointment(course, starts_at=START - timedelta(days=1))  # booked, not yet seen
    warnings = collect(booking_warnings, course.patient, course=course, starts_at=weekly(6))
    # 4 reported + 1 charged + 1 booked = 6 used: 4 of the 6 fit, 2 go beyond the limit
    assert warnings == ["Blue Harbor Health: 2 visits from 30 Mar 2026 would go beyond the "
                        "plan's visit limit; the patient pays for visits over the limit."]


def test_authorisation_count_and_expiry_warnings():
    course = make_course()
    bill_course_to(course, make_policy(course.patient, authorized_visits=3,
                                       authorization_expires_on=date(2026, 3, 20)))
    warnings = collect(booking_warnings, course.patient, course=course, starts_at=weekly(4))
    assert warnings == [
        "Blue Harbor Health: the visit on 23 Mar 2026 would fall outside the prior "
        "authorisation (valid until 20 Mar 2026); renew it or the patient pays.",
        "Blue Harbor Health: the visit on 23 Mar 2026 would go beyond the 3 authorised "
        "visits; ask the insurer for more or the patient pays.",
    ]


def medicare_course(baseline=7):
    course = make_course(baseline_pain=baseline)
    bill_course_to(course, make_policy(course.patient, payer_name="Medicare Part B",
                                       is_medicare=True, deductible_cents=0))
    return course


def test_medicare_extra_visits_only_when_improving():
    course = medicare_course()
    for when in weekly(10, START - timedelta(weeks=10)):
        sign_and_charge(make_appointment(course, starts_at=when), pain_before=7)
    warnings = collect(booking_warnings, course.patient, course=course, starts_at=weekly(4))
    assert warnings == [
        "Medicare: 2 visits from 16 Mar 2026 would go beyond 12 visits in 90 days; Medicare "
        "pays for up to 8 more only when the patient is improving, and this course does not "
        "show improvement yet."]
    make_checkin(course, pain=3, recorded_at=START - timedelta(days=1))  # 7 -> 3: responder
    assert collect(booking_warnings, course.patient, course=course, starts_at=weekly(4)) == []


def test_medicare_twenty_a_year():
    course = medicare_course()
    make_checkin(course, pain=2, recorded_at=START - timedelta(days=1))
    for when in weekly(18, START - timedelta(weeks=18)):
        sign_and_charge(make_appointment(course, starts_at=when), pain_before=3)
    warnings = collect(booking_warnings, course.patient, course=course, starts_at=weekly(3))
    # 18 visits since late October (most in the previous plan year): the rolling year counts
    assert warnings == ["Medicare: the visit on 16 Mar 2026 would go beyond 20 visits a year; "
                        "Medicare does not pay for them."]


def test_forecast_self_pay():
    patient = make_patient()
    lines = collect(course_planning_notes, patient, planned_sessions=8, practitioner=None,
                    course=None)
    # 8 × ($70 + $30) + $95 evaluation
    assert lines[0] == "8 sessions: about $895.00 in total; your share about $895.00."
    assert "including the new-patient evaluation" in lines[1]
    assert lines[2] == "Self-pay: no insurance policy bills this course."


def test_forecast_with_deductible_coinsurance_and_visit_limit():
    course = make_course(start_on=date(2026, 3, 2))
    bill_course_to(course, make_policy(course.patient, deductible_cents=50000,
                                       deductible_met_cents=40000, coinsurance_percent=20,
                                       visit_limit=6, visits_used_before=0))
    lines = collect(course_planning_notes, course.patient, planned_sessions=8,
                    practitioner=course.practitioner, course=course)
    # insured: $95 + 6 × $100 = $695; $100 deductible then 20 % of $595 = $119 -> $219;
    # 2 sessions beyond the limit: $200. Share $419 of $895.
    assert lines[0] == "8 sessions: about $895.00 in total; your share about $419.00."
    assert ("Blue Harbor Health: $100.00 of the deductible left, then 20 % coinsurance."
            in lines)
    assert ("2 sessions beyond the plan's visit limit or authorisation: the patient pays."
            in lines)


def test_forecast_counts_package_sessions():
    patient = make_patient()
    make_package(patient, sessions_total=5, price_cents=35000)
    lines = collect(course_planning_notes, patient, planned_sessions=6, practitioner=None,
                    course=None)
    assert lines[0] == "6 sessions: about $695.00 in total; your share about $195.00."
    assert "5 sessions from the prepaid package." in lines
