"""Session cookies: flags, idle timeout, absolute lifetime, renewal and revocation."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from config import ProductionConfig
from tests.conftest import build_app
from tests.factories import PASSWORD, make_patient_user, make_user
from tracker.auth.models import Role


def signed_cookie(app, data, *, age_seconds=0):
    """A session cookie for `data`, signed as if issued `age_seconds` ago."""
    serializer = app.session_interface.get_signing_serializer(app)
    signer = serializer.signer

    class IssuedEarlier(signer):
        def get_timestamp(self):
            return int(time.time()) - age_seconds

    serializer.signer = IssuedEarlier
    return serializer.dumps(data)


def session_data(app, client):
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)


@pytest.fixture
def signed_in(app, client, login):
    login(make_user(Role.PRACTITIONER))
    return session_data(app, client)


def test_an_active_session_keeps_working(app, client, signed_in):
    client.set_cookie("session", signed_cookie(app, signed_in, age_seconds=29 * 60))
    assert client.get("/patients/").status_code == 200


def test_an_idle_session_expires_after_thirty_minutes(app, client, signed_in):
    assert app.permanent_session_lifetime == timedelta(minutes=30)
    client.set_cookie("session", signed_cookie(app, signed_in, age_seconds=31 * 60))
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_each_request_renews_the_idle_timer(app, client, signed_in):
    client.set_cookie("session", signed_cookie(app, signed_in, age_seconds=20 * 60))
    assert client.get("/patients/").status_code == 200
    renewed = client.get_cookie("session").value
    serializer = app.session_interface.get_signing_serializer(app)
    _, issued = serializer.loads(renewed, return_timestamp=True)
    assert datetime.now(UTC) - issued < timedelta(minutes=1)


def test_a_login_ends_after_its_absolute_lifetime_however_active(app, client, signed_in):
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    old_login = datetime.now(UTC).timestamp() - lifetime - 60
    client.set_cookie("session", signed_cookie(app, signed_in | {"login_at": old_login}))
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/patients/").status_code == 302  # the session was cleared


def test_a_session_without_a_login_time_is_refused(app, client, signed_in):
    data = {key: value for key, value in signed_in.items() if key != "login_at"}
    client.set_cookie("session", signed_cookie(app, data))
    assert client.get("/patients/").status_code == 302


def test_a_cookie_signed_with_another_key_is_ignored(make_app, client, signed_in):
    other = make_app(SECRET_KEY="another-secret-key")
    client.set_cookie("session", signed_cookie(other, signed_in))
    assert client.get("/patients/").status_code == 302


def test_password_change_revokes_copied_cookies_of_a_patient(app, client, login):
    user = make_patient_user()
    login(user)
    copied = client.get_cookie("session").value
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "another long passphrase",
                                           "confirm_password": "another long passphrase"})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302
    assert thief.get("/").headers["Location"].startswith("/login")


def test_cookie_flags_in_production():
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": "s" * 40,
                                                "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = build_app(config)
    with app.test_request_context():
        response = app.make_response("ok")
        from flask import session

        session["x"] = 1
        session.permanent = True
        app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=1800" in cookie or "Expires=" in cookie


def test_no_remember_me_cookie(client, login):
    login(make_user(Role.PRACTITIONER))
    assert client.get_cookie("remember_token") is None
