import sqlalchemy as sa

from tracker.extensions import db
from tracker.reminders.models import Reminder


def test_the_demo_outbox_shows_pending_sent_and_failed_reminders(runner, client, login):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    statuses = set(db.session.scalars(sa.select(Reminder.status)))
    assert {"pending", "sent", "failed"} <= statuses
    failed = db.session.scalar(sa.select(Reminder).where(Reminder.status == "failed"))
    assert failed.attempts == 5 and failed.last_error
    login("admin@example.com", "meridian-demo-2026")
    page = client.get("/admin/reminders").data
    assert page.index(b"reminder-status-failed") < page.index(b"reminder-status-pending")
    for status in ("pending", "sent", "failed"):
        filtered = client.get(f"/admin/reminders?status={status}").data
        assert f"reminder-status-{status}".encode() in filtered
