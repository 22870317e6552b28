"""Mail backends, chosen by MAIL_BACKEND: smtp, file (development) or memory (tests).

Each backend opens a connection for a batch (`with backend.connect() as connection:`)
and sends `email.message.Message` objects through it. A failure to reach the server
at all raises `MailServerUnavailable`, so the dispatcher can stop the batch instead of
trying every remaining message against a server that is down.
"""

import logging
import secrets
import smtplib
import ssl
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from pathlib import Path

from flask import current_app

from tracker.db import utcnow

log = logging.getLogger(__name__)


class MailServerUnavailable(OSError):
    """The mail server could not be reached or dropped the connection."""


class MemoryBackend:
    """Keeps messages in `app.extensions["mail_outbox"]`, for unit tests.

    Each is kept as a recipient would parse it (`EmailMessage`, standard policy).
    """

    def __init__(self, app):
        self.outbox = app.extensions.setdefault("mail_outbox", [])

    @contextmanager
    def connect(self):
        yield self

    def send(self, message):
        self.outbox.append(message_from_bytes(message.as_bytes(), policy=policy.default))


class FileBackend:
    """Writes each message as an .eml file under instance/mail/ (the development default)."""

    def __init__(self, app):
        self.directory = Path(app.instance_path) / "mail"

    @contextmanager
    def connect(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        yield self

    def send(self, message):
        path = self.directory / f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
        path.write_bytes(bytes(message))
        log.info("Wrote email %r to %s as %s", message["Subject"], message["To"], path)


class SmtpBackend:
    def __init__(self, app):
        config = app.config
        self.host, self.port = config["MAIL_SERVER"], config["MAIL_PORT"]
        self.use_tls, self.use_ssl = config["MAIL_USE_TLS"], config["MAIL_USE_SSL"]
        self.username, self.password = config["MAIL_USERNAME"], config["MAIL_PASSWORD"]
        self.timeout = config.get("MAIL_TIMEOUT", 30)

    def open(self):
        """A logged-in SMTP session (SSL from the first byte, or STARTTLS when asked)."""
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnavailable(f"Cannot reach {self.host}:{self.port}: {error}") from error
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            raise MailServerUnavailable(
                f"{self.host}:{self.port} refused the session: {error}") from error
        return smtp

    @contextmanager
    def connect(self):
        connection = SmtpConnection(self)
        try:
            yield connection
        finally:
            connection.close()


class SmtpConnection:
    """One SMTP session reused for a batch; reconnects after the server drops it."""

    def __init__(self, backend):
        self.backend = backend
        self.smtp = None

    def send(self, message):
        if self.smtp is None:
            self.smtp = self.backend.open()
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            self.smtp = None
            raise MailServerUnavailable(
                f"The mail server closed the connection: {error}") from error
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self):
        if self.smtp is not None:
            with suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


BACKENDS = {"smtp": SmtpBackend, "file": FileBackend, "memory": MemoryBackend}


def get_backend(app=None):
    app = app or current_app._get_current_object()
    name = app.config["MAIL_BACKEND"]
    if name not in BACKENDS:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}.")
    return BACKENDS[name](app)


def memory_outbox(app=None):
    app = app or current_app._get_current_object()
    return app.extensions.setdefault("mail_outbox", [])
