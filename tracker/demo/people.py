"""Demo staff, patients and logins."""

import random
from datetime import date, timedelta

from tracker.auth.models import Role
from tracker.auth.services import create_user, find_user_by_email
from tracker.clinic.services import update_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.forms import CONSENT_FORM_VERSION
from tracker.patients.models import Patient

DEMO_PASSWORD = "meridian-demo-2026"

DEMO_LOGINS = [
    ("admin@example.com", "admin"),
    ("practitioner@example.com", "practitioner"),
    ("patient@example.com", "patient"),
]

STAFF = [
    ("admin@example.com", "Dana Whitfield", Role.ADMIN),
    ("practitioner@example.com", "Dr. Lin Chen, L.Ac.", Role.PRACTITIONER),
    ("sam.okafor@example.com", "Sam Okafor, L.Ac.", Role.PRACTITIONER),
    ("rosa.marquez@example.com", "Rosa Márquez, DACM", Role.PRACTITIONER),
]

SETTINGS = {
    "clinic.name": "Meridian Acupuncture & Back Care",
    "clinic.address": "120 Harbor Street, Suite 4, Portland, ME 04101",
    "clinic.phone": "+1 207 555 0142",
    "clinic.email": "frontdesk@example.com",
    "clinic.npi": "1234567893",
    "clinic.tax_id": "12-3456789",
}

FIRST_NAMES = ["Maria", "James", "Aisha", "Tom", "Priya", "Daniel", "Grace", "Omar", "Helen",
               "Luis", "Emily", "Kwame", "Sofia", "Peter", "Mei", "Ruth", "Carlos", "Hannah",
               "Ibrahim", "Olivia", "Ben", "Yuki", "Fatima", "George", "Chloe", "Anton",
               "Nadia", "Frank", "Leah"]
LAST_NAMES = ["Alvarez", "Whitaker", "Bello", "Brennan", "Raman", "Kowalski", "Osei",
              "Haddad", "Lindqvist", "Ortega", "Nakamura", "Mensah", "Rossi", "Novak",
              "Zhang", "Goldberg", "Silva", "Becker", "Yusuf", "Murphy", "Adler", "Tanaka",
              "Rahman", "Papadopoulos", "Dubois", "Petrov", "Karimi", "Doyle", "Fischer"]


def load():
    """Create what is missing; return True when anything was created."""
    if find_user_by_email("admin@example.com") is not None:
        return False
    update_settings(SETTINGS)
    staff = {email: create_user(email=email, name=name, password=DEMO_PASSWORD, role=role)
             for email, name, role in STAFF}
    practitioners = [user for user in staff.values() if user.role == Role.PRACTITIONER]
    patients = _create_patients(practitioners)
    create_user(email="patient@example.com", name=patients[0].full_name,
                password=DEMO_PASSWORD, role=Role.PATIENT, patient=patients[0])
    db.session.flush()
    return True


def _create_patients(practitioners):
    rng = random.Random(2026)
    today = date.today()
    patients = []
    for index, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        email = "patient@example.com" if index == 0 else f"{first}.{last}@example.net".lower()
        patient = Patient(
            first_name=first, last_name=last,
            date_of_birth=today - timedelta(days=rng.randint(22 * 365, 78 * 365)),
            email=email, phone=f"+1 207 555 {rng.randint(100, 9999):04d}",
            timezone="Europe/London" if index in (5, 17) else "America/New_York",
            preferred_practitioner=practitioners[index % len(practitioners)],
            consent_signed_at=utcnow() - timedelta(days=rng.randint(30, 400)),
            consent_version=CONSENT_FORM_VERSION,
            reminder_opt_in=index != 11,
        )
        _add_safety_flags(patient, index, today)
        db.session.add(patient)
        patients.append(patient)
    patients[-1].consent_signed_at = patients[-1].consent_version = None  # a new patient
    db.session.flush()
    return patients


def _add_safety_flags(patient, index, today):
    if index == 3:
        patient.first_name, patient.is_pregnant = "Tess", True
        patient.pregnancy_due_on = today + timedelta(days=120)
    elif index == 7:
        patient.takes_anticoagulants = True
        patient.safety_notes = "Warfarin since 2024; INR checked monthly."
    elif index == 9:
        patient.has_pacemaker = True
        patient.safety_notes = "Dual-chamber pacemaker fitted 2023."
    elif index == 14:
        patient.is_immunocompromised = True
    elif index == 20:
        patient.has_bleeding_disorder = True

