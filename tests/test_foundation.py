"""The app factory, configuration, database types and response headers."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from config import DEV_SECRET_KEY, ProductionConfig
from tests.factories import make_patient, make_user
from tracker import create_app
from tracker.auth.models import Role
from tracker.db import MoneyError, format_money, parse_money, percent_of
from tracker.extensions import db
from tracker.patients.models import Patient


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": secret})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_starts_with_a_real_secret_key():
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": "s" * 40,
                                                "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and not app.debug


def test_utc_datetimes_keep_their_timezone():
    patient = make_patient()
    eastern = timezone(timedelta(hours=-5))
    patient.consent_signed_at = datetime(2026, 3, 8, 1, 30, tzinfo=eastern)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Patient, patient.id).consent_signed_at
    assert stored.tzinfo is not None
    assert stored == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    patient = make_patient()
    patient.consent_signed_at = datetime(2026, 3, 8, 1, 30)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced():
    patient = make_patient()
    patient.preferred_practitioner_id = 987654
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, login):
    login(make_user(Role.PRACTITIONER))
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("text,cents", [("95", 9500), ("95.5", 9550), ("$1,095.50", 109550),
                                        ("0.01", 1), (" 12.00 ", 1200)])
def test_parse_money(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize("text,message", [("12.345", "two decimal places"),
                                          ("-5", "cannot be negative"), ("ten", "such as"),
                                          ("NaN", "such as"), ("1e400", "too large"),
                                          ("1e-400", "two decimal")])
def test_parse_money_refuses(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_money(text)


def test_money_rounding():
    assert percent_of(9500, 20) == 1900
    assert percent_of(9750, 20) == 1950
    assert percent_of(10, 15) == 2  # 1.5 cents rounds half up
    assert format_money(1950) == "$19.50"
    assert format_money(-123456) == "-$1,234.56"
