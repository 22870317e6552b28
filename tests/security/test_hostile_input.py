"""Random and hostile values posted to every form: never a 500, nothing written when
refused, and HTML typed anywhere shown back only as text. The forms are listed in
tests/security/hostile.py.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from markupsafe import escape

from tests.security.hostile import FORMS, HTML_PAYLOADS, SHARPEST, submissions
from tests.security.world import build_world, changed_tables, database_fingerprint, sign_in

EXAMPLES = settings(max_examples=15, deadline=None, derandomize=True,
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


def signed_in(app, form):
    world = build_world()
    user, records = world[form.role]
    client = app.test_client()
    sign_in(client, user)
    return client, records


def attack(client, form, records, data):
    """Send one submission and check the promises; returns the response."""
    url = form.url(records)
    before = database_fingerprint()
    response = send(client, form, url, data)
    assert response.status_code < 500, (form.name, data)
    assert_no_raw_html(response, url)
    accepted = form.method != "GET" and response.status_code in (302, 303)
    if not accepted:
        assert changed_tables(before, database_fingerprint()) == [], (form.name, data)
    elif form.shown_at is not None and any("<" in str(value) for value in data.values()):
        page = client.get(form.shown_at(records))
        assert page.status_code < 500
        assert_no_raw_html(page, form.shown_at(records))
    return response


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_random_hostile_input_is_refused_or_stored_safely(app, form):
    client, records = signed_in(app, form)

    @EXAMPLES
    @given(submission=submissions(form))
    def random_attack(submission):
        hostile, start_from_valid = submission
        attack(client, form, records,
               (form.valid_data(records) if start_from_valid else {}) | hostile)

    random_attack()


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_every_field_survives_the_sharpest_values(app, form):
    client, records = signed_in(app, form)
    for name in form.fields:
        for value in SHARPEST:
            attack(client, form, records, form.valid_data(records) | {name: value})


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

