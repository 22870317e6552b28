"""Signed links: single-use check-in tokens and one-click unsubscribe tokens.

A check-in link carries a random token id signed with its purpose as salt, so a token
issued for one purpose cannot be replayed for another and a tampered link fails before
the database is asked. The row decides the rest: it expires, and it is spent by one
conditional UPDATE, so two submissions racing each other record one score.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db
from tracker.reminders.models import CheckinPurpose, CheckinToken

UNSUBSCRIBE = "unsubscribe"


class LinkError(Exception):
    """A link that cannot be used; `reason` is "invalid", "used" or "expired"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"meridian.{purpose}")


def sign(value, purpose):
    return _serializer(purpose).dumps(value)


def unsign(signed, purpose):
    try:
        return _serializer(purpose).loads(signed)
    except BadSignature:
        return None


def issue_checkin_token(*, purpose, patient_id, course_id, reminder_id, now, days):
    if purpose not in CheckinPurpose.ALL:
        raise ValueError(f"Unknown check-in purpose {purpose!r}.")
    token = CheckinToken(id=secrets.token_urlsafe(32), purpose=purpose, patient_id=patient_id,
                         course_id=course_id, reminder_id=reminder_id, created_at=now,
                         expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token


def signed_checkin_token(token):
    return sign(token.id, token.purpose)


def open_checkin_token(signed, now):
    """The usable token behind a link, or LinkError saying why it cannot be used."""
    for purpose in CheckinPurpose.ALL:
        token_id = unsign(signed, purpose)
        if isinstance(token_id, str):
            break
    else:
        raise LinkError("invalid")
    token = db.session.get(CheckinToken, token_id)
    if token is None or token.purpose != purpose:
        raise LinkError("invalid")
    if token.used_at is not None:
        raise LinkError("used")
    if token.expires_at <= now:
        raise LinkError("expired")
    return token


def spend_checkin_token(token, now):
    """Mark the token used, unless someone else did first (then LinkError "used")."""
    spent = db.session.execute(
        sa.update(CheckinToken)
        .where(CheckinToken.id == token.id, CheckinToken.used_at.is_(None),
               CheckinToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if spent != 1:
        raise LinkError("used")
    set_committed_value(token, "used_at", now)


def unsubscribe_token(patient_id):
    return sign(patient_id, UNSUBSCRIBE)


def patient_id_from_unsubscribe_token(signed):
    patient_id = unsign(signed, UNSUBSCRIBE)
    if not isinstance(patient_id, int) or isinstance(patient_id, bool):
        raise LinkError("invalid")
    return patient_id
