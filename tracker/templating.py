"""Jinja filters and globals: money, local times and navigation helpers."""

from zoneinfo import ZoneInfo

from flask import current_app

from tracker.db import format_money
from tracker.navigation import nav_items


def clinic_zone():
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def to_local(instant, zone=None):
    if instant is None:
        return None
    zone = ZoneInfo(zone) if isinstance(zone, str) else (zone or clinic_zone())
    return instant.astimezone(zone)


def local_datetime(instant, zone=None, fmt="%a %d %b %Y, %H:%M"):
    """An instant shown in the clinic's timezone (or `zone`), with the zone's abbreviation."""
    local = to_local(instant, zone)
    return "" if local is None else f"{local.strftime(fmt)} {local.tzname()}"


def local_date(value, fmt="%d %b %Y"):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = to_local(value)
    return value.strftime(fmt)


def init_app(app):
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = lambda instant, zone=None: local_datetime(
        instant, zone, "%H:%M")
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["clinic_timezone"] = lambda: current_app.config["CLINIC_TIMEZONE"]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_clinic():
        from tracker.clinic.settings import clinic_settings

        return {"clinic_settings": clinic_settings}
