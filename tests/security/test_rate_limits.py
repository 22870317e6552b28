"""Login rate limits per IP and per account, in memory and in Redis.

The limiter is one object shared by every app the suite builds, so the fixture turns it
off again for the suite's own app after each test.
"""

import uuid

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.extensions import db, limiter

REDIS_URI = "redis://127.0.0.1:6379"


@pytest.fixture
def limited_app(app, make_app):
    def build(**overrides):
        return make_app(RATELIMIT_ENABLED=True, **overrides)

    yield build
    limiter.init_app(app)  # RATELIMIT_ENABLED is False there: the shared limiter is off again


def attempt(client, email, password="not the password", ip="203.0.113.7"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def refusals():
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "auth.login", AuditEvent.outcome == "denied")).all()


def test_too_many_attempts_from_one_address_are_refused(limited_app):
    app = limited_app(LOGIN_RATE_LIMIT_PER_IP="3 per minute")
    client = app.test_client()
    for number in range(3):
        assert attempt(client, f"someone{number}@example.org").status_code == 200
    response = attempt(client, "someone9@example.org")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert b"Please wait a few minutes" in response.data and b"Traceback" not in response.data
    assert attempt(client, "someone@example.org", ip="198.51.100.2").status_code == 200
    denied = refusals()
    assert [event.user_email for event in denied] == ["someone9@example.org"]
    assert denied[0].ip == "203.0.113.7" and denied[0].details["reason"] == "rate limit"


def test_too_many_attempts_on_one_account_are_refused_from_any_address(limited_app):
    app = limited_app(LOGIN_RATE_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    user = make_user(Role.PRACTITIONER)
    client = app.test_client()
    assert attempt(client, user.email, ip="203.0.113.1").status_code == 200
    assert attempt(client, user.email.upper(), ip="203.0.113.2").status_code == 200
    refused = attempt(client, user.email, password=PASSWORD, ip="203.0.113.3")
    assert refused.status_code == 429  # even the right password waits
    assert client.get("/patients/").status_code == 302
    other = make_user(Role.PRACTITIONER)
    assert attempt(client, other.email, password=PASSWORD, ip="203.0.113.3").status_code == 302
    assert len(refusals()) == 1


def test_viewing_the_login_page_is_not_limited(limited_app):
    app = limited_app(LOGIN_RATE_LIMIT_PER_IP="1 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200


def redis_reachable(app):
    import redis

    try:
        return redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_limits_are_shared_through_redis(app, limited_app):
    if not redis_reachable(app):
        if app.config["RUNNING_IN_CI"]:
            pytest.fail(f"Redis is not reachable at {REDIS_URI}; CI must provide it.")
        pytest.skip(f"Redis is not reachable at {REDIS_URI} (start redis-server to run this).")
    email = f"{uuid.uuid4().hex}@example.org"  # keys of earlier runs cannot interfere
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URI, "LOGIN_RATE_LIMIT_PER_ACCOUNT": "2 per minute"}
    first_web_process = limited_app(**settings).test_client()
    assert attempt(first_web_process, email, ip=ip).status_code == 200
    assert attempt(first_web_process, email, ip=ip).status_code == 200
    second_web_process = limited_app(**settings).test_client()  # a fresh limiter and app
    assert attempt(second_web_process, email, ip=ip).status_code == 429
