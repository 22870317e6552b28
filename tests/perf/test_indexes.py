"""The hot queries can use their indexes (PostgreSQL: EXPLAIN with sequential scans off).

With `enable_seqscan = off` the planner takes an index whenever one can serve the query;
a plan that still scans the table sequentially means no index fits. On the benchmark's
data bench/run.py EXPLAINs every query of every page (bench/README.md).
"""

import pytest
import sqlalchemy as sa

from tests.conftest import is_postgres
from tracker.extensions import db

HOT_QUERIES = {
    "schedule by practitioner and day": (
        "SELECT * FROM appointments WHERE practitioner_id = 1 AND starts_at >= now() "
        "AND starts_at < now() + interval '1 day' ORDER BY starts_at",
        # on the test's few rows the day's index alone can win; bench data takes the first
        ("ix_appointments_practitioner_starts_at", "ix_appointments_starts_at_status")),
    "visits by course": ("SELECT * FROM visits WHERE course_id = 1 ORDER BY session_number",
                         "ix_visits_course_session"),
    "check-ins by course": ("SELECT * FROM pain_checkins WHERE course_id = 1 "
                            "ORDER BY recorded_at", "ix_pain_checkins_course_recorded_at"),
    "charges by patient": ("SELECT * FROM charges WHERE patient_id = 1",
                           "ix_charges_patient_id"),
    "charges by course": ("SELECT * FROM charges WHERE course_id = 1", "ix_charges_course_id"),
    "payments by patient": ("SELECT * FROM payments WHERE patient_id = 1",
                            "ix_payments_patient_id"),
    "payments by course": ("SELECT * FROM payments WHERE course_id = 1",
                           "ix_payments_course_id"),
    "patient search by name fragment": (
        "SELECT * FROM patients WHERE lower(first_name || ' ' || last_name || ' ' || "
        "coalesce(email, '') || ' ' || coalesce(phone, '')) LIKE '%owa%'",
        "ix_patients_search_trgm"),
    "outbox, one status in due order": (
        "SELECT id FROM reminders WHERE status = 'sent' ORDER BY due_at DESC, id DESC LIMIT 51",
        "ix_reminders_status_due_at"),
    "patient list order": ("SELECT * FROM patients ORDER BY last_name, first_name LIMIT 25",
                           "ix_patients_name"),
    "who owes, largest first": ("SELECT patient_id FROM patient_balances WHERE owed_cents > 0 "
                                "ORDER BY owed_cents DESC, patient_id LIMIT 25",
                                "ix_patient_balances_owed_cents"),
}


def seed_a_busy_schedule(connection):
    """Twenty practitioners' appointments over a year, with statistics, so the planner
    weighs the indexes as it would in a clinic instead of guessing on empty tables."""
    connection.execute(sa.text(
        "INSERT INTO users (id, email, name, password_hash, role, active, session_version, "
        "created_at) SELECT n, 'p' || n || '@example.org', 'P' || n, 'x', 'practitioner', "
        "true, 1, now() FROM generate_series(1, 20) AS n"))
    connection.execute(sa.text(
        "INSERT INTO patients (id, first_name, last_name, date_of_birth, timezone, "
        "is_pregnant, takes_anticoagulants, has_bleeding_disorder, has_pacemaker, "
        "is_immunocompromised, safety_notes, reminder_opt_in, created_at, updated_at, version) "
        "VALUES (1, 'A', 'B', '1980-01-01', 'UTC', false, false, false, false, false, '', "
        "true, now(), now(), 1)"))
    connection.execute(sa.text(
        "INSERT INTO appointments (patient_id, practitioner_id, starts_at, duration_minutes, "
        "status, notes, created_at, updated_at, version) SELECT 1, 1 + n % 20, "
        "now() - interval '180 days' + n * interval '30 minutes', 45, 'booked', '', now(), "
        "now(), 1 FROM generate_series(1, 20000) AS n"))
    connection.execute(sa.text("ANALYZE"))


@pytest.fixture
def explain():
    if not is_postgres():
        pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    with db.engine.begin() as connection:
        seed_a_busy_schedule(connection)

    def plan(sql):
        with db.engine.connect() as connection:
            connection.execute(sa.text("SET enable_seqscan = off"))
            return "\n".join(connection.scalars(sa.text("EXPLAIN " + sql)))

    return plan


@pytest.mark.parametrize("name", HOT_QUERIES)
def test_hot_query_uses_its_index(explain, name):
    sql, indexes = HOT_QUERIES[name]
    plan = explain(sql)
    indexes = (indexes,) if isinstance(indexes, str) else indexes
    assert any(index in plan for index in indexes), plan
    assert "Seq Scan" not in plan, plan
