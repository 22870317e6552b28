"""The public check-in form and the small action forms of the outbox."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.treatments.checkins import SIDE_EFFECTS

SCORES = [(value, str(value)) for value in range(11)]


def score_or_none(value):
    """Coerce a submitted score; garbage becomes -1, which the range check refuses."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def score_from_0_to_10(form, field):
    if field.data is not None and field.data not in range(11):
        raise ValidationError("Choose a score from 0 to 10.")


def score_field(label, *validators):
    return RadioField(label, coerce=score_or_none, validate_choice=False,
                      validators=[*validators, score_from_0_to_10])


class CheckinForm(FlaskForm):
    pain = score_field("How is your back today?",
                       InputRequired("Choose a pain score from 0 (no pain) to 10."))
    peg_enjoyment = score_field("During the past week, how much has pain interfered with "
                                "your enjoyment of life?")
    peg_activity = score_field("During the past week, how much has pain interfered with "
                               "your general activity?")
    side_effects = SelectMultipleField(
        "Since your visit, have you noticed any of these?",
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.pain, self.peg_enjoyment, self.peg_activity):
            field.choices = SCORES
        self.side_effects.choices = SIDE_EFFECTS

    def service_values(self, purpose):
        from tracker.reminders.models import CheckinPurpose

        values = {"pain": self.pain.data}
        if purpose == CheckinPurpose.FOLLOWUP:
            values |= {"peg_enjoyment": self.peg_enjoyment.data,
                       "peg_activity": self.peg_activity.data}
        else:
            values["side_effects"] = self.side_effects.data or []
        return values


class ActionForm(FlaskForm):
    """A bare form: its CSRF token protects one-button POST actions."""
