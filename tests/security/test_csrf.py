"""CSRF protection on every state-changing request, and GETs that change nothing.

These tests run an app with CSRF on (the rest of the suite turns it off).
"""

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from tests.security.routes import ROUTES, app_routes, is_denial
from tests.security.world import (
    ADMIN,
    ANONYMOUS,
    PATIENT,
    PRACTITIONER,
    build_world,
    changed_tables,
    csrf_token,
    database_fingerprint,
    sign_in,
)
from tracker.clinic.models import Setting
from tracker.extensions import db
from tracker.patients.models import Patient


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


#: POST routes that take no CSRF token, and why that is safe
EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without a form token. No session
    # is used; the signed link is the credential, and all it can do is stop reminders.
    "reminders.unsubscribe",
}


def post_routes(app):
    return sorted(endpoint for endpoint, rule in app_routes(app).items()
                  if "POST" in rule.methods and endpoint not in EXEMPT)


def allowed_role(endpoint):
    """A role that may use the route, so a refusal can only come from the missing token."""
    expected = ROUTES[endpoint].expect["POST"]
    for role in (ADMIN, PRACTITIONER, PATIENT, ANONYMOUS):
        if not is_denial(role, expected[role], "/login" if expected[role] == 302 else ""):
            return role
    raise AssertionError(f"no role may POST to {endpoint}")


def test_the_exempt_unsubscribe_needs_its_signed_link(csrf_app):
    world = build_world()
    records = world.records[PATIENT]
    client = csrf_app.test_client()
    forged = URLSafeSerializer("not the secret", salt="meridian.unsubscribe").dumps(
        records.patient)
    before = database_fingerprint()
    for link in (forged, str(records.patient)):
        assert client.post(f"/unsubscribe/{link}").status_code == 404
    assert changed_tables(before, database_fingerprint()) == []
    assert db.session.get(Patient, records.patient).reminder_opt_in is True
    assert client.post(f"/unsubscribe/{records.unsubscribe_link}").status_code == 200
    assert db.session.get(Patient, records.patient, populate_existing=True) \
        .reminder_opt_in is False


def test_every_post_route_refuses_a_request_without_a_token(csrf_app):
    world = build_world()
    failures = []
    for endpoint in post_routes(csrf_app):
        role = allowed_role(endpoint)
        user, records = world[role]
        client = csrf_app.test_client()
        sign_in(client, user)
        before = database_fingerprint()
        response = client.post(ROUTES[endpoint].url(records), data={})
        if response.status_code != 400:
            failures.append(f"{endpoint} as {role}: {response.status_code}, expected 400")
        if changed_tables(before, database_fingerprint()):
            failures.append(f"{endpoint} changed data without a token")
    assert not failures, "\n".join(failures)


def test_a_forged_token_is_refused(csrf_app):
    world = build_world()
    client = csrf_app.test_client()
    sign_in(client, world.users[PRACTITIONER])
    patient_id = world.records[PRACTITIONER].patient
    response = client.post(f"/patients/{patient_id}/archive", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert b"Form expired" in response.data
    assert db.session.get(Patient, patient_id).archived_at is None


def test_a_token_from_another_session_is_refused(csrf_app):
    world = build_world()
    thief, victim = csrf_app.test_client(), csrf_app.test_client()
    sign_in(thief, world.users[ADMIN])
    sign_in(victim, world.users[PRACTITIONER])
    token = csrf_token(thief.get("/patients/"))
    patient_id = world.records[PRACTITIONER].patient
    response = victim.post(f"/patients/{patient_id}/archive", data={"csrf_token": token})
    assert response.status_code == 400


def test_forms_work_with_the_token_from_their_page(csrf_app):
    world = build_world()
    client = csrf_app.test_client()
    sign_in(client, world.users[ADMIN])
    patient_id = world.records[ADMIN].patient

    token = csrf_token(client.get(f"/patients/{patient_id}"))
    assert client.post(f"/patients/{patient_id}/archive",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Patient, patient_id).archived_at is not None

    token = csrf_token(client.get("/admin/settings"))
    response = client.post("/admin/settings", data={
        "csrf_token": token, "clinic.name": "Harbour Clinic", "clinic.opens_at": "08:00",
        "clinic.closes_at": "18:00", "clinic.open_weekdays": "1,2,3,4,5"})
    assert response.status_code == 302
    assert db.session.get(Setting, "clinic.name").value == "Harbour Clinic"

    token = csrf_token(client.get("/patients/"))  # the sign-out form is on every page
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/patients/").status_code == 302


def test_login_form_needs_its_token(csrf_app):
    world = build_world()
    user = world.users[PRACTITIONER]
    client = csrf_app.test_client()
    refused = client.post("/login", data={"email": user.email, "password": "whatever it is"})
    assert refused.status_code == 400
    sign_in(client, user)  # with the token from the page
    assert client.get("/patients/").status_code == 200


@pytest.mark.parametrize("role", [ADMIN, PRACTITIONER, PATIENT])
def test_no_get_route_changes_the_database(app, role):
    """Reads are recorded in the audit trail; nothing else may change on a GET."""
    world = build_world()
    user, records = world[role]
    client = app.test_client()
    sign_in(client, user)
    before = database_fingerprint()
    audit_rows = _audit_count()
    for _endpoint, case in sorted(ROUTES.items()):
        if "GET" in case.expect:
            client.get(case.url(records))
    assert changed_tables(before, database_fingerprint()) == []
    if role != PATIENT:
        assert _audit_count() > audit_rows  # the reads themselves were recorded


def _audit_count():
    from tracker.audit.models import AuditEvent

    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
