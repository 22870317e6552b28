"""`flask demo load --scale N`: consistent synthetic history, loaded once."""

import sqlalchemy as sa

from tests.factories import make_course, make_patient
from tracker.extensions import db


def scalar(sql):
    return db.session.scalar(sa.text(sql))


def test_scale_two_adds_two_hundred_patients_of_consistent_history(runner):
    result = runner.invoke(args=["demo", "load", "--scale", "2"])
    assert result.exit_code == 0, result.output
    assert scalar("SELECT COUNT(*) FROM patients WHERE email LIKE '%@scale.example.net'") == 200
    assert scalar("SELECT COUNT(*) FROM users WHERE email LIKE '%@scale.example.com'") == 2
    # the ordinary demo finds its patients by surname: the history never reuses one
    assert scalar("SELECT COUNT(*) FROM patients WHERE last_name = 'Alvarez'") == 1
    assert scalar("SELECT COUNT(*) FROM visits") > 2000
    # signed visits: needles counted back out, numbered 1..n without gaps in each course
    assert scalar("SELECT COUNT(*) FROM visits WHERE signed_at IS NOT NULL "
                  "AND needles_in != needles_out") == 0
    assert scalar("SELECT COUNT(*) FROM (SELECT course_id FROM visits "
                  "WHERE session_number IS NOT NULL GROUP BY course_id "
                  "HAVING MAX(session_number) != COUNT(*)) AS gaps") == 0
    # every signed visit of the history is charged, and each charge's parts add up
    assert scalar("SELECT COUNT(*) FROM visits v WHERE NOT EXISTS "
                  "(SELECT 1 FROM charges c WHERE c.visit_id = v.id)") == 0
    assert scalar("SELECT COUNT(*) FROM charges "
                  "WHERE billed_cents != expected_insurer_cents + patient_cents") == 0
    statuses = {row[0] for row in db.session.execute(sa.text(
        "SELECT DISTINCT status FROM courses"))}
    assert {"active", "completed", "discontinued"} <= statuses
    reminder_statuses = {row[0] for row in db.session.execute(sa.text(
        "SELECT DISTINCT status FROM reminders"))}
    assert reminder_statuses == {"pending", "sending", "sent", "failed", "cancelled"}
    assert scalar("SELECT COUNT(*) FROM appointments a JOIN appointments b "
                  "ON a.practitioner_id = b.practitioner_id AND a.id < b.id "
                  "AND a.starts_at = b.starts_at") == 0
    # ids were written explicitly: new rows still get fresh ones (PostgreSQL sequences)
    assert make_course(patient=make_patient()).id > scalar("SELECT MIN(id) FROM courses")


def test_scale_load_runs_once_and_refuses_another_scale(runner):
    assert runner.invoke(args=["demo", "load", "--scale", "2"]).exit_code == 0
    counts = scalar("SELECT COUNT(*) FROM visits")
    again = runner.invoke(args=["demo", "load", "--scale", "2"])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert scalar("SELECT COUNT(*) FROM visits") == counts
    other = runner.invoke(args=["demo", "load", "--scale", "3"])
    assert other.exit_code != 0
    assert "already holds the history of scale 2" in other.output


def test_history_patient_logs_in_to_a_long_history(runner, client, login):
    runner.invoke(args=["demo", "load", "--scale", "2"])
    assert login("history.patient@example.com", "meridian-demo-2026").status_code == 302
    page = client.get("/portal/")
    assert page.status_code == 200
    assert scalar("SELECT COUNT(*) FROM courses c JOIN users u ON u.id = "
                  "(SELECT user_id FROM patients WHERE id = c.patient_id) "
                  "WHERE u.email = 'history.patient@example.com'") == 8
