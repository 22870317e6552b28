"""Journey: the practitioner registers a patient, finds them, corrects them and archives them."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible
from tests.browser.helpers import fresh, login_as
from tests.browser.pages import make_world
from tracker.extensions import db
from tracker.patients.models import Patient

pytestmark = pytest.mark.browser


def test_practitioner_registers_finds_and_archives_a_patient(page):
    world = make_world()
    login_as(page, world.practitioner)
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Ruth")
    page.get_by_label("Last name").fill("Goldberg")
    page.get_by_label("Date of birth").fill("1962-10-04")
    page.get_by_label("Email", exact=True).fill("ruth.goldberg@example.net")
    page.get_by_label("Takes anticoagulants").check()
    page.get_by_label("Consent form").check()
    page.get_by_role("button", name="Register patient").click()

    expect(page.get_by_role("status")).to_contain_text("Ruth Goldberg is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruth Goldberg")
    expect(page.locator(".page-header .safety-badge")).to_have_text("Anticoagulants")
    patient_id = db.session.scalar(sa.select(Patient.id).where(Patient.last_name == "Goldberg"))

    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Search by name, email or phone").fill("goldb")
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="Goldberg, Ruth").click()

    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("status")).to_contain_text("is archived")
    assert fresh(Patient, patient_id).is_archived
    assert_accessible(page)


def test_a_patient_cannot_open_another_patients_record(page):
    world = make_world()
    login_as(page, world.patient_user, next="/account/password")
    response = page.goto(f"/patients/{world.new_patient.id}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
