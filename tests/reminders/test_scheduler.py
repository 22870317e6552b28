"""The scheduler process, the cron command and the clinic settings for reminders."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course
from tracker.clinic.services import update_settings
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.reminders.jobs import build_scheduler, dispatch_job, plan_job
from tracker.reminders.mail import memory_outbox
from tracker.reminders.models import Reminder
from tracker.reminders.settings import followup_days


def test_the_scheduler_runs_in_utc_and_coalesces_missed_runs(app):
    scheduler = build_scheduler(app, plan_every=120, dispatch_every=30)
    assert str(scheduler.timezone) == "UTC"
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"plan-reminders", "dispatch-reminders"}
    dispatch = jobs["dispatch-reminders"]
    assert dispatch.coalesce is True and dispatch.max_instances == 1
    assert dispatch.misfire_grace_time == 30 and dispatch.trigger.interval == timedelta(seconds=30)
    assert jobs["plan-reminders"].misfire_grace_time == 120
    assert not scheduler.running


def test_the_web_app_never_starts_a_scheduler(make_app):
    before = set(threading.enumerate())
    make_app()
    assert set(threading.enumerate()) == before


def test_the_jobs_plan_and_send_in_their_own_app_context(app):
    memory_outbox().clear()
    starts = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    make_appointment(make_course(), starts_at=starts)
    assert plan_job(app).created == 1
    assert dispatch_job(app).sent == 1
    assert len(memory_outbox(app)) == 1
    assert dispatch_job(app).sent == 0


def test_send_due_reports_what_it_did(runner):
    make_appointment(make_course(), starts_at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    result = runner.invoke(args=["reminders", "send-due", "--now", "2026-03-01T15:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "Planned 1 new reminder(s)" in result.output and "Sent 1," in result.output
    assert db.session.scalar(sa.select(Reminder.status)) == "sent"


def test_send_due_takes_a_time_without_offset_as_utc_and_refuses_garbage(runner):
    assert runner.invoke(args=["reminders", "send-due", "--now", "2026-03-01T15:00"]).exit_code == 0
    bad = runner.invoke(args=["reminders", "send-due", "--now", "tomorrow-ish"])
    assert bad.exit_code != 0 and "is not an ISO 8601 time" in bad.output


def test_follow_up_days_are_a_checked_list():
    assert followup_days(clinic_settings()) == [14, 90]
    assert update_settings({"reminder.followup_days": "30, 7,30"}) == {}
    assert followup_days(clinic_settings()) == [7, 30]
    errors = update_settings({"reminder.followup_days": "two weeks"})
    assert "List days after the course ends" in errors["reminder.followup_days"]


@pytest.mark.parametrize("key,value", [("reminder.max_attempts", "0"),
                                       ("reminder.lease_seconds", "5"),
                                       ("checkin.link_days", "400")])
def test_reminder_settings_have_sane_bounds(key, value):
    assert key in update_settings({key: value})
