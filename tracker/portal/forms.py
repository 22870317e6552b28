from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tracker.forms import int_or_invalid
from tracker.treatments.checkins import SIDE_EFFECTS

SCALE = [SelectChoice(value, str(value)) for value in range(11)]
SIDE_EFFECT_CHOICES = [SelectChoice(code, label) for code, label in SIDE_EFFECTS]


def score_field(label, message, *validators):
    return RadioField(label, choices=SCALE, coerce=int_or_invalid, validators=list(validators),
                      invalid_choice_message=message)


class CheckinForm(FlaskForm):
    """Today's pain (NRS 0–10) and, optionally, the two other PEG questions."""

    pain = score_field("How bad is your pain right now?",
                       "Choose a number from 0 (no pain) to 10 (worst pain imaginable).")
    peg_enjoyment = score_field(
        "In the past week, how much has pain interfered with your enjoyment of life?",
        "Choose a number from 0 (not at all) to 10 (completely).", Optional())
    peg_activity = score_field(
        "In the past week, how much has pain interfered with your general activity?",
        "Choose a number from 0 (not at all) to 10 (completely).", Optional())
    side_effects = SelectMultipleField(
        "Since your last visit, have you noticed any of these?", choices=SIDE_EFFECT_CHOICES,
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        enjoyment, activity = self.peg_enjoyment, self.peg_activity
        if valid and (enjoyment.data is None) != (activity.data is None):
            missing = activity if activity.data is None else enjoyment
            missing.errors.append("Answer both questions about the past week, or neither.")
            valid = False
        return valid

    def service_values(self):
        return {"pain": self.pain.data, "peg_enjoyment": self.peg_enjoyment.data,
                "peg_activity": self.peg_activity.data,
                "side_effects": self.side_effects.data or []}
