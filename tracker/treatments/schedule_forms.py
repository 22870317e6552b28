"""Forms for booking, rescheduling and cancelling appointments."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length

from tracker.forms import int_or_invalid, no_control_characters, plausible_date, strip
from tracker.treatments.form_fields import WholeNumberField, text_area, whole_number

DEFAULT_DURATION = 45


def duration_field(**options):
    return WholeNumberField("Duration (minutes)", default=DEFAULT_DURATION, validators=[
        whole_number(15, 180, required="Enter the duration in minutes.",
                     label="Duration")], render_kw={"min": 15, "max": 180, "step": 5},
        **options)


def date_field(label="Date"):
    return DateField(label, validators=[DataRequired("Enter a date as YYYY-MM-DD."),
                                        plausible_date])


def time_field(label="Time"):
    return TimeField(label, validators=[DataRequired("Enter a time as HH:MM.")],
                     description="Clinic time.")


class ProposeSeriesForm(FlaskForm):
    """The first step of booking a course: where the series starts (a GET form)."""

    class Meta:
        csrf = False

    first_day = date_field("First session")
    at_time = time_field("Time of day")
    duration = duration_field()


class SessionRowForm(Form):
    include = BooleanField("Book", default=True)
    day = date_field()
    at_time = time_field()


class ConfirmSeriesForm(FlaskForm):
    #: its own id: the page shows it below the proposal form's duration field
    duration = duration_field(id="series-duration")
    sessions = FieldList(FormField(SessionRowForm), min_entries=0, max_entries=60)

    def chosen_rows(self):
        return [row for row in self.sessions if row.form.include.data]


class AppointmentForm(FlaskForm):
    practitioner_id = SelectField("Practitioner", coerce=int_or_invalid, validate_choice=True)
    course_id = SelectField("Course", coerce=int_or_invalid, validate_choice=True,
                            description="Link the appointment to a course to count it as "
                                        "one of its sessions.")
    starts_on = date_field()
    at_time = time_field()
    duration = duration_field()
    notes = text_area("Notes for the front desk", max_length=1000)

    def __init__(self, *args, practitioners=(), courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioner_id.choices = [(user.id, user.name) for user in practitioners]
        self.course_id.choices = [(0, "No course (a one-off appointment)")] + [
            (course.id, f"{course.diagnosis} · {course.session_label}") for course in courses]


class RescheduleForm(FlaskForm):
    starts_on = date_field("New date")
    at_time = time_field("New time")
    duration = duration_field()
    version = HiddenField()


class CancelForm(FlaskForm):
    reason = TextAreaField("Reason for cancelling", filters=[strip], validators=[
        DataRequired("Give a reason for cancelling."),
        Length(max=1000, message="Use at most 1000 characters."), no_control_characters],
        description="E.g. patient unwell, practitioner away, clinic closed.")
    version = HiddenField()


class ActionForm(FlaskForm):
    """A one-button action: the CSRF token and the version of the record acted on."""

    version = HiddenField()
