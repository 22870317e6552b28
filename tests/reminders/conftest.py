"""A real SMTP server on loopback (aiosmtpd) and apps that send to it."""

import asyncio
import contextvars
import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tracker.extensions import db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """Keeps every message the server accepted, parsed; `delay` slows each one down."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


class SmtpServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.handler = Collector()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """An app on the suite's database whose mail goes to the loopback SMTP server."""
    return make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                    MAIL_TIMEOUT=5)


def run_send_due(app, now):
    """Run `flask reminders send-due --now …` against `app`, as cron would.

    It runs in a fresh context, so the command builds its own app context (and database
    session) on `app` instead of joining the test's.
    """
    runner = app.test_cli_runner()
    result = contextvars.Context().run(
        runner.invoke, args=["reminders", "send-due", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


@pytest.fixture
def send_due(smtp_app):
    return lambda now: run_send_due(smtp_app, now)
