"""Random and hostile values posted to every form: never a 500, nothing written when
refused, and HTML typed anywhere shown back only as text. The forms are listed in
tests/security/hostile.py.
"""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from markupsafe import escape

from tests.security.hostile import FORMS, HTML_PAYLOADS, SHARPEST, submissions
from tests.security.world import build_world, changed_tables, database_fingerprint, sign_in
from tracker.audit.models import AuditEvent
from tracker.extensions import db

EXAMPLES = settings(max_examples=10, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def send(client, form, url, data):
    if form.as_json:
        return client.open(url, method=form.method, json=data)
    if form.method == "GET":
        return client.get(url, query_string=data)
    return client.open(url, method=form.method, data=data)


def assert_no_raw_html(response, where):
    for payload in HTML_PAYLOADS:
        assert payload.encode() not in response.data, f"unescaped HTML on {where}"


class Attacker:
    """One signed-in client sending hostile submissions to one form.

    The database is fingerprinted once per submission: what it was after the last one is
    what it is before the next (the pages looked at in between change nothing).
    """

    def __init__(self, app, form):
        world = build_world()
        user, self.records = world[form.role]
        self.client, self.form = app.test_client(), form
        sign_in(self.client, user)
        self.fingerprint = database_fingerprint()

    def attack(self, data):
        """Send one submission and check the promises; returns the response."""
        form, records = self.form, self.records
        url = form.url(records)
        response = send(self.client, form, url, data)
        assert response.status_code < 500, (form.name, data)
        assert_no_raw_html(response, url)
        before, self.fingerprint = self.fingerprint, database_fingerprint()
        accepted = form.method != "GET" and response.status_code in form.accepted_with
        if not accepted:
            assert changed_tables(before, self.fingerprint) == [], (form.name, data)
        elif form.shown_at is not None and any("<" in str(value) for value in data.values()):
            page = self.client.get(form.shown_at(records))
            assert page.status_code < 500
            assert_no_raw_html(page, form.shown_at(records))
        return response


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_random_hostile_input_is_refused_or_stored_safely(app, form):
    attacker = Attacker(app, form)

    @EXAMPLES
    @given(submission=submissions(form))
    def random_attack(submission):
        hostile, start_from_valid = submission
        attacker.attack((form.valid_data(attacker.records) if start_from_valid else {})
                        | hostile)

    random_attack()


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_every_field_survives_the_sharpest_values(app, form):
    attacker = Attacker(app, form)
    for name in form.fields:
        for value in SHARPEST:
            attacker.attack(form.valid_data(attacker.records) | {name: value})


@pytest.mark.parametrize("form", [form for form in FORMS if form.method == "POST"
                                  and form.valid and form.valid_is_complete],
                         ids=lambda form: form.name)
def test_the_valid_submission_is_accepted_and_audited(app, form):
    """Otherwise every attack above would stop at the first field, short of the service.

    What it changed is in the audit trail, naming the patient whose data it was.
    """
    attacker = Attacker(app, form)
    since = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
    response = attacker.attack(form.valid_data(attacker.records))
    assert response.status_code in form.accepted_with, (form.name, response.data[:3000])
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.id > since, AuditEvent.outcome == "success")).all()
    assert events, f"{form.name}: nothing recorded in the audit trail"
    if form.names_patient:
        assert attacker.records.patient in {event.patient_id for event in events}, \
            [(event.action, event.patient_id) for event in events]


@pytest.mark.parametrize("form", [form for form in FORMS if form.text_fields],
                         ids=lambda form: form.name)
def test_html_that_is_accepted_is_shown_as_text(app, form):
    """Every text field of a displaying form, given HTML, at once: stored, shown escaped."""
    world = build_world()
    user, records = world[form.role]
    client = app.test_client()
    sign_in(client, user)
    payload = HTML_PAYLOADS[0][:20]  # short enough for every length limit
    data = form.valid_data(records) | {name: payload for name in form.text_fields}
    response = send(client, form, form.url(records), data)
    assert response.status_code == 302, (form.name, response.data[:2000])
    page = client.get(form.shown_at(records)).data
    assert payload.encode() not in page
    assert str(escape(payload)).encode() in page



#: what a JSON body can hold that a form field never does
JSON_VALUES = [[1, 2], {"a": 1}, None, 2**70, True, 1.5, "<script>alert(1)</script>"]


def test_json_bodies_are_refused_by_every_form(app):
    """Flask-WTF reads a JSON body as form data; the app refuses JSON before any form does."""
    world = build_world()
    clients = {role: app.test_client() for role in {form.role for form in FORMS}}
    for role, client in clients.items():
        sign_in(client, world.users[role])
    before = database_fingerprint()
    for form in FORMS:
        if form.method != "POST":
            continue
        records = world.records[form.role]
        valid = form.valid_data(records) or dict.fromkeys(form.fields, "1")
        for value in JSON_VALUES:
            response = clients[form.role].post(form.url(records),
                                               json=dict.fromkeys(valid, value))
            assert response.status_code == 415, (form.name, value, response.status_code)
    assert changed_tables(before, database_fingerprint()) == []
