"""Form fields and validators shared by the clinical forms."""

import re

from wtforms import IntegerField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import Length, StopValidation, ValidationError

from tracker.forms import no_control_characters, strip

WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]{1,6}$")


class WholeNumberField(IntegerField):
    """A whole number typed by a person.

    Anything that is not one ('7.5', 'seven', '') leaves `data` as None and is reported
    once, by the `whole_number` validator, instead of WTForms' generic coercion message.
    """

    widget = widgets.NumberInput(step="1")

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0].strip() if valuelist and valuelist[0] else ""
        self.data = int(self.raw_text) if WHOLE_NUMBER.match(self.raw_text) else None


def whole_number(low, high, *, required=None, label=None):
    """Validate a WholeNumberField against [low, high]; `low`/`high` may be callables.

    `required` is the message for an empty field; without it an empty field is allowed.
    """

    def validate(form, field):
        minimum = low() if callable(low) else low
        maximum = high() if callable(high) else high
        raw = getattr(field, "raw_text", None)
        if field.data is None and not raw:
            if required:
                raise StopValidation(required)
            raise StopValidation()
        if field.data is None or not minimum <= field.data <= maximum:
            what = label or field.label.text
            raise StopValidation(f"{what} must be a whole number from {minimum} to {maximum}.")

    validate.field_flags = {"required": True} if required else {}
    return validate


def pain_field(label, *, name, required=True, description=""):
    """A 0–10 pain score (NRS): whole numbers only. `name` is how messages call it."""
    validators = [whole_number(0, 10, required=(
        f"Enter {name} as a whole number from 0 to 10.") if required else None,
        label=name[0].upper() + name[1:])]
    return WholeNumberField(label, validators=validators, description=description,
                            render_kw={"min": 0, "max": 10, "inputmode": "numeric"})


def text_area(label, *, max_length=4000, description=""):
    return TextAreaField(label, filters=[strip], description=description, validators=[
        Length(max=max_length, message=f"Use at most {max_length} characters."),
        no_control_characters])


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; unknown values get a clear message, not a crash."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        allowed = {value for value, _ in self.choices}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError("Choose from the list.")


def version_value(field):
    """The record version a form carried, or None when absent or garbled."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


#: what a missing or garbled version of an existing record becomes: no record has it
NO_VERSION = 0


def submitted_version(field):
    """The version a form about an existing record carried.

    A missing or tampered value never matches, so the change is refused as a conflict
    instead of skipping the check and overwriting someone else's save.
    """
    value = version_value(field)
    return value if value is not None and value > 0 else NO_VERSION
