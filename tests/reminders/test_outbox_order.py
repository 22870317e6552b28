"""The outbox's order and pages, read one status at a time (tracker.reminders.services)."""

import random
from datetime import UTC, datetime, timedelta

from tests.factories import make_patient, make_reminder
from tracker.reminders import services
from tracker.reminders.models import ReminderKind, ReminderStatus

PLACE = {"failed": 0, "sending": 1, "pending": 2, "sent": 3, "cancelled": 3}


def expected_order(reminders):
    """The documented order, worked out the slow way: sort every row in Python."""
    def key(reminder):
        due = reminder.due_at.timestamp()
        next_first = due if reminder.status == ReminderStatus.PENDING else 0
        return (PLACE[reminder.status], next_first, -due, -reminder.id)
    return [reminder.id for reminder in sorted(reminders, key=key)]


def random_outbox(count=40, seed=7):
    chooser = random.Random(seed)
    patient = make_patient()
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    return [make_reminder(patient, status=chooser.choice(ReminderStatus.ALL),
                          kind=chooser.choice(ReminderKind.ALL[:3]),
                          # few distinct times, so ties are broken by id
                          due_at=start + timedelta(hours=chooser.randrange(8)))
            for _ in range(count)]


def all_pages(per_page, **filters):
    ids, page = [], 1
    while True:
        result = services.outbox_page(page=page, per_page=per_page, **filters)
        assert len(result.items) <= per_page
        ids += [reminder.id for reminder in result.items]
        if not result.has_next:
            return ids
        assert len(result.items) == per_page
        page += 1


def test_pages_follow_each_other_in_the_documented_order(app_context):
    reminders = random_outbox()
    assert all_pages(per_page=7) == expected_order(reminders)
    assert all_pages(per_page=40) == expected_order(reminders)  # exactly one full page


def test_filters_keep_the_order(app_context):
    reminders = random_outbox()
    for status in ReminderStatus.ALL:
        assert all_pages(per_page=3, status=status) == expected_order(
            [r for r in reminders if r.status == status])
    assert all_pages(per_page=4, kind="checkin", status="sent") == expected_order(
        [r for r in reminders if r.kind == "checkin" and r.status == "sent"])


def test_a_page_past_the_end_is_empty(app_context):
    random_outbox(count=5)
    past = services.outbox_page(page=3, per_page=5)
    assert past.items == [] and not past.has_next and past.has_prev


def test_status_counts_stop_at_the_cap(app_context):
    patient = make_patient()
    for _ in range(4):
        make_reminder(patient, status="sent")
    make_reminder(patient, status="failed")
    assert services.status_counts(cap=10) == {"sent": 4, "failed": 1}
    assert services.status_counts(cap=2) == {"sent": 3, "failed": 1}  # 3 means "2+"


def test_the_page_shows_a_capped_count_as_more_than(client, login, app_context, monkeypatch):
    from tests.factories import make_user
    from tracker.auth.models import Role

    patient = make_patient()
    for _ in range(3):
        make_reminder(patient, status="sent")
    monkeypatch.setattr(services, "COUNT_CAP", 2)
    login(make_user(Role.ADMIN))
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert "Sent <span class=\"badge text-bg-light\">2+</span>" in page
    assert "Pending <span class=\"badge text-bg-light\">0</span>" in page


def test_the_page_goes_by_previous_and_next_without_counting(client, login, app_context):
    from tests.factories import make_user
    from tracker.auth.models import Role

    patient = make_patient()
    for _ in range(51):
        make_reminder(patient, status="sent")
    login(make_user(Role.ADMIN))
    first = client.get("/admin/reminders").get_data(as_text=True)
    assert 'href="/admin/reminders?page=2">Next</a>' in first and "Page 1</span>" in first
    second = client.get("/admin/reminders?page=2").get_data(as_text=True)
    assert 'href="/admin/reminders?page=1">Previous</a>' in second
    assert "Page 2</span>" in second and 'class="page-link">Next</span>' in second
