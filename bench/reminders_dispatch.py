"""Dispatch 10,000 due reminders to a local SMTP sink, next to a plain smtplib loop.

    .venv/bin/python bench/reminders_dispatch.py [--count N]
        [--database-url postgresql+psycopg://127.0.0.1/scratch] [--batch-size 100]

Builds a scratch database (a temporary SQLite file unless --database-url is given),
books one appointment per reminder, runs the planning sweep, then times
`dispatch_due()` (claim, render, send over SMTP, mark sent: one commit per message)
against an aiosmtpd sink on 127.0.0.1. It checks that every reminder arrived exactly
once, then sends the very same messages again with a bare smtplib loop over one
connection, the floor for any dispatcher, and reports both times and their ratio.
Traffic stays on loopback and the run stops by itself.
"""

import argparse
import json
import multiprocessing
import re
import smtplib
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import Config, normalise_database_url
from tracker import create_app
from tracker.extensions import db

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class Sink:
    """An SMTP handler that keeps each message's Message-ID, envelope and raw bytes."""

    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.messages.append((found.group(1).decode() if found else None,
                                  envelope.mail_from, list(envelope.rcpt_tos),
                                  envelope.original_content or envelope.content))
        return "250 OK"

    def take(self):
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


def serve_sink(port, commands):
    """The sink's own process, so it never competes with the sender for the GIL."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port,
                            data_size_limit=10 * 1024 * 1024)
    controller.start()
    commands.send("ready")
    try:
        while commands.recv() == "take":
            commands.send(sink.take())
    finally:
        controller.stop()


class SinkProcess:
    def __init__(self, port):
        context = multiprocessing.get_context("spawn")
        self.commands, remote = context.Pipe()
        self.process = context.Process(target=serve_sink, args=(port, remote), daemon=True)

    def __enter__(self):
        self.process.start()
        if not self.commands.poll(30) or self.commands.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        return self

    def take(self):
        self.commands.send("take")
        return self.commands.recv()

    def __exit__(self, *exc):
        self.commands.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_app(database_url, port):
    settings = {"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
                "MAIL_BACKEND": "smtp",
                "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_USERNAME": None, "TESTING": True}
    return create_app(type("BenchConfig", (Config,), settings))


def prepare_schema(drop_existing):
    existing = sa.inspect(db.engine).get_table_names()
    if existing and not drop_existing:
        sys.exit(f"{db.engine.url.render_as_string()} already has tables; give an empty "
                 "scratch database, or --drop-existing if it is one.")
    db.drop_all()
    db.create_all()


def book_appointments(count):
    """One practitioner, a patient per 10 appointments, every reminder due at NOW."""
    from tracker.auth.models import User
    from tracker.patients.models import Patient
    from tracker.treatments.models import Appointment

    user = User(email="bench@example.org", name="Bench Practitioner", password_hash="x",
                role="practitioner")
    db.session.add(user)
    db.session.flush()
    patients = [{"first_name": "Bench", "last_name": f"Patient{number}",
                 "date_of_birth": datetime(1980, 1, 1).date(), "timezone": "Europe/London",
                 "email": f"patient{number}@example.net"} for number in range(count // 10 + 1)]
    db.session.execute(sa.insert(Patient), patients)
    ids = db.session.scalars(sa.select(Patient.id).order_by(Patient.id)).all()
    first = NOW + timedelta(hours=20)
    db.session.execute(sa.insert(Appointment), [
        {"patient_id": ids[number // 10], "practitioner_id": user.id,
         "starts_at": first + timedelta(seconds=number)} for number in range(count)])
    db.session.commit()


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def plain_smtplib_loop(port, messages):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for _, mail_from, rcpt_tos, content in messages:
            smtp.sendmail(mail_from, rcpt_tos, content)


def check_exactly_once(received, count):
    from tracker.reminders.models import Reminder

    ids = [message_id for message_id, *_ in received]
    rows = dict(db.session.execute(sa.select(Reminder.message_id, Reminder.status)).all())
    problems = []
    if len(ids) != count or len(set(ids)) != count:
        problems.append(f"{len(ids)} messages received, {len(set(ids))} distinct, "
                        f"expected {count}")
    if set(ids) != set(rows):
        problems.append("received Message-IDs differ from the outbox's")
    if set(rows.values()) != {"sent"}:
        problems.append(f"outbox statuses: {sorted(set(rows.values()))}")
    return problems


def run(args):
    from tracker.reminders.dispatch import dispatch_due
    from tracker.reminders.planning import plan_reminders

    port = free_port()
    with SinkProcess(port) as sink:
        app = build_app(args.database_url, port)
        with app.app_context():
            prepare_schema(args.drop_existing)
            book_appointments(args.count)
            planned, plan_seconds = timed(plan_reminders, NOW)
            db.session.commit()
            result, dispatch_seconds = timed(dispatch_due, NOW, batch_size=args.batch_size)
            received = sink.take()
            problems = check_exactly_once(received, args.count)
            _, loop_seconds = timed(plain_smtplib_loop, port, received)
            looped = len(sink.take())
            if looped != len(received):
                problems.append(f"the smtplib loop delivered {looped} of {len(received)}")
            db.session.remove()
            if args.cleanup:
                db.drop_all()
            db.engine.dispose()
    return {"database": sa.engine.make_url(args.database_url).get_backend_name(),
            "reminders": args.count, "batch_size": args.batch_size,
            "planned": planned.created, "plan_seconds": round(plan_seconds, 2),
            "sent": result.sent, "dispatch_seconds": round(dispatch_seconds, 2),
            "smtplib_loop_seconds": round(loop_seconds, 2),
            "ratio": round(dispatch_seconds / loop_seconds, 2) if loop_seconds else None,
            "problems": problems}


def report(numbers):
    count = numbers["reminders"]
    print(f"{count} reminders on {numbers['database']} (batch size {numbers['batch_size']})")
    print(f"  planning sweep        {numbers['plan_seconds']:8.2f} s  "
          f"({numbers['planned']} rows)")
    for label, key in (("dispatch_due()", "dispatch_seconds"),
                       ("plain smtplib loop", "smtplib_loop_seconds")):
        seconds = numbers[key]
        print(f"  {label:<21} {seconds:8.2f} s  {count / seconds:8.0f} messages/s")
    print(f"  ratio (dispatch / smtplib): {numbers['ratio']}x")
    if numbers["problems"]:
        print("FAILED: " + "; ".join(numbers["problems"]))
    else:
        print("Every reminder arrived exactly once.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--database-url", help="an empty scratch database "
                        "(default: a temporary SQLite file)")
    parser.add_argument("--drop-existing", action="store_true",
                        help="the database is a scratch one: drop its tables first")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        args.cleanup = args.database_url is not None
        args.database_url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        numbers = run(args)
    report(numbers)
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2) + "\n")
    return 1 if numbers["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
