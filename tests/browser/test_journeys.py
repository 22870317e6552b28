"""The five journeys of the clinic, through the real pages, checked on screen and in the
database: the practitioner's course, the patient's portal, the front desk's bookings with
their reminders, an emailed check-in link, and what a course costs.

Each test builds its own clinic (`make_world()`): every table is emptied after each test.
"""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible
from tests.browser.helpers import PHONE, chart_scores, fresh, login_as
from tests.browser.world import CONSENTED, make_world, sign_visit
from tests.factories import make_appointment, make_course, make_patient, make_patient_user
from tests.reminders.conftest import SmtpServer, run_send_due
from tracker.billing import policies
from tracker.billing.ledger import Payment
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.reminders.models import Reminder
from tracker.treatments.models import Appointment, Course, PainCheckin, Visit
from tracker.treatments.scheduling import clinic_instant
from tracker.treatments.view_helpers import local_today

pytestmark = pytest.mark.browser

#: journey 1: pain (before, after) at each of the three signed sessions
FALLING_PAIN = [(7, 5), (5, 4), (4, 2)]


def test_practitioner_plans_books_and_signs_a_course_and_sees_it_on_the_chart(page):
    world = make_world()
    login_as(page, world.practitioner)
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Ruth")
    page.get_by_label("Last name").fill("Goldberg")
    page.get_by_label("Date of birth").fill("1962-10-04")
    page.get_by_label("Email", exact=True).fill("ruth.goldberg@example.net")
    page.get_by_label("Consent form").check()
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruth Goldberg")

    monday = local_today() - timedelta(days=local_today().weekday() + 14)
    page.get_by_role("link", name="Plan a course").click()
    page.get_by_label("Diagnosis (ICD-10-CM)").select_option("M54.50")
    page.get_by_label("Back-pain region").select_option("lumbar")
    expect(page.get_by_label("Planned sessions")).to_have_value("8")
    page.get_by_label("Start date").fill(monday.isoformat())
    page.get_by_label("Baseline pain (NRS 0–10)").fill("7")
    page.get_by_role("button", name="Plan course and book sessions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book the course's sessions")
    page.get_by_label("First session").fill(monday.isoformat())
    page.get_by_label("Time of day").fill("11:00")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Book session"))).to_have_count(8)
    expect(page.locator("main table tbody")).not_to_contain_text("overlaps")
    page.get_by_role("button", name="Book the ticked sessions").click()
    expect(page.get_by_role("status")).to_contain_text("8 appointments booked.")
    course = db.session.scalar(sa.select(Course).join(Patient).where(
        Patient.last_name == "Goldberg"))
    assert course.planned_sessions == 8 and len(course.appointments) == 8

    for number, (before, after) in enumerate(FALLING_PAIN, start=1):
        page.get_by_role("row").filter(has_text=f"Session {number} of 8") \
            .get_by_role("link", name="Log visit").click()
        page.get_by_label("Pain before needling (0–10)").fill(str(before))
        page.get_by_label("Pain after needling (0–10)").fill(str(after))
        page.get_by_label("Manual needling").check()
        page.get_by_label("Use BL23").check()
        page.get_by_label("Needles in").fill("8")
        page.get_by_label("Needles out").fill("8")
        page.get_by_role("button", name="Save and sign").click()
        expect(page.get_by_role("status")).to_contain_text(f"Visit signed (session {number})")
        page.get_by_role("link", name="M54.50 Low back pain, unspecified").click()

    scores = chart_scores(page, "Show the scores as a table")
    assert [(row["session"], row["pain"]) for row in scores if row["kind"] == "before"] == [
        ("1", "7"), ("2", "5"), ("3", "4")]
    assert [(row["session"], row["pain"]) for row in scores if row["kind"] == "after"] == [
        ("1", "5"), ("2", "4"), ("3", "2")]
    assert chart_scores.points["Pain before session"] == [7, 5, 4]
    assert chart_scores.points["Pain after session"] == [5, 4, 2]
    signed = db.session.scalars(sa.select(Visit).where(Visit.course_id == course.id)
                                .order_by(Visit.session_number)).all()
    assert [(visit.session_number, visit.pain_before, visit.pain_after) for visit in signed] == [
        (1, 7, 5), (2, 5, 4), (3, 4, 2)]
    assert all(visit.is_signed for visit in signed)
    assert fresh(Course, course.id).status == "active"
    assert_accessible(page)


def test_patient_sees_progress_checks_in_and_cannot_open_another_patients_course(new_context):
    world = make_world()
    page = new_context(viewport=PHONE).new_page()
    login_as(page, world.patient_user)
    assert page.url.endswith("/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace")
    expect(page.locator(".portal-course .progress-summary")).to_have_text(
        "Your pain went from 7 to 4 over 4 sessions — a 43 % drop.")
    chart_scores(page, "Show the scores as a table")

    page.locator("label", has_text=re.compile(r"^3$")).first.click()
    page.get_by_label("Bruising").check()
    page.get_by_role("button", name="Send today's score").click()
    expect(page.get_by_role("status").first).to_contain_text("your score is recorded")
    expect(page.get_by_text("You have checked in today.")).to_be_visible()
    checkin = db.session.scalar(sa.select(PainCheckin).where(PainCheckin.source == "portal")
                                .order_by(PainCheckin.recorded_at.desc()))
    assert (checkin.pain, checkin.side_effects, checkin.course_id) == (
        3, ["bruising"], world.course.id)

    page.get_by_role("link", name="More about this course").click()
    scores = chart_scores(page)
    assert scores[-1]["kind"] == "checkin" and scores[-1]["pain"] == "3"
    assert_accessible(page)
    for path in (f"/portal/courses/{world.planned_course.id}",
                 f"/courses/{world.planned_course.id}",
                 f"/courses/{world.planned_course.id}/report"):
        assert page.goto(path).status == 404, path
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")


def outbox_rows(page, patient_name):
    """The outbox rows about one patient, as the page shows them: (due, kind, to, status)."""
    page.get_by_role("link", name="Reminders").click()
    rows = page.locator("main table tbody tr").filter(has_text=patient_name)
    return [tuple(cell.strip() for cell in row.locator("td").all_inner_texts()[:4])
            for row in rows.all()]


def reminders_of(patient):
    db.session.expire_all()
    return db.session.scalars(sa.select(Reminder).where(Reminder.patient_id == patient.id)
                              .order_by(Reminder.id)).all()


def reminder_due(day, at):
    """When the appointment reminder of an appointment at `day` `at` (clinic time) is due."""
    return clinic_instant(day, at) - timedelta(hours=24)


def test_front_desk_books_moves_and_cancels_and_the_outbox_follows(page, app):
    world = make_world()
    daniel = world.others[3]
    tuesday, thursday = world.next_monday + timedelta(days=1), world.next_monday + timedelta(3)
    login_as(page, world.admin)
    page.goto(f"/patients/{daniel.id}")
    page.get_by_role("link", name="Book appointment").click()
    page.get_by_label("Practitioner").select_option(label=world.practitioner.name)
    page.get_by_label("Date").fill(tuesday.isoformat())
    page.get_by_label("Time").fill("13:00")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status")).to_contain_text("Appointment booked.")
    appointment_url = page.url
    [booked] = reminders_of(daniel)
    assert (booked.kind, booked.status, booked.due_at) == (
        "appointment", "pending", reminder_due(tuesday, time(13)))
    assert outbox_rows(page, "Daniel Kowalski") == [
        (f"{world.next_monday:%a %d %b %Y}, 13:00 EST", "Appointment reminder",
         "Daniel Kowalski", "Pending")]

    page.goto(appointment_url)
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("New date").fill(thursday.isoformat())
    page.get_by_label("New time").fill("10:30")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_role("status")).to_contain_text("Appointment moved.")
    assert [(r.status, r.due_at) for r in reminders_of(daniel)] == [
        ("cancelled", reminder_due(tuesday, time(13))),
        ("pending", reminder_due(thursday, time(10, 30)))]
    assert outbox_rows(page, "Daniel Kowalski") == [
        (f"{thursday - timedelta(days=1):%a %d %b %Y}, 10:30 EST", "Appointment reminder",
         "Daniel Kowalski", "Pending"),
        (f"{world.next_monday:%a %d %b %Y}, 13:00 EST", "Appointment reminder",
         "Daniel Kowalski", "Cancelled")]
    run_send_due(app, datetime.now(UTC))  # the planning sweep finds nothing more to do
    assert len(reminders_of(daniel)) == 2

    page.goto(appointment_url)
    page.get_by_role("link", name="Cancel…").click()
    page.get_by_label("Reason for cancelling").fill("Patient called: flu.")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("status")).to_contain_text("Appointment cancelled.")
    assert [r.status for r in reminders_of(daniel)] == ["cancelled", "cancelled"]
    assert [row[3] for row in outbox_rows(page, "Daniel Kowalski")] == ["Cancelled"] * 2
    appointment = db.session.scalar(sa.select(Appointment).where(
        Appointment.patient_id == daniel.id))
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Patient called: flu.")
    assert_accessible(page)


def test_an_emailed_check_in_link_records_a_score_that_shows_on_the_chart(new_context, make_app):
    world = make_world()
    now = datetime.now(UTC)
    world.appointment.starts_at = now - timedelta(hours=1)  # Grace came in an hour ago
    visit = sign_visit(world.appointment, world.practitioner, 4, 3, now=now)
    db.session.commit()
    smtp = SmtpServer().start()
    try:
        mail_app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
                            MAIL_TIMEOUT=5)
        run_send_due(mail_app, visit.signed_at + timedelta(hours=25))
    finally:
        smtp.stop()
    texts = [(message, message.get_body(("plain",)).get_content()) for message in smtp.messages]
    [(message, text)] = [(message, text) for message, text in texts if "/checkin/" in text]
    assert message["To"].addresses[0].addr_spec == "grace.osei@example.net"
    path = re.search(r"https?://[^/\s]+(/checkin/\S+)", text).group(1)

    phone = new_context(viewport=PHONE).new_page()
    phone.goto(path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How is your back today, Grace?")
    expect(phone.get_by_role("button", name="Sign out")).to_have_count(0)  # nobody signed in
    phone.locator("label.score-option", has_text=re.compile(r"^2$")).click()
    phone.get_by_label("Soreness").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Thank you")
    checkin = db.session.scalar(sa.select(PainCheckin).where(PainCheckin.source == "email")
                                .order_by(PainCheckin.id.desc()))
    assert (checkin.pain, checkin.side_effects, checkin.course_id) == (
        2, ["soreness"], world.course.id)
    assert phone.goto(path).status == 410

    page = new_context().new_page()
    login_as(page, world.practitioner, next=f"/courses/{world.course.id}")
    scores = chart_scores(page, "Show the scores as a table")
    assert {key: scores[-1][key] for key in ("kind", "measured", "pain")} == {
        "kind": "checkin", "measured": "Check-in (email link)", "pain": "2"}
    assert chart_scores.points["Check-in"][-1] == 2


def course_totals(page):
    """The course page's totals row, by column heading."""
    table = page.locator("table").filter(has=page.locator("caption",
                                                          has_text="Totals for this course"))
    headings = [text.strip() for text in table.locator("thead th").all_text_contents()]
    return dict(zip(headings, (text.strip() for text in
                               table.locator("tbody td").all_text_contents()), strict=True))


def test_charges_and_a_payment_show_the_same_totals_on_the_course_and_in_the_portal(
        page, new_context):
    world = make_world()
    patient = make_patient(first_name="Sam", last_name="Ortiz", email="sam.ortiz@example.net",
                           **CONSENTED)
    user = make_patient_user(patient, name="Sam Ortiz")
    policy = policies.create_policy(patient, payer_name="Casco Mutual", member_id="CM-55120",
                                    copay_cents=2500)
    course = make_course(patient, world.practitioner)
    policies.set_course_policy(course, policy)
    for days_ago in (8, 4):  # each visit: the $25 copay is Sam's, the rest the insurer's
        starts = clinic_instant(local_today() - timedelta(days=days_ago), time(11))
        sign_visit(make_appointment(course, starts_at=starts), world.practitioner, 6, 4,
                   now=starts + timedelta(minutes=50), techniques=["manual"])
    db.session.commit()

    login_as(page, world.admin, next=f"/courses/{course.id}")
    billed = {"Billed": "$235.00", "Expected from insurer": "$185.00",
              "Patient responsibility": "$50.00", "Paid by insurer": "$0.00",
              "Written off": "$0.00"}
    assert course_totals(page) == billed | {"Paid by patient": "$0.00",
                                            "Outstanding": "$235.00"}
    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Paid by").select_option("patient")
    page.get_by_label("Amount ($)").fill("25.00")
    page.get_by_label("Method").select_option("card")
    page.get_by_label("Reference").fill("Copay, session 1")
    page.get_by_label("For course").select_option(str(course.id))
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_role("status")).to_contain_text("Payment of 25.00 recorded.")
    payment = db.session.scalar(sa.select(Payment).where(Payment.patient_id == patient.id))
    assert (payment.amount_cents, payment.payer, payment.method, payment.course_id) == (
        2500, "patient", "card", course.id)
    page.goto(f"/courses/{course.id}")
    assert course_totals(page) == billed | {"Paid by patient": "$25.00",
                                            "Outstanding": "$210.00"}

    phone = new_context(viewport=PHONE).new_page()
    login_as(phone, user)
    owed = phone.locator("#what-i-owe")
    expect(owed).to_contain_text("You owe $25.00.")
    expect(owed).to_contain_text("Your insurer is expected to pay $185.00 more.")
    expect(owed.get_by_role("table", name="Recent payments").locator("tbody tr")).to_have_text(
        [re.compile(r"You\s*\$25\.00$")])
    assert_accessible(phone)
