"""The main journey by keyboard alone: sign in, find a patient, open and save their record."""

import pytest

from tests.browser.helpers import PHONE, focus_is_visible, fresh, press_tab_until
from tests.browser.pages import make_world
from tests.factories import PASSWORD
from tracker.patients.models import Patient

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
