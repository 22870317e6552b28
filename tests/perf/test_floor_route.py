"""The load benchmark's floor page exists only when BENCH_FLOOR_ROUTE is on."""

import sqlalchemy as sa

from tests.factories import PASSWORD, make_patient, make_user
from tracker.auth.models import Role


def test_floor_route_is_absent_by_default(client, login):
    patient = make_patient()
    login(make_user(Role.ADMIN))
    assert client.get(f"/bench/floor/{patient.id}").status_code == 404


def test_floor_route_needs_login_and_shows_one_row(make_app):
    app = make_app(BENCH_FLOOR_ROUTE=True)
    client = app.test_client()
    with app.app_context():
        patient = make_patient(first_name="Iris", last_name="Floor")
        user = make_user(Role.ADMIN)
        path = f"/bench/floor/{patient.id}"
        assert client.get(path).status_code == 302  # to the login page
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        page = client.get(path)
        assert page.status_code == 200
        assert page.data.strip() == b"<p>Iris Floor</p>"
        assert client.get(f"/bench/floor/{patient.id + 1000}").status_code == 404


def test_floor_with_audit_records_the_view(make_app):
    from tracker.audit.models import AuditEvent
    from tracker.extensions import db

    app = make_app(BENCH_FLOOR_ROUTE=True)
    client = app.test_client()
    with app.app_context():
        patient = make_patient()
        user = make_user(Role.ADMIN)
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert client.get(f"/bench/floor/{patient.id}").status_code == 200
        assert client.get(f"/bench/floor/{patient.id}?audit=1").status_code == 200
        views = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "bench.floor.view")).all()
        assert [(event.patient_id, event.user_id) for event in views] == [(patient.id, user.id)]
