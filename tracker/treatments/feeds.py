"""Private iCal feeds: a practitioner subscribes their calendar app to an unguessable URL.

Only the SHA-256 of the token is stored, so the URL is shown once, when it is made; making
a new one stops the old one working.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.models import Appointment, AppointmentStatus, CalendarFeed

#: how far back the feed reaches; everything ahead is included
FEED_HISTORY = timedelta(days=60)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user):
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def regenerate_feed(user, now=None):
    """Make a new feed token for the user (replacing any old one); returns the token."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user) or CalendarFeed(user_id=user.id)
    feed.token_hash = token_hash(token)
    feed.created_at = now or utcnow()
    db.session.add(feed)
    db.session.flush()
    return token


def feed_owner(token):
    """The active staff user whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).options(joinedload(CalendarFeed.user))
                             .where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.user.active or not feed.user.is_staff:
        return None
    return feed.user


def feed_appointments(user, now=None):
    since = (now or utcnow()) - FEED_HISTORY
    return db.session.scalars(
        sa.select(Appointment).options(joinedload(Appointment.patient))
        .where(Appointment.practitioner_id == user.id, Appointment.starts_at >= since,
               Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED]))
        .order_by(Appointment.starts_at)).all()
