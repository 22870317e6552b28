"""Finance report and CSV, superbills, and the admin fee schedule."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import (
    bill_course_to,
    make_appointment,
    make_course,
    make_policy,
    make_user,
    sign_and_charge,
)
from tracker.auth.models import Role
from tracker.billing import services
from tracker.billing.models import FeeScheduleEntry, PractitionerBillingIds
from tracker.clinic.services import update_settings
from tracker.extensions import db


def visit_in(course, day, **overrides):
    return sign_and_charge(make_appointment(course, starts_at=datetime(2026, *day, 15,
                                                                       tzinfo=UTC)),
                           **overrides)


@pytest.fixture
def clinic_month():
    """Two practitioners' visits in March and April 2026, one payment in April."""
    first = make_course(practitioner=make_user(Role.PRACTITIONER, name="Lin Chen"))
    second = make_course(practitioner=make_user(Role.PRACTITIONER, name="Sam Okafor"))
    visit_in(first, (3, 2), face_to_face_minutes=15)            # 99203 + 97810 = $165
    visit_in(first, (4, 6), face_to_face_minutes=30)            # $100
    visit_in(second, (4, 7), face_to_face_minutes=15)           # $165
    services.record_payment(first.patient, payer="patient", method="cash", amount_cents=5000,
                            received_on=date(2026, 4, 6), course=first)
    db.session.commit()
    return first, second


def test_report_by_month_and_practitioner(client, practitioner, clinic_month):
    page = client.get("/billing/?from=2026-03-01&to=2026-04-30").get_data(as_text=True)
    assert "Mar 2026</td><td>Lin Chen" in page
    assert "Apr 2026</td><td>Lin Chen" in page and "Apr 2026</td><td>Sam Okafor" in page
    assert "$430.00" in page  # billed in total
    assert "Patients who owe the clinic" in page
    only_sam = client.get(f"/billing/?from=2026-03-01&to=2026-04-30&practitioner="
                          f"{clinic_month[1].practitioner_id}").get_data(as_text=True)
    assert "Lin Chen</td>" not in only_sam and "Sam Okafor</td>" in only_sam


def test_report_csv_reconciles(client, practitioner, clinic_month):
    response = client.get("/billing/report.csv?from=2026-03-01&to=2026-04-30")
    assert response.mimetype == "text/csv"
    assert "finance-2026-03-01-to-2026-04-30.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["month"], row["practitioner"], row["billed"]) for row in rows] == [
        ("2026-03", "Lin Chen", "165.00"), ("2026-04", "Lin Chen", "100.00"),
        ("2026-04", "Sam Okafor", "165.00"), ("total", "", "430.00")]
    total = rows[-1]
    assert total["paid_by_patient"] == "50.00" and total["outstanding"] == "380.00"


def test_report_date_filters(client, practitioner, clinic_month):
    march = client.get("/billing/?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "Apr 2026" not in march and "Mar 2026" in march
    bad = client.get("/billing/?from=31/03/2026&to=2026-03-01").get_data(as_text=True)
    assert "is not a date; use YYYY-MM-DD." in bad
    reversed_range = client.get("/billing/?from=2026-04-01&to=2026-03-01").get_data(
        as_text=True)
    assert "The start date is after the end date." in reversed_range


def test_admin_sees_the_report_and_the_nav_links_to_it(client, admin):
    page = client.get("/billing/").get_data(as_text=True)
    assert 'href="/billing/"' in page and "Nothing was billed" in page


def ready_for_superbill(course):
    update_settings({"clinic.npi": "1234567893", "clinic.tax_id": "12-3456789"})
    services.set_practitioner_ids(course.practitioner, npi="1234567893",
                                  license_number="AC-1234")
    db.session.commit()


def test_superbill_lists_services_codes_and_payments(client, practitioner):
    course = make_course(diagnosis_code="M54.41",
                         diagnosis_label="Lumbago with sciatica, right side")
    bill_course_to(course, make_policy(course.patient, authorization_number="PA-991"))
    ready_for_superbill(course)
    visit_in(course, (3, 2), face_to_face_minutes=30, techniques=["electro"])
    visit_in(course, (3, 9), face_to_face_minutes=15)
    services.record_payment(course.patient, payer="patient", method="card",
                            amount_cents=9500, received_on=date(2026, 3, 2), course=course)
    db.session.commit()
    page = client.get(f"/courses/{course.id}/superbill").get_data(as_text=True)
    for expected in ["NPI 1234567893", "Tax ID 12-3456789", "Licence AC-1234", "M54.41",
                     "Lumbago with sciatica, right side", "97813", "97814", "99203",
                     "09 Mar 2026", "Total fees", "$280.00", "Paid by the patient",
                     "$95.00", "Prior authorisation PA-991", 'data-print']:
        assert expected in page, expected
    march_9 = client.get(f"/courses/{course.id}/superbill?from=2026-03-05&to=2026-03-31")
    text = march_9.get_data(as_text=True)
    assert "97813" not in text and "97810" in text and "$70.00" in text


def test_superbill_lists_missing_data_instead_of_printing(client, practitioner):
    course = make_course(diagnosis_code="M54.5")
    page = client.get(f"/courses/{course.id}/superbill").get_data(as_text=True)
    assert "cannot be printed yet" in page
    for problem in ["The clinic&#39;s NPI is missing", "tax ID (EIN) is missing",
                    "has no NPI on file", "M54.5 is no longer a valid ICD-10 code",
                    "no charged visits in this course yet"]:
        assert problem in page, problem
    assert "Total fees" not in page and "data-print" not in page
    bad = client.get(f"/courses/{course.id}/superbill?from=March").get_data(as_text=True)
    assert "is not a date" in bad


def test_superbill_empty_range(client, practitioner):
    course = make_course()
    ready_for_superbill(course)
    visit_in(course, (3, 2))
    page = client.get(f"/courses/{course.id}/superbill?from=2026-05-01").get_data(as_text=True)
    assert "no charged visits in this course in the chosen dates" in page


def test_admin_edits_a_fee(client, admin):
    assert "97810" in client.get("/admin/fees").get_data(as_text=True)
    response = client.post("/admin/fees/97810", data={"description": "Acupuncture, 15 min",
                                                      "price": "75.00"})
    assert response.status_code == 302
    entry = db.session.get(FeeScheduleEntry, "97810")
    assert (entry.price_cents, entry.active, entry.insurable) == (7500, True, False)
    for value, message in [("-75", "cannot be negative"), ("75.001", "two decimal places"),
                           ("seventy", "Enter an amount such as 95.00")]:
        response = client.post("/admin/fees/97810", data={"description": "x", "price": value})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.price_cents == 7500
    assert client.get("/admin/fees/NOPE").status_code == 404


def test_new_prices_apply_to_visits_signed_afterwards(client, admin):
    course = make_course()
    visit_in(course, (3, 2), face_to_face_minutes=15)
    client.post("/admin/fees/97810", data={"description": "Acupuncture", "price": "80",
                                           "insurable": "y"})
    later = visit_in(course, (3, 9), face_to_face_minutes=15)
    from tracker.billing.models import Charge

    prices = db.session.scalars(sa.select(Charge.billed_cents).where(Charge.code == "97810")
                                .order_by(Charge.id)).all()
    assert prices == [7000, 8000] and later.id


def test_practitioner_identifiers(client, admin):
    user = make_user(Role.PRACTITIONER)
    url = f"/admin/practitioners/{user.id}/billing-ids"
    response = client.post(url, data={"npi": "1234567890", "license_number": ""})
    assert "not a valid NPI" in response.get_data(as_text=True)
    assert db.session.get(PractitionerBillingIds, user.id) is None
    assert client.post(url, data={"npi": "1234567893", "license_number": "L-9"}
                       ).status_code == 302
    assert db.session.get(PractitionerBillingIds, user.id).npi == "1234567893"
    assert client.get(f"/admin/practitioners/{admin.id}/billing-ids").status_code == 404


def test_practitioners_cannot_edit_fees(client, practitioner):
    assert client.get("/admin/fees").status_code == 403
    assert client.post("/admin/fees/97810", data={"description": "x", "price": "1"}
                       ).status_code == 403
