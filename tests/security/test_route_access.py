"""Every route, every role, with real ids: the expected status, and nothing changed on denial.

The table lives in tests/security/routes.py; a route missing from it fails here by name.
"""

import pytest

from tests.security.routes import ROUTES, app_routes, is_denial, methods_of
from tests.security.world import (
    ADMIN,
    PATIENT,
    PRACTITIONER,
    ROLES,
    build_world,
    changed_tables,
    database_fingerprint,
    impossible_records,
    sign_in,
)


def test_every_route_has_a_case(app):
    problems = []
    for endpoint, rule in sorted(app_routes(app).items()):
        case = ROUTES.get(endpoint)
        if case is None:
            problems.append(f"{endpoint} ({rule.rule}) has no case in tests/security/routes.py")
            continue
        missing = [method for method in methods_of(rule) if method not in case.expect]
        if missing:
            problems.append(f"{endpoint} ({rule.rule}) lacks expected statuses for {missing}")
        for method, expected in case.expect.items():
            if set(expected) != set(ROLES):
                problems.append(f"{endpoint} {method} must give a status for every role")
    stale = sorted(set(ROUTES) - set(app_routes(app)))
    problems += [f"{endpoint} is in the table but not in the app" for endpoint in stale]
    assert not problems, "\n".join(problems)


def signed_in_request(app, world, role, method, endpoint, records=None):
    """A fresh session of `role`, and the request to send from it (call it to send)."""
    user, own_records = world[role]
    client = app.test_client()
    sign_in(client, user)
    url = ROUTES[endpoint].url(records or own_records)
    return lambda: client.open(url, method=method, data={} if method == "POST" else None)


def request_as(app, world, role, method, endpoint, records=None):
    return signed_in_request(app, world, role, method, endpoint, records)()


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_answers_each_role_as_declared(app, endpoint):
    world = build_world()
    failures = []
    for method, expected in sorted(ROUTES[endpoint].expect.items()):
        for role in ROLES:
            send = signed_in_request(app, world, role, method, endpoint)
            before = database_fingerprint()
            response = send()
            status = response.status_code
            if status != expected[role]:
                failures.append(f"{method} as {role}: {status}, expected {expected[role]}")
            location = response.headers.get("Location", "")
            changed = changed_tables(before, database_fingerprint())
            if changed and (method == "GET" or is_denial(role, status, location)):
                failures.append(f"{method} as {role} ({status}) changed {changed}")
    assert not failures, f"{endpoint}:\n" + "\n".join(failures)


def test_ids_beyond_any_integer_never_break_a_route(app):
    """Every route that names a record, asked for ids no database integer can hold."""
    world = build_world()
    huge = impossible_records()
    failures = []
    for role in (ADMIN, PRACTITIONER, PATIENT):
        client = app.test_client()
        sign_in(client, world.users[role])
        for case in ROUTES.values():
            url = case.url(huge)
            if url == case.url(world.records[role]):
                continue  # the URL names no record
            for method in case.expect:
                status = client.open(url, method=method, data={}).status_code
                if status >= 500:
                    failures.append(f"{method} {url} as {role}: {status}")
    assert not failures, "\n".join(failures)


def test_a_patient_gets_404_for_everything_of_another_patient(app):
    """The same walk, seen from patient A: any URL built from B's ids is a 404 or a 302."""
    world = build_world()
    _, records_b = world["other_patient"]
    for endpoint, case in ROUTES.items():
        url = case.url(records_b)
        if url == case.url(world[PATIENT][1]) or case.by_link:
            continue  # the URL names nothing of B's, or is an emailed link (its own key)
        for method in case.expect:
            response = request_as(app, world, PATIENT, method, endpoint, records_b)
            assert response.status_code == 404, (endpoint, method, url)
