import re
from datetime import date
from functools import cache
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from tracker.forms import OptionalDateField, int_or_invalid, no_control_characters, strip

PHONE_PATTERN = re.compile(r"^\+?[0-9 ().-]{7,25}$")
CONSENT_FORM_VERSION = "2026-01"


@cache
def timezone_choices():
    zones = sorted(zone for zone in available_timezones() if "/" in zone
                   and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return [(zone, zone.replace("_", " ")) for zone in zones]


def valid_phone(form, field):
    if field.data and (not PHONE_PATTERN.match(field.data)
                       or sum(char.isdigit() for char in field.data) < 7):
        raise ValidationError("Enter a phone number such as +1 555 010 2000.")


def born_in_the_past(form, field):
    if field.data is None:
        return
    if field.data > date.today():
        raise ValidationError("The date of birth cannot be in the future.")
    if field.data.year < 1900:
        raise ValidationError("Enter a date of birth after 1900.")


def due_date_when_pregnant(form, field):
    if form.is_pregnant.data and field.data is None:
        raise ValidationError("Enter the due date when the patient is pregnant.")


def name_field(label):
    return StringField(label, filters=[strip], validators=[
        DataRequired(f"Enter the {label.lower()}."),
        Length(max=80, message="Use at most 80 characters."), no_control_characters])


class PatientForm(FlaskForm):
    first_name = name_field("First name")
    last_name = name_field("Last name")
    date_of_birth = DateField("Date of birth", validators=[
        DataRequired("Enter the date of birth as a valid date."), born_in_the_past])
    email = EmailField("Email", filters=[strip], validators=[
        Optional(), Length(max=254), Email("Enter an email address such as name@example.com.")])
    phone = StringField("Phone", filters=[strip], validators=[Optional(), valid_phone])
    timezone = SelectField("Timezone", validate_choice=True,
                           description="Reminder emails show times in this timezone.")
    preferred_practitioner_id = SelectField("Preferred practitioner", coerce=int_or_invalid,
                                            validate_choice=True)
    is_pregnant = BooleanField("Pregnant")
    pregnancy_due_on = OptionalDateField("Due date", validators=[due_date_when_pregnant])
    takes_anticoagulants = BooleanField("Takes anticoagulants")
    has_bleeding_disorder = BooleanField("Bleeding disorder")
    has_pacemaker = BooleanField("Pacemaker or implanted defibrillator")
    is_immunocompromised = BooleanField("Immunocompromised")
    safety_notes = TextAreaField("Other safety notes", filters=[strip],
                                 validators=[Length(max=2000), no_control_characters])
    reminder_opt_in = BooleanField("Send appointment reminders and check-ins by email",
                                   default=True)
    consent_signed = BooleanField(f"Consent form (version {CONSENT_FORM_VERSION}) signed today")
    version = HiddenField()

    def __init__(self, *args, practitioners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()
        self.preferred_practitioner_id.choices = [(0, "No preference")] + [
            (user.id, user.name) for user in practitioners]

    def service_values(self):
        values = {name: self[name].data for name in (
            "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
            "is_pregnant", "pregnancy_due_on", "takes_anticoagulants", "has_bleeding_disorder",
            "has_pacemaker", "is_immunocompromised", "safety_notes", "reminder_opt_in")}
        values["email"] = values["email"] or None
        values["phone"] = values["phone"] or None
        values["preferred_practitioner_id"] = self.preferred_practitioner_id.data or None
        return values


class ConsentForm(FlaskForm):
    consent_version = StringField("Consent form version", default=CONSENT_FORM_VERSION,
                                  filters=[strip], validators=[
                                      DataRequired("Enter the version of the signed form."),
                                      Length(max=20), no_control_characters])


class VersionForm(FlaskForm):
    """A bare form for one-button actions: carries the CSRF token and the record version."""

    version = IntegerField(validators=[Optional()])
