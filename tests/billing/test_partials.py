"""The billing partials other pages include: content, access and a constant query count."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import render_template_string
from flask_login import login_user

from tests.factories import (
    bill_course_to,
    make_appointment,
    make_course,
    make_package,
    make_patient,
    make_patient_user,
    make_policy,
    make_user,
    sign_and_charge,
)
from tracker.auth.models import Role
from tracker.billing import services
from tracker.extensions import db

COURSE = '{% include "billing/_course_costs.html" ignore missing %}'
PORTAL = '{% include "billing/_portal_balance.html" ignore missing %}'
PATIENT = '{% include "billing/_patient_billing.html" ignore missing %}'
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def render_as(app, user, source, **context):
    with app.test_request_context():
        login_user(user)
        return render_template_string(source, **context)


@contextmanager
def counting_queries():
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def course_with_visits(visits):
    course = make_course(planned_sessions=10)
    bill_course_to(course, make_policy(course.patient, deductible_cents=0, copay_cents=2500,
                                       coinsurance_percent=None))
    for number in range(visits):
        sign_and_charge(make_appointment(course, starts_at=START + timedelta(days=3 * number)),
                        face_to_face_minutes=30)
    return course


def test_course_costs_show_totals_visits_policy_and_forecast(app):
    course = course_with_visits(2)
    html = render_as(app, make_user(Role.PRACTITIONER), COURSE, course=course)
    assert "Totals for this course" in html
    assert "Session 1, 02 Mar 2026" in html and "Session 2, 05 Mar 2026" in html
    assert "99203" in html and "97811" in html
    assert "Blue Harbor Health (BHH123456)</option>" in html and "selected" in html
    assert "Remaining sessions: 8 sessions: about $800.00 in total; your share about $200.00." \
        in html
    assert f'action="/courses/{course.id}/policy"' in html
    assert f'href="/courses/{course.id}/superbill"' in html


def test_partials_use_a_fixed_number_of_queries(app):
    staff = make_user(Role.PRACTITIONER)
    small, large = course_with_visits(1), course_with_visits(6)
    for partial, context in [(COURSE, "course"), (PATIENT, "patient")]:
        counts = []
        for course in (small, large):
            value = course if context == "course" else course.patient
            db.session.expire_all()
            with counting_queries() as statements:
                render_as(app, staff, partial, **{context: value})
            counts.append(len(statements))
        assert counts[0] == counts[1], (partial, counts)


def test_portal_balance_in_plain_language(app):
    course = course_with_visits(1)
    patient = course.patient
    make_package(patient, sessions_total=5, price_cents=35000)
    services.record_payment(patient, payer="patient", method="card", amount_cents=1000,
                            received_on=START.date())
    db.session.commit()
    user = make_patient_user(patient)
    html = render_as(app, user, PORTAL, patient=patient)
    # $25 copay + $350 package - $10 paid
    assert "You owe <strong>$365.00</strong>" in html
    assert "Your insurer is expected to pay $170.00 more." in html
    assert "Prepaid sessions left: <strong>5</strong>" in html
    assert "Blue Harbor" not in html  # policies and call notes are staff-only


def test_portal_partial_shows_nothing_for_someone_elses_record(app):
    course = course_with_visits(1)
    stranger = make_patient_user(make_patient())
    assert "What I owe" not in render_as(app, stranger, PORTAL, patient=course.patient)
    assert "Costs" not in render_as(app, stranger, COURSE, course=course)


def test_portal_credit_and_nothing_owed(app):
    patient = make_patient()
    user = make_patient_user(patient)
    assert "You owe nothing." in render_as(app, user, PORTAL, patient=patient)
    services.record_payment(patient, payer="patient", method="cash", amount_cents=2000,
                            received_on=START.date())
    db.session.commit()
    assert "a credit of <strong>$20.00</strong>" in render_as(app, user, PORTAL, patient=patient)


def test_course_page_forecast_of_an_unlinked_course_is_self_pay(app):
    course = make_course(planned_sessions=6)
    make_policy(course.patient)  # on file, but this course does not bill it
    html = render_as(app, make_user(Role.PRACTITIONER), COURSE, course=course)
    assert "Self-pay: no insurance policy bills this course." in html
