"""Typed clinic settings with defaults in code and overrides in the `settings` table.

Every threshold the clinic may tune is declared here once, with its default, so code
asks `clinic_settings()["course.min_sessions"]` instead of scattering literals. Values
are read once per request (or job run) and cached on `flask.g`.
"""

from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa
from flask import g

from tracker.extensions import db


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: object
    label: str
    kind: type = str
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    section: str = "Clinic"
    #: raises ValueError with a message for a person when a text value is malformed
    check: object = None


SPECS: dict[str, SettingSpec] = {}


def register(*specs):
    for spec in specs:
        SPECS[spec.key] = spec


def check_weekdays(text):
    days = [day.strip() for day in str(text).split(",") if day.strip()]
    if not days or not all(day.isdigit() and 1 <= int(day) <= 7 for day in days):
        raise ValueError("List weekday numbers from 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5.")


register(
    SettingSpec("clinic.name", "Meridian Acupuncture & Back Care", "Clinic name"),
    SettingSpec("clinic.address", "", "Address"),
    SettingSpec("clinic.phone", "", "Phone"),
    SettingSpec("clinic.email", "", "Email for replies",
                help="Reminder emails use it as their Reply-To address."),
    SettingSpec("clinic.npi", "", "Clinic NPI (type 2)", section="Billing identifiers"),
    SettingSpec("clinic.tax_id", "", "Tax ID (EIN)", section="Billing identifiers"),
    SettingSpec("clinic.opens_at", "08:00", "Opens at", kind=time, section="Hours"),
    SettingSpec("clinic.closes_at", "18:00", "Closes at", kind=time, section="Hours"),
    SettingSpec("clinic.open_weekdays", "1,2,3,4,5", "Open on weekdays",
                help="ISO weekday numbers, 1 = Monday … 7 = Sunday.", section="Hours",
                check=check_weekdays),
)


def parse_time(text):
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


class ClinicSettings:
    """A read-only view of the settings: stored values over code defaults."""

    def __init__(self, stored):
        self._stored = stored

    def __getitem__(self, key):
        spec = SPECS[key]
        value = self._stored.get(key, spec.default)
        if spec.kind is time:
            return parse_time(value)
        return spec.kind(value)

    def raw(self, key):
        return self._stored.get(key, SPECS[key].default)

    @property
    def open_weekdays(self):
        return {int(day) for day in str(self["clinic.open_weekdays"]).split(",") if day.strip()}


def clinic_settings():
    if "clinic_settings" not in g:
        from tracker.clinic.models import Setting

        rows = db.session.execute(sa.select(Setting.key, Setting.value)).all()
        g.clinic_settings = ClinicSettings(dict(rows))
    return g.clinic_settings


def forget_cached_settings():
    g.pop("clinic_settings", None)
