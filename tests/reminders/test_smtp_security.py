"""The SMTP backend over STARTTLS with a login, and over TLS from the first byte."""

import shutil
import ssl
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.factories import make_appointment, make_course
from tests.reminders.conftest import Collector, free_port, run_send_due
from tracker.extensions import db
from tracker.reminders.models import Reminder

STARTS = datetime(2026, 9, 15, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def certificate(app, tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        missing = "The openssl command is needed to make a test certificate."
        if app.config["RUNNING_IN_CI"]:
            pytest.fail(missing)
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def trusted(certificate, monkeypatch):
    """Make the client trust the test certificate, as it would a real CA's."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def check_login(server, session, envelope, mechanism, auth_data):
    accepted = (auth_data.login, auth_data.password) == (b"clinic", b"s3cret")
    return AuthResult(success=accepted, handled=False)


def start(controller):
    controller.start()
    return controller


def book_and_send(app):
    make_appointment(make_course(), starts_at=STARTS)
    run_send_due(app, STARTS - timedelta(hours=23))
    return db.session.scalar(sa.select(Reminder))


def test_starttls_and_login(make_app, trusted):
    handler, port = Collector(), free_port()
    controller = start(Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=trusted, require_starttls=True,
        authenticator=check_login, auth_required=True))
    try:
        app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                       MAIL_USE_TLS=True, MAIL_USERNAME="clinic", MAIL_PASSWORD="s3cret")
        reminder = book_and_send(app)
    finally:
        controller.stop()
    assert reminder.status == "sent" and len(handler.messages) == 1


def test_a_wrong_password_is_an_smtp_failure_that_is_retried(make_app, trusted):
    handler, port = Collector(), free_port()
    controller = start(Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=trusted, require_starttls=True,
        authenticator=check_login, auth_required=True))
    try:
        app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                       MAIL_USE_TLS=True, MAIL_USERNAME="clinic", MAIL_PASSWORD="wrong")
        reminder = book_and_send(app)
    finally:
        controller.stop()
    assert reminder.status == "pending"
    assert "refused the session" in reminder.last_error and "535" in reminder.last_error
    assert handler.messages == []


def test_tls_from_the_first_byte(make_app, trusted):
    handler, port = Collector(), free_port()
    controller = start(Controller(handler, hostname="127.0.0.1", port=port,
                                  ssl_context=trusted))
    try:
        app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                       MAIL_USE_SSL=True)
        reminder = book_and_send(app)
    finally:
        controller.stop()
    assert reminder.status == "sent" and len(handler.messages) == 1
