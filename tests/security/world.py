"""A small clinic with two patients, and the tools the security tests share.

`build_world()` makes patient A and patient B (each with a login, a course, a signed visit,
a draft visit, an appointment next week and a missed one, an insurance policy and a
prepaid package), a practitioner with a calendar feed, and an admin. Each role signs in
as one user and builds URLs from one patient's records: "other_patient" is patient A's
session aimed at patient B's ids, which must always come back 404.

A domain that adds records (an invoice, a check-in token) adds a field to `Records` and
creates the record in `_records_for`, so the route table can build URLs with it.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from tests.factories import (
    PASSWORD,
    make_appointment,
    make_course,
    make_package,
    make_patient,
    make_patient_user,
    make_policy,
    make_reminder,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.models import CheckinPurpose
from tracker.reminders.tokens import issue_checkin_token, signed_checkin_token, unsubscribe_token
from tracker.treatments.feeds import regenerate_feed

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
    visit: int  #: signed
    practitioner: int
    booked_appointment: int  #: next week, no visit recorded yet
    missed_appointment: int  #: three days ago, still booked: the patient did not come
    draft_visit: int  #: recorded, not signed
    policy: int  #: an insurance policy
    fee_code: str  #: a fee schedule entry (the same for everyone)
    feed_token: str  #: the practitioner's calendar feed token (the same for everyone)
    reminder: int  #: a reminder that failed to send
    checkin_link: str  #: the signed token of an emailed check-in link
    unsubscribe_link: str  #: the signed token of an email's unsubscribe link


@dataclass
class World:
    users: dict  #: role -> the user that role signs in as (None for anonymous)
    records: dict  #: role -> the Records its URLs are built from

    def __getitem__(self, role):
        return self.users[role], self.records[role]


FEE_CODE = "97810"


def _records_for(last_name, practitioner, feed_token, hour):
    user = make_patient_user(make_patient(last_name=last_name, consent_signed_at=utcnow(),
                                          consent_version="2026-01"))
    course = make_course(user.patient, practitioner)
    visit = make_visit(make_appointment(course))
    draft = make_visit(make_appointment(course, starts_at=visit.appointment.starts_at
                                        + timedelta(days=2)), signed=False)
    next_week = utcnow().replace(hour=hour, minute=0, second=0, microsecond=0) \
        + timedelta(days=7)
    booked = make_appointment(course, starts_at=next_week)
    missed = make_appointment(course, starts_at=next_week - timedelta(days=10))
    make_package(user.patient)  # something owed, so adjustments have a balance to move
    links = _email_links(user.patient, course, visit)
    return user, Records(
        patient=user.patient.id, patient_user=user.id, course=course.id,
        appointment=visit.appointment_id, visit=visit.id, practitioner=practitioner.id,
        booked_appointment=booked.id, missed_appointment=missed.id, draft_visit=draft.id,
        policy=make_policy(user.patient).id, fee_code=FEE_CODE, feed_token=feed_token,
        **links)


def _email_links(patient, course, visit):
    reminder = make_reminder(patient, status="failed", attempts=5, last_error="Refused",
                             course_id=course.id, visit_id=visit.id, kind="checkin")
    token = issue_checkin_token(purpose=CheckinPurpose.POST_VISIT, patient_id=patient.id,
                                course_id=course.id, reminder_id=reminder.id, now=utcnow(),
                                days=7)
    db.session.commit()
    return {"reminder": reminder.id, "checkin_link": signed_checkin_token(token),
            "unsubscribe_link": unsubscribe_token(patient.id)}


def build_world():
    practitioner = make_user(Role.PRACTITIONER)
    admin = make_user(Role.ADMIN)
    feed_token = regenerate_feed(practitioner)
    db.session.commit()
    user_a, records_a = _records_for("Alpha", practitioner, feed_token, hour=14)
    _user_b, records_b = _records_for("Bravo", practitioner, feed_token, hour=16)
    users = {ANONYMOUS: None, PATIENT: user_a, OTHER_PATIENT: user_a,
             PRACTITIONER: practitioner, ADMIN: admin}
    records = {role: records_a for role in ROLES} | {OTHER_PATIENT: records_b}
    return World(users=users, records=records)


def impossible_records():
    """Ids beyond any database integer: routes must answer 404, never 500."""
    huge = 2**64 + 1
    return Records(patient=huge, patient_user=huge, course=huge, appointment=huge,
                   visit=huge, practitioner=huge, booked_appointment=huge, missed_appointment=huge,
                   draft_visit=huge,
                   policy=huge, fee_code="X" * 40, feed_token="x" * 200, reminder=huge,
                   checkin_link="x" * 200, unsubscribe_link=str(huge))


def sign_in(client, user):
    """Sign in through the real form; works with CSRF on (the token comes from the page)."""
    if user is None:
        return None
    data = {"email": user.email, "password": PASSWORD}
    if client.application.config["WTF_CSRF_ENABLED"]:
        data["csrf_token"] = csrf_token(client.get("/login"))
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"could not sign in as {user.email}"
    return response


def csrf_token(response):
    match = CSRF_TOKEN.search(response.data)
    return match.group(1).decode() if match else None


@cache
def _table_queries():
    """One plain SELECT per table but the audit trail, in a stable order."""
    queries = []
    for table in db.metadata.sorted_tables:
        if table.name not in UNTRACKED_TABLES:
            order = ", ".join(f'"{column.name}"' for column in table.primary_key)
            queries.append((table.name, f'SELECT * FROM "{table.name}" ORDER BY {order}'))
    return queries


def database_fingerprint():
    """Every row of every table but the audit trail: equal fingerprints, nothing changed.

    Read through the driver directly: the security tests take one after every request.
    """
    fingerprint = {}
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for name, query in _table_queries():
            cursor.execute(query)
            fingerprint[name] = [tuple(row) for row in cursor.fetchall()]
        connection.commit()
    finally:
        connection.close()
    return fingerprint


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after.get(name))
