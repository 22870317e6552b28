"""`flask demo load --scale N`: the demo clinic plus N × 100 patients of synthetic history.

N = 1 is the ordinary demo and nothing more. N ≥ 2 adds, after it, N × 100 patients with
five years of history ending today: one to three courses each (about 2 N × 100 in all),
about nine signed visits per course with pain scores, points and check-ins, the course's
upcoming appointments, their charges and payments and, when the reminders outbox exists,
its rows in every status; and N / 5 more practitioners (at least two) to treat them.
N = 100 is the "5-year clinic": about 20 practitioners, 10,000 patients, 20,000 courses,
180,000 visits, 200,000 charges and 400,000 reminders.

The history is the same for the same N on the same day (fixed seeds; dates count back
from today, like the ordinary demo). Rows are written with SQLAlchemy Core executemany
in batches, one transaction per 500 patients; the long-history patient's portal login is
written last, so its presence means the load finished.
"""

import math
import random
import types
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from tracker.auth.passwords import hash_password
from tracker.clinic.settings import clinic_settings
from tracker.db import utcnow
from tracker.demo import scale_people
from tracker.demo.bulk import BulkWriter, fast_sqlite, reset_sequences
from tracker.demo.scale_billing import BillingGenerator, fee_lookup
from tracker.demo.scale_clinical import Calendar, ClinicalGenerator
from tracker.demo.scale_reminders import ReminderGenerator
from tracker.extensions import db

PATIENTS_PER_UNIT = 100
FIVE_YEAR_CLINIC = 100
YEARS = 5
CHUNK = 500
#: the portal login of the patient with the longest history; written last
HISTORY_PATIENT_EMAIL = "history.patient@example.com"


class ScaleError(Exception):
    """The database holds something the requested load cannot build on."""


def sizes(scale):
    return {"patients": scale * PATIENTS_PER_UNIT, "practitioners": max(2, math.ceil(scale / 5))}


def loaded_scale():
    """The scale whose history is in the database: None when none, 0 when unfinished."""
    patients = db.session.scalar(sa.select(sa.func.count()).where(
        scale_people.synthetic_patient()))
    if not patients:
        return None
    finished = db.session.scalar(sa.text("SELECT 1 FROM users WHERE email = :email"),
                                 {"email": HISTORY_PATIENT_EMAIL})
    return patients // PATIENTS_PER_UNIT if finished else 0


def load(scale, advance=lambda patients: None):
    """Add the synthetic history of `scale` (≥ 2); returns {table: rows written} or {}."""
    found = loaded_scale()
    if found == scale:
        return {}
    if found is not None:
        raise ScaleError(
            "This database already holds " + ("an unfinished scale load" if found == 0 else
                                              f"the history of scale {found}")
            + f"; load scale {scale} into a fresh database (flask db downgrade base, then "
              "flask db upgrade).")
    db.session.commit()  # the loader writes on its own connection
    with db.engine.connect() as connection, fast_sqlite(connection):
        loader = Loader(connection, scale, advance)
        connection.commit()  # end the reads' implicit transaction: run() opens its own
        return loader.run()


class Loader:
    def __init__(self, connection, scale, advance):
        self.connection, self.scale, self.advance = connection, scale, advance
        self.t = types.SimpleNamespace(**db.metadata.tables)
        self.writer = BulkWriter(connection)
        self.now = utcnow()
        self.zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
        self.today = self.now.astimezone(self.zone).date()
        self.rng = random.Random(f"meridian-scale-{scale}")
        self.calendar = Calendar(self.zone, clinic_settings().open_weekdays, self.today)
        self.clinical = ClinicalGenerator(self.writer, self.t, self.calendar, self.rng, self.now)
        admin_id = connection.scalar(sa.text(
            "SELECT MIN(id) FROM users WHERE role = 'admin'"))
        self.billing = BillingGenerator(self.writer, self.t, fee_lookup(connection), self.rng,
                                        self.today, self.zone, admin_id)
        reminders = getattr(self.t, "reminders", None)
        self.reminders = reminders is not None and ReminderGenerator(
            self.writer, reminders, self.rng, self.now)

    def run(self):
        count = sizes(self.scale)["patients"]
        with self.connection.begin():
            self._seed_existing_bookings()
            self.practitioners = scale_people.add_practitioners(
                self.writer, self.t.users, sizes(self.scale)["practitioners"],
                hash_password(scale_people.DEMO_PASSWORD), self.rng, self.now)
            self.writer.flush()
        for first in range(0, count, CHUNK):
            with self.connection.begin():
                for index in range(first, min(first + CHUNK, count)):
                    self._patient(index)
                self.writer.flush()
            self.advance(min(CHUNK, count - first))
        with self.connection.begin():
            scale_people.add_history_login(self.writer, self.t, HISTORY_PATIENT_EMAIL,
                                           self.history_patient, self.now)
            self.writer.flush()
            reset_sequences(self.connection, [table for table in db.metadata.sorted_tables
                                              if "id" in table.c
                                              and isinstance(table.c.id.type, sa.Integer)])
        return dict(self.writer.written)

    def _seed_existing_bookings(self):
        """Keep synthetic sessions off the hours the ordinary demo already booked."""
        rows = self.connection.execute(sa.select(
            self.t.appointments.c.practitioner_id, self.t.appointments.c.starts_at))
        for practitioner_id, starts_at in rows:
            starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
            local = starts_at.astimezone(self.zone)
            self.calendar.taken.add((practitioner_id, local.date(), local.hour))

    def _patient(self, index):
        rng = self.rng
        long_history = index == 0
        starts = (self._long_history_starts() if long_history else self._course_starts())
        patient = scale_people.patient_row(self.writer, self.t.patients, index, rng,
                                           self.practitioners, starts, self.calendar)
        histories = [self._course(patient, start, long_history and number == len(starts) - 1)
                     for number, start in enumerate(starts)]
        scale_people.archive_some(patient, histories, rng, self.now)
        self.writer.add(self.t.patients, patient)
        for history in histories:
            self.clinical.write(history)
        self.billing.patient(patient, histories, insured=True if long_history else None)
        if self.reminders:
            self.reminders.patient(patient, histories)
        if long_history:
            self.history_patient = patient

    def _course(self, patient, start, long_course):
        rng = self.rng
        practitioner_id = (patient["preferred_practitioner_id"] if rng.random() < 0.8
                           else rng.choice(self.practitioners))
        planned = 40 if long_course else rng.randint(7, 12)
        frequency = "2" if long_course else rng.choice(["1", "2", "2x3,1", "2x2,1"])
        return self.clinical.course(patient, practitioner_id, start, planned, frequency,
                                    scale_people.flags(patient))

    def _course_starts(self):
        """One to three course start days, at least four months apart, oldest first."""
        first = self.today - timedelta(days=YEARS * 365)
        span = (self.today + timedelta(days=14) - first).days
        starts = sorted(first + timedelta(days=self.rng.randrange(span))
                        for _ in range(self.rng.choice([1, 2, 2, 2, 3, 3, 3])))
        kept = [starts[0]]
        for start in starts[1:]:
            if (start - kept[-1]).days >= 120:
                kept.append(start)
        return kept

    def _long_history_starts(self):
        """Eight courses over five years; the last, 40 sessions long, started 16 weeks ago."""
        first = self.today - timedelta(days=YEARS * 365)
        return [first + timedelta(days=230 * number) for number in range(7)] + [
            self.today - timedelta(weeks=16)]


def history_patient_summary(connection=None):
    """Counts that describe a load, for the command's closing line."""
    tables = ["users", "patients", "courses", "appointments", "visits", "charges", "payments"]
    if "reminders" in db.metadata.tables:
        tables.append("reminders")
    return {name: db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {name}")) for name in tables}

