"""A small clinic with two patients, and the tools the security tests share.

`build_world()` makes patient A and patient B (each with a login, a course, an appointment
and a signed visit), a practitioner and an admin. Each role signs in as one user and
builds URLs from one patient's records: "other_patient" is patient A's session aimed at
patient B's ids, which must always come back 404.

A domain that adds records (an invoice, a check-in token) adds a field to `Records` and
creates the record in `_records_for`, so the route table can build URLs with it.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from tests.factories import (
    PASSWORD,
    make_appointment,
    make_course,
    make_patient,
    make_patient_user,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db

ANONYMOUS = "anonymous"
PATIENT = "patient"  #: patient A, on patient A's records
OTHER_PATIENT = "other_patient"  #: patient A's session, on patient B's records
PRACTITIONER = "practitioner"
ADMIN = "admin"
ROLES = (ANONYMOUS, PATIENT, OTHER_PATIENT, PRACTITIONER, ADMIN)

#: tables whose changes are not "state": reads are audited by design
UNTRACKED_TABLES = {"audit_events"}

CSRF_TOKEN = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass
class Records:
    """The ids a URL is built from: one patient's records, or ids no record has."""

    patient: int
    patient_user: int
    course: int
    appointment: int
    visit: int
    practitioner: int


@dataclass
class World:
    users: dict  #: role -> the user that role signs in as (None for anonymous)
    records: dict  #: role -> the Records its URLs are built from

    def __getitem__(self, role):
        return self.users[role], self.records[role]


def _records_for(last_name, practitioner):
    user = make_patient_user(make_patient(last_name=last_name, consent_signed_at=utcnow(),
                                          consent_version="2026-01"))
    course = make_course(user.patient, practitioner)
    appointment = make_appointment(course)
    visit = make_visit(appointment)
    return user, Records(patient=user.patient.id, patient_user=user.id, course=course.id,
                         appointment=appointment.id, visit=visit.id,
                         practitioner=practitioner.id)


def build_world():
    practitioner = make_user(Role.PRACTITIONER)
    admin = make_user(Role.ADMIN)
    user_a, records_a = _records_for("Alpha", practitioner)
    _user_b, records_b = _records_for("Bravo", practitioner)
    users = {ANONYMOUS: None, PATIENT: user_a, OTHER_PATIENT: user_a,
             PRACTITIONER: practitioner, ADMIN: admin}
    records = {role: records_a for role in ROLES} | {OTHER_PATIENT: records_b}
    return World(users=users, records=records)


def impossible_records():
    """Ids beyond any database integer: routes must answer 404, never 500."""
    huge = 2**64 + 1
    return Records(patient=huge, patient_user=huge, course=huge, appointment=huge,
                   visit=huge, practitioner=huge)


def sign_in(client, user):
    """Sign in through the real form; works with CSRF on (the token comes from the page)."""
    if user is None:
        return None
    data = {"email": user.email, "password": PASSWORD}
    token = csrf_token(client.get("/login"))
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"could not sign in as {user.email}"
    return response


def csrf_token(response):
    match = CSRF_TOKEN.search(response.data)
    return match.group(1).decode() if match else None


def database_fingerprint():
    """Every row of every table but the audit trail: equal fingerprints, nothing changed."""
    fingerprint = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in UNTRACKED_TABLES:
                continue
            rows = connection.execute(sa.select(table).order_by(*table.primary_key)).all()
            fingerprint[table.name] = [tuple(row) for row in rows]
    return fingerprint


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after.get(name))
