"""Response headers, error pages and templates that keep the Content-Security-Policy."""

import re

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from tests.conftest import build_app
from tests.factories import make_appointment, make_course, make_patient, make_user
from tracker import PROJECT_ROOT
from tracker.audit.models import AuditEvent
from tracker.auth.access import public
from tracker.auth.models import Role
from tracker.extensions import db


@pytest.fixture
def production_app(database_uri):
    """The production configuration, on the suite's database."""

    def build(**overrides):
        config = type("Prod", (ProductionConfig,), {
            "SECRET_KEY": "s" * 40, "SQLALCHEMY_DATABASE_URI": database_uri, **overrides})
        return build_app(config)

    return build


def with_failing_route(app):
    @app.route("/test-only/boom")
    @public
    def boom():
        raise RuntimeError("secret internals: /srv/meridian/tracker/db.py line 42")

    @app.route("/api/test-only/boom")
    @public
    def api_boom():
        raise RuntimeError("secret internals")

    return app


def test_policy_forbids_inline_script_and_framing(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_hsts_only_in_production(client, production_app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    response = production_app().test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_with_health_data_are_not_cached(client, login):
    staff = make_user(Role.PRACTITIONER)
    patient = make_patient()
    appointment = make_appointment(make_course(patient, staff))
    login(staff)
    for url in (f"/patients/{patient.id}", "/patients/", f"/appointments/{appointment.id}.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/meridian.css")
    assert response.headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_an_unexpected_error_shows_a_generic_page(make_app, production_app, environment):
    app = with_failing_route(production_app() if environment == "production" else make_app())
    response = app.test_client().get("/test-only/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    for leak in (b"Traceback", b"secret internals", b"RuntimeError", b"db.py"):
        assert leak not in response.data
    assert response.headers["Content-Security-Policy"]


def test_an_unexpected_api_error_is_generic_json(make_app):
    app = with_failing_route(make_app())
    response = app.test_client().get("/api/test-only/boom")
    assert response.status_code == 500
    assert response.json == {"error": "Something went wrong",
                             "message": "The error was logged. Nothing you entered was saved."}


def test_production_never_runs_the_debugger(production_app):
    app = production_app()
    assert app.debug is False
    assert app.config["DEBUG"] is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS")


def failed_login_ip(app, forwarded_for):
    app.test_client().post("/login", data={"email": "x@example.org", "password": "wrong"},
                           headers={"X-Forwarded-For": forwarded_for},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return db.session.scalars(sa.select(AuditEvent.ip).order_by(AuditEvent.id.desc())).first()


def test_production_takes_the_client_address_from_its_one_proxy(production_app):
    app = production_app(WTF_CSRF_ENABLED=False)
    assert failed_login_ip(app, "198.51.100.9") == "198.51.100.9"


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(app):
    assert failed_login_ip(app, "198.51.100.9") == "127.0.0.1"


def test_requests_larger_than_a_form_are_refused(client):
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert b"Too large" in response.data


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted((PROJECT_ROOT / "templates").rglob("*.html")),
                         ids=lambda path: str(path.relative_to(PROJECT_ROOT / "templates")))
def test_templates_keep_to_the_content_security_policy(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not INLINE_STYLE.search(text), "inline style: use a class in static/css/"
    assert not EVENT_HANDLER.search(text), "on*= handler: attach it from static/js/"


def test_the_error_page_survives_a_broken_database(production_app, tmp_path):
    app = with_failing_route(production_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-tables.db'}"))
    response = app.test_client().get("/test-only/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data and b"no such table" not in response.data
