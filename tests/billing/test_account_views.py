"""Staff pages of a patient's account: each form saves, refuses bad input, hides from patients."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_course,
    make_package,
    make_patient,
    make_patient_user,
    make_policy,
    sign_and_charge,
)
from tracker.billing.models import (
    Adjustment,
    Charge,
    CoursePolicy,
    InsurancePolicy,
    Package,
    Payment,
)
from tracker.extensions import db

TODAY = date.today().isoformat()


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def charged_visit():
    course = make_course()
    visit = sign_and_charge(make_appointment(course, starts_at=datetime(2026, 3, 2, 14,
                                                                        tzinfo=UTC)))
    return course, visit


PAYMENT = {"payer": "patient", "amount": "45.50", "method": "card", "received_on": TODAY,
           "reference": "R-1", "insurance_policy_id": "0", "course_id": "0", "visit_id": "0"}


def test_record_a_payment_and_see_it_on_the_patient_page(client, practitioner):
    course, visit = charged_visit()
    data = PAYMENT | {"course_id": str(course.id), "visit_id": str(visit.id)}
    response = client.post(f"/patients/{course.patient_id}/payments/new", data=data)
    assert response.status_code == 302
    payment = db.session.scalar(sa.select(Payment))
    assert (payment.amount_cents, payment.visit_id, payment.practitioner_id) == (
        4550, visit.id, course.practitioner_id)
    page = client.get(f"/patients/{course.patient_id}").get_data(as_text=True)
    assert "Patient owes" in page and "$119.50" in page  # $165.00 - $45.50
    assert "Paid by patient (Card, R-1)" in page


@pytest.mark.parametrize("field,value,message", [
    ("amount", "-5", "cannot be negative"),
    ("amount", "12.345", "at most two decimal places"),
    ("amount", "twelve", "Enter an amount such as 95.00"),
    ("amount", "", "Enter an amount such as 95.00"),
    ("amount", "0", "greater than zero"),
    ("payer", "neighbour", "Not a valid choice"),
    ("method", "bitcoin", "Not a valid choice"),
    ("received_on", "yesterday", "valid date"),
    ("received_on", (date.today() + timedelta(days=2)).isoformat(), "cannot be in the future"),
    ("reference", "x" * 61, "at most 60 characters"),
    ("course_id", "999999", "Not a valid choice"),
    ("insurance_policy_id", "abc", "Not a valid choice"),
])
def test_bad_payment_input_is_named_and_nothing_is_saved(client, practitioner, field, value,
                                                         message):
    patient = make_patient()
    response = client.post(f"/patients/{patient.id}/payments/new", data=PAYMENT | {field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(Payment) == 0


def test_insurer_payment_needs_the_policy(client, practitioner):
    patient = make_patient()
    response = client.post(f"/patients/{patient.id}/payments/new",
                           data=PAYMENT | {"payer": "insurer"})
    assert "Choose the insurance policy that paid." in response.get_data(as_text=True)
    assert count(Payment) == 0
    policy = make_policy(patient)
    response = client.post(f"/patients/{patient.id}/payments/new", data=PAYMENT | {
        "payer": "insurer", "method": "eft", "insurance_policy_id": str(policy.id)})
    assert response.status_code == 302 and count(Payment) == 1


def test_another_patients_visit_cannot_be_chosen(client, practitioner):
    _, visit = charged_visit()
    patient = make_patient()
    response = client.post(f"/patients/{patient.id}/payments/new",
                           data=PAYMENT | {"visit_id": str(visit.id)})
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert count(Payment) == 0


ADJUSTMENT = {"kind": "write_off", "side": "patient", "amount": "20.00", "adjusted_on": TODAY,
              "reason": "Hardship", "course_id": "0", "visit_id": "0"}


def test_write_off_and_refund(client, practitioner):
    course, _ = charged_visit()
    url = f"/patients/{course.patient_id}/adjustments/new"
    assert client.post(url, data=ADJUSTMENT).status_code == 302
    response = client.post(url, data=ADJUSTMENT | {"kind": "refund", "reason": "Overpaid"})
    assert "A refund cannot be more than the patient has paid ($0.00)." in response.get_data(
        as_text=True)
    assert [(row.kind, row.amount_cents) for row in db.session.scalars(
        sa.select(Adjustment))] == [("write_off", 2000)]


@pytest.mark.parametrize("field,value,message", [
    ("amount", "-20", "cannot be negative"),
    ("amount", "20.001", "at most two decimal places"),
    ("amount", "lots", "Enter an amount such as 95.00"),
    ("amount", "500", "at most what the patient still owes ($165.00)"),
    ("reason", "  ", "Give the reason"),
    ("kind", "forgive", "Not a valid choice"),
    ("side", "clinic", "Not a valid choice"),
    ("adjusted_on", "", "valid date"),
])
def test_bad_adjustment_input(client, practitioner, field, value, message):
    course, _ = charged_visit()
    response = client.post(f"/patients/{course.patient_id}/adjustments/new",
                           data=ADJUSTMENT | {field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Adjustment) == 0


PACKAGE = {"sessions_total": "5", "price": "350", "sold_on": TODAY, "expires_on": ""}


def test_sell_a_package_shows_sessions_left(client, practitioner):
    patient = make_patient()
    response = client.post(f"/patients/{patient.id}/packages/new", data=PACKAGE)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Package)).price_cents == 35000
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "5 sessions for $350.00" in page and "5 left" in page


@pytest.mark.parametrize("field,value,message", [
    ("sessions_total", "0", "from 1 to 100"),
    ("sessions_total", "five", "Not a valid integer"),
    ("price", "-350", "cannot be negative"),
    ("price", "350.999", "at most two decimal places"),
    ("expires_on", "2020-01-01", "cannot be before the sale date"),
    ("expires_on", "soon", "valid date"),
])
def test_bad_package_input(client, practitioner, field, value, message):
    patient = make_patient()
    response = client.post(f"/patients/{patient.id}/packages/new",
                           data=PACKAGE | {field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Package) == 0


def test_manual_charge_and_unknown_code(client, practitioner):
    course, visit = charged_visit()
    url = f"/patients/{course.patient_id}/charges/new"
    data = {"code": "moxa", "units": "1", "service_on": TODAY, "visit_id": str(visit.id)}
    assert client.post(url, data=data).status_code == 302
    before = count(Charge)
    for field, value, message in [("code", "97899", "Unknown fee code “97899”"),
                                  ("code", "", "Enter the fee code."),
                                  ("units", "0", "from 1 to 20"),
                                  ("units", "two", "Not a valid integer")]:
        response = client.post(url, data=data | {field: value})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert count(Charge) == before


POLICY = {"payer_name": "Aetna", "member_id": "W123", "group_number": "",
          "plan_year_start_month": "1",
          "copay_cents": "", "coinsurance_percent": "20", "deductible_cents": "500",
          "deductible_met_cents": "120.50", "visits_used_before": "2", "reported_on": TODAY,
          "visit_limit": "20", "authorization_number": "", "authorized_visits": "",
          "authorization_starts_on": "", "authorization_expires_on": "",
          "notes": "Spoke to Jan at Aetna, ref 55-1.", "active": "y"}


def test_add_and_edit_a_policy(client, practitioner):
    patient = make_patient()
    assert client.post(f"/patients/{patient.id}/policies/new", data=POLICY).status_code == 302
    policy = db.session.scalar(sa.select(InsurancePolicy))
    assert (policy.deductible_cents, policy.deductible_met_cents, policy.copay_cents,
            policy.coinsurance_percent, policy.visit_limit) == (50000, 12050, None, 20, 20)
    form = client.get(f"/policies/{policy.id}/edit").get_data(as_text=True)
    assert 'value="120.50"' in form and "Spoke to Jan" in form
    response = client.post(f"/policies/{policy.id}/edit",
                           data=POLICY | {"coinsurance_percent": "", "copay_cents": "25"})
    assert response.status_code == 302
    db.session.refresh(policy)
    assert (policy.copay_cents, policy.coinsurance_percent) == (2500, None)


@pytest.mark.parametrize("field,value,message", [
    ("payer_name", "", "Enter the insurer."),
    ("member_id", "", "Enter the member id."),
    ("copay_cents", "25", "either a copay or a coinsurance percentage"),
    ("copay_cents", "-25", "cannot be negative"),
    ("coinsurance_percent", "120", "from 0 to 100"),
    ("coinsurance_percent", "twenty", "Not a valid integer"),
    ("deductible_cents", "abc", "Enter an amount such as 95.00"),
    ("deductible_met_cents", "600", "cannot be more than the deductible"),
    ("visit_limit", "-1", "from 0 to 365"),
    ("plan_year_start_month", "13", "Not a valid choice"),
    ("authorization_expires_on", "2020-01-01", "cannot expire before it starts"),
])
def test_bad_policy_input(client, practitioner, field, value, message):
    patient = make_patient()
    data = POLICY | {"authorization_starts_on": "2026-01-01"} | {field: value}
    response = client.post(f"/patients/{patient.id}/policies/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(InsurancePolicy) == 0


def test_course_policy_link(client, practitioner):
    course = make_course()
    policy = make_policy(course.patient)
    other_policy = make_policy(make_patient())
    url = f"/courses/{course.id}/policy"
    client.post(url, data={"insurance_policy_id": str(other_policy.id)})
    assert count(CoursePolicy) == 0
    assert client.post(url, data={"insurance_policy_id": str(policy.id)}).status_code == 302
    assert db.session.get(CoursePolicy, course.id).insurance_policy_id == policy.id
    client.post(url, data={"insurance_policy_id": "0"})
    assert count(CoursePolicy) == 0


def test_patients_get_404_on_every_billing_page(client, login):
    course, _ = charged_visit()
    policy = make_policy(course.patient)
    user = make_patient_user(course.patient)
    login(user)
    own = course.patient_id
    for url in [f"/patients/{own}/payments/new", f"/patients/{own}/adjustments/new",
                f"/patients/{own}/packages/new", f"/patients/{own}/charges/new",
                f"/patients/{own}/policies/new", f"/policies/{policy.id}/edit",
                f"/courses/{course.id}/superbill", "/billing/", "/billing/report.csv",
                "/admin/fees", "/admin/fees/97810"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/courses/{course.id}/policy",
                       data={"insurance_policy_id": "0"}).status_code == 404
    assert client.post(f"/patients/{own}/payments/new", data=PAYMENT).status_code == 404
    assert count(Payment) == 0


def test_staff_of_another_patients_record_is_fine_but_unknown_ids_404(client, practitioner):
    assert client.get("/patients/999999/payments/new").status_code == 404
    assert client.get("/policies/999999/edit").status_code == 404
    assert client.get("/courses/999999/superbill").status_code == 404


def test_patient_page_lists_packages_policies_and_overdue(client, practitioner):
    course, _ = charged_visit()  # service on 2 Mar 2026: long overdue by now or soon
    make_policy(course.patient, payer_name="Medicare Part B", is_medicare=True)
    make_package(course.patient, sessions_total=10, price_cents=55000)
    page = client.get(f"/patients/{course.patient_id}").get_data(as_text=True)
    assert "Medicare Part B (BHH123456)" in page and "Medicare</span>" in page
    assert "10 sessions for $550.00" in page
    assert "$715.00" in page  # $165 visit + $550 package
