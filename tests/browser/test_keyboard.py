"""The main journeys by keyboard alone: sign in, find a patient, open and save their record;
open the day's schedule, log a visit and sign it."""

import pytest

from tests.browser.helpers import (
    PHONE,
    focus_is_visible,
    fresh,
    press_tab_until,
    sign_in_by_request,
)
from tests.browser.pages import make_world
from tests.factories import PASSWORD
from tracker.patients.models import Patient
from tracker.treatments.models import Appointment

pytestmark = pytest.mark.browser

FOCUSED_TEXT = "el.textContent.trim() === {!r}"


def test_practitioner_reaches_and_edits_a_patient_by_keyboard(page):
    world = make_world()
    page.goto("/login")
    press_tab_until(page, "el.id === 'email'")
    assert focus_is_visible(page)
    page.keyboard.type(world.practitioner.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/patients/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    press_tab_until(page, FOCUSED_TEXT.format("Osei, Grace"))
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Grace Osei")

    press_tab_until(page, FOCUSED_TEXT.format("Edit details"))
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/patients/{world.patient.id}/edit")

    press_tab_until(page, "el.id === 'phone'")
    assert focus_is_visible(page)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("+1 207 555 0199")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/patients/{world.patient.id}")
    assert fresh(Patient, world.patient.id).phone == "+1 207 555 0199"


def test_errors_take_the_focus_and_are_read_with_their_field(page):
    make_world()
    page.goto("/login")
    press_tab_until(page, "el.id === 'email'")
    page.keyboard.type("nobody@example.com")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focused = page.evaluate("""() => {
        const el = document.activeElement;
        const ids = (el.getAttribute('aria-describedby') || '').split(' ');
        return {id: el.id, invalid: el.getAttribute('aria-invalid'),
                described: ids.map(id => document.getElementById(id).textContent.trim())};
    }""")
    assert focused == {"id": "password", "invalid": "true", "described": ["Enter your password."]}


def test_phone_menu_opens_by_keyboard(new_context):
    world = make_world()
    page = new_context(viewport=PHONE).new_page()
    page.goto("/login?next=/admin/settings")
    page.get_by_label("Email", exact=True).fill(world.admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/settings")
    patients = page.get_by_role("link", name="Patients")
    assert not patients.is_visible()

    press_tab_until(page, "el.getAttribute('aria-controls') === 'main-nav'")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    patients.wait_for(state="visible")
    press_tab_until(page, FOCUSED_TEXT.format("Patients"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/patients/")


def test_practitioner_logs_and_signs_a_visit_by_keyboard(page):
    world = make_world()
    sign_in_by_request(page, world.practitioner)
    page.goto(f"/schedule/?day={world.next_monday}")
    press_tab_until(page, FOCUSED_TEXT.format("Log visit"))
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/appointments/{world.appointment.id}/visit")

    for field, typed in (("pain_before", "5"), ("pain_after", "3")):
        press_tab_until(page, f"el.id === {field!r}")
        assert focus_is_visible(page)
        page.keyboard.type(typed)
    press_tab_until(page, "el.id === 'techniques-0'")
    page.keyboard.press("Space")
    press_tab_until(page, "el.id === 'needles_in'", limit=150)
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.keyboard.type("6")
    press_tab_until(page, FOCUSED_TEXT.format("Save and sign"))
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    visit = fresh(Appointment, world.appointment.id).visit
    assert page.url.endswith(f"/visits/{visit.id}")
    assert page.get_by_role("status").inner_text().startswith("Visit signed (session 5)")
    assert (visit.is_signed, visit.pain_before, visit.pain_after, visit.techniques,
            visit.needles_in, visit.needles_out) == (True, 5, 3, ["manual"], 6, 6)
