"""Changing clinic settings, one validated value at a time."""

from datetime import time

from tracker.clinic.models import Setting
from tracker.clinic.settings import SPECS, forget_cached_settings, parse_time
from tracker.extensions import db
from tracker.forms import CONTROL_CHARACTERS


class SettingError(ValueError):
    def __init__(self, key, message):
        super().__init__(message)
        self.key = key


def coerce_setting(key, raw):
    """The typed value for `raw` (as typed in a form), or SettingError saying why not."""
    spec = SPECS[key]
    text = str(raw).strip() if raw is not None else ""
    if spec.kind is bool:
        return bool(raw) and text.lower() not in {"0", "false", "no", "off", ""}
    if spec.kind is int:
        try:
            value = int(text)
        except ValueError:
            raise SettingError(key, "Enter a whole number.") from None
        if spec.minimum is not None and value < spec.minimum:
            raise SettingError(key, f"Enter {spec.minimum} or more.")
        if spec.maximum is not None and value > spec.maximum:
            raise SettingError(key, f"Enter {spec.maximum} or less.")
        return value
    if spec.kind is time:
        try:
            parse_time(text)
        except ValueError:
            raise SettingError(key, "Enter a time as HH:MM, for example 08:30.") from None
        return text
    if len(text) > 500:
        raise SettingError(key, "Use at most 500 characters.")
    if CONTROL_CHARACTERS.search(text):
        raise SettingError(key, "Remove the invisible control characters from this field.")
    if spec.check:
        try:
            spec.check(text)
        except ValueError as error:
            raise SettingError(key, str(error)) from None
    return text


def update_settings(values):
    """Store every given setting, or none of them if any is invalid."""
    coerced, errors = {}, {}
    for key, raw in values.items():
        try:
            coerced[key] = coerce_setting(key, raw)
        except SettingError as error:
            errors[key] = str(error)
    if errors:
        return errors
    for key, value in coerced.items():
        row = db.session.get(Setting, key)
        if value == SPECS[key].default and row is None:
            continue
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    db.session.flush()
    forget_cached_settings()
    return {}
