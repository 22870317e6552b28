"""Small factories with sensible defaults; pass keyword overrides for what a test cares about.

Each factory commits, so what it makes is visible to requests from the test client.
"""

from datetime import date
from itertools import count

from tracker.auth.models import Role
from tracker.auth.services import create_user
from tracker.extensions import db
from tracker.patients.models import Patient

PASSWORD = "correct horse battery staple"
_sequence = count(1)


def make_user(role=Role.PRACTITIONER, *, patient=None, **overrides):
    number = next(_sequence)
    values = {"email": f"{role}{number}@example.org", "name": f"{role.title()} {number}",
              "password": PASSWORD} | overrides
    user = create_user(role=role, patient=patient, **values)
    db.session.commit()
    return user


def make_patient(**overrides):
    number = next(_sequence)
    values = {
        "first_name": "Alex", "last_name": f"Patient{number}",
        "date_of_birth": date(1980, 5, 17), "email": f"patient{number}@example.net",
        "phone": "+1 555 010 2000", "timezone": "America/New_York",
    } | overrides
    patient = Patient(**values)
    db.session.add(patient)
    db.session.commit()
    return patient


def make_patient_user(patient=None, **overrides):
    """A patient record with a portal login; returns the user (its `.patient` is the record)."""
    patient = patient or make_patient()
    return make_user(Role.PATIENT, patient=patient, email=patient.email, **overrides)
