"""The declarative base, the UTC datetime column type and money helpers.

Every model in Meridian inherits from `Base` (through `db.Model`), so constraint names
follow one convention and migrations stay stable across databases.
"""

import sqlite3
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant, always UTC in the database and in Python.

    PostgreSQL keeps it as `timestamptz`; SQLite has no such type, so the value is stored
    as naive UTC and given its timezone back on the way out. Naive datetimes are refused:
    a time without a zone is a bug waiting for the next daylight-saving change.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# --- Money -------------------------------------------------------------------------------
# Amounts are integer cents everywhere: in columns, in arithmetic and in totals. Decimal
# appears only at the edges, when parsing what a person typed or formatting for display.

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10_000_000)


class MoneyError(ValueError):
    """Raised with a message fit to show next to the field that held the amount."""


def parse_money(text, *, allow_negative=False):
    """Turn '95', '95.5' or '$1,095.50' into cents; refuse more than two decimals."""
    cleaned = str(text).strip().replace(",", "").removeprefix("$").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError("Enter an amount such as 95.00.") from None
    if not amount.is_finite():
        raise MoneyError("Enter an amount such as 95.00.")
    if abs(amount) > MAX_AMOUNT:
        raise MoneyError("That amount is too large.")
    if amount != amount.quantize(CENT):
        raise MoneyError("Use at most two decimal places.")
    if amount < 0 and not allow_negative:
        raise MoneyError("The amount cannot be negative.")
    return int(amount * 100)


def format_money(cents):
    """Cents as dollars for people: 1950 -> '$19.50', -500 -> '-$5.00'."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def percent_of(cents, percent):
    """`percent` % of an amount, rounded half up to the cent.

    20 % of $95.00 is $19.00 and of $97.50 is $19.50 exactly; a half cent (20 % of
    $0.025 cannot happen, but 15 % of $0.10 = 1.5 cents) rounds up, to 2 cents.
    """
    exact = Decimal(cents) * Decimal(percent) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def built_on(item, dialect_name):
    """False for a schema item that `ddl_if(dialect=...)` limits to another database.

    Migrations and the schema check use it, so an index only PostgreSQL has (a trigram
    index) is not reported missing on SQLite.
    """
    condition = getattr(item, "_ddl_if", None)
    if condition is None or condition.dialect is None:
        return True
    dialects = (condition.dialect,) if isinstance(condition.dialect, str) else condition.dialect
    return dialect_name in dialects


@sa.event.listens_for(sa.engine.Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite ignores foreign keys unless asked, per connection; PostgreSQL always checks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
