"""Validators and filters shared by every domain's forms."""

import re
from datetime import date

from wtforms import DateField
from wtforms.validators import ValidationError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError("Remove the invisible control characters from this field.")


#: the days a clinic's records can fall on; anything else is a typo (and a day like
#: 9999-12-31 overflows when converted to UTC or moved on by a day)
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def plausible_date(form, field):
    if isinstance(field.data, date) and not EARLIEST_DAY <= field.data <= LATEST_DAY:
        raise ValidationError(f"Enter a date between {EARLIEST_DAY.year} and "
                              f"{LATEST_DAY.year}.")


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
