"""Which pages the load benchmark requests, and logging in to reach them.

Targets are chosen from the loaded data so each page shows a heavy case: the busiest
practitioner's day, a common surname's second page, the patient with the longest history,
the longest course, the last full month of the finance report.
"""

import html
import http.client
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

DEMO_PASSWORD = "meridian-demo-2026"
ADMIN = "admin@example.com"
HISTORY_PATIENT = "history.patient@example.com"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    login: str
    what: str
    #: measured for comparison only, not held to the target
    reference: bool = False


def choose_pages(database_url, today, zone):
    """The benchmarked pages, floor first; reminders admin only when the app has it."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        q = lambda sql, **params: connection.execute(sa.text(sql), params).first()  # noqa: E731
        day = _busy_day(today)
        start = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
        busiest = q("SELECT u.email, u.id, COUNT(*) AS n FROM appointments a "
                    "JOIN users u ON u.id = a.practitioner_id "
                    "WHERE a.starts_at >= :start AND a.starts_at < :end "
                    "GROUP BY u.email, u.id ORDER BY n DESC, u.id LIMIT 1",
                    start=start, end=start + timedelta(days=1))
        surname = q("SELECT last_name, COUNT(*) AS n FROM patients WHERE archived_at IS NULL "
                    "GROUP BY last_name ORDER BY n DESC, last_name LIMIT 1")
        patient = q("SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id "
                    "WHERE u.email = :email", email=HISTORY_PATIENT)
        course = q("SELECT course_id, COUNT(*) AS n FROM appointments "
                   "WHERE course_id IS NOT NULL GROUP BY course_id ORDER BY n DESC, course_id "
                   "LIMIT 1")
        has_reminders = sa.inspect(connection).has_table("reminders")
    engine.dispose()
    month_end = today.replace(day=1) - timedelta(days=1)
    pages = [
        Page("floor", f"/bench/floor/{patient.id}", ADMIN, "one row by primary key, "
             "one-line template"),
        Page("floor + audit event", f"/bench/floor/{patient.id}?audit=1", ADMIN,
             "the floor, recording the view in the audit trail", reference=True),
        Page("schedule", f"/schedule/?day={day}&practitioner={busiest.id}", busiest.email,
             f"{busiest.n} appointments on {day}"),
        Page("patient list", f"/patients/?q={urllib.parse.quote(surname.last_name)}&page=2",
             ADMIN, f"search '{surname.last_name}' ({surname.n} matches), page 2"),
        Page("patient page", f"/patients/{patient.id}", ADMIN, "patient with 8 courses"),
        Page("course page", f"/courses/{course.course_id}", ADMIN,
             f"course with {course.n} appointments"),
        Page("progress JSON", f"/api/courses/{course.course_id}/progress", ADMIN,
             "same course"),
        Page("portal home", "/portal/", HISTORY_PATIENT, "the patient with 8 courses"),
        Page("finance report", f"/billing/?from={month_end.replace(day=1)}&to={month_end}",
             ADMIN, f"{month_end:%B %Y}"),
    ]
    if has_reminders:
        pages.append(Page("reminders admin", "/admin/reminders", ADMIN, "outbox, first page"))
    return pages


def _busy_day(today):
    """Today when the clinic is open (Monday to Friday), else the next open day."""
    while today.isoweekday() > 5:
        today += timedelta(days=1)
    return today


def login(port, email, password=DEMO_PASSWORD):
    """Log in through the real form (GET for the CSRF token, then POST); returns the cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    body = response.read().decode()
    cookie = _cookie(response)
    token = html.unescape(CSRF.search(body).group(1))
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    connection.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 302:
        raise RuntimeError(f"Login as {email} failed with HTTP {response.status}.")
    return _cookie(response)


def _cookie(response):
    values = [header.split(";", 1)[0] for name, header in response.getheaders()
              if name.lower() == "set-cookie"]
    return "; ".join(values)


def fetch(port, path, cookie):
    """GET a page with the cookie; (status, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body

