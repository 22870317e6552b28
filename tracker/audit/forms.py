from datetime import date

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from tracker.forms import OptionalDateField, no_control_characters, strip

MAX_ID = 2**31 - 1


def plausible_day(form, field):
    if field.data is not None and not date(2000, 1, 1) <= field.data <= date(2999, 12, 31):
        raise ValidationError("Enter a date between 2000 and 2999.")


def not_before_start(form, field):
    start = form.date_from.data
    if field.data is not None and start is not None and field.data < start:
        raise ValidationError("The end date is before the start date.")


class AuditFilterForm(FlaskForm):
    """The filters above the audit list; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    patient = IntegerField("Patient id", validators=[
        Optional(), NumberRange(1, MAX_ID, "Enter a patient id such as 42.")])
    user = StringField("User email contains", filters=[strip], validators=[
        Length(max=254), no_control_characters])
    action = SelectField("Action", default="")
    date_from = OptionalDateField("From", validators=[plausible_day])
    date_to = OptionalDateField("To", validators=[plausible_day, not_before_start])

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", "Any action")] + [(action, action) for action in actions]
