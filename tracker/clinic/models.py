import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class Setting(db.Model):
    """One clinic setting that differs from its default (see `tracker.clinic.settings`)."""

    __tablename__ = "settings"

    #: dotted name, e.g. ``course.min_sessions``
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    #: the value as JSON: a number, a string or a boolean
    value: Mapped[object] = mapped_column(sa.JSON)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
