"""Validators and filters shared by every domain's forms."""

import re

from wtforms import DateField
from wtforms.validators import ValidationError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError("Remove the invisible control characters from this field.")


def form_values(form, *names):
    """The data of the named fields, as keyword arguments for a service."""
    return {name: form[name].data for name in names}


def int_or_invalid(value):
    """A SelectField coercion that turns garbage into a value no choice has.

    WTForms then reports "Not a valid choice." instead of a coercion error.
    """
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class OptionalDateField(DateField):
    """A date that may be left empty; anything typed must still be a real date.

    (WTForms' `Optional()` validator would also wipe the errors of earlier validators.)
    """

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


MAX_PAGE = 100_000


def page_number(args, name="page"):
    """The page a list was asked for, kept between 1 and MAX_PAGE whatever was typed."""
    page = args.get(name, 1, type=int)
    return min(max(page, 1), MAX_PAGE)
