"""Forms for planning a course and moving it along."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.clinic.settings import clinic_settings
from tracker.forms import int_or_invalid, no_control_characters, plausible_date, strip
from tracker.treatments.catalogue import DIAGNOSES, REGIONS
from tracker.treatments.form_fields import WholeNumberField, pain_field, text_area, whole_number
from tracker.treatments.frequency import FREQUENCY_CHOICES, describe_frequency


def min_sessions():
    return clinic_settings()["course.min_sessions"]


def max_sessions():
    return clinic_settings()["course.max_sessions"]


def planned_sessions_field(label="Planned sessions"):
    return WholeNumberField(label, validators=[whole_number(
        min_sessions, max_sessions, required="Enter the number of planned sessions.",
        label="The number of planned sessions")])


def describe_range(field):
    field.description = (f"This clinic allows {min_sessions()}–{max_sessions()} sessions "
                         "(a clinic setting).")


class CourseForm(FlaskForm):
    practitioner_id = SelectField("Practitioner", coerce=int_or_invalid, validate_choice=True)
    diagnosis_code = SelectField("Diagnosis (ICD-10-CM)",
                                 validators=[DataRequired("Choose a diagnosis.")])
    region = SelectField("Back-pain region",
                         validators=[DataRequired("Choose a back-pain region.")])
    planned_sessions = planned_sessions_field()
    frequency = SelectField("Frequency", validate_choice=True,
                            description="The booking page proposes the appointment series "
                                        "from this.")
    start_on = DateField("Start date", validators=[DataRequired("Enter the start date."),
                                                   plausible_date])
    goal = text_area("Goal", max_length=2000,
                     description="What the patient wants to be able to do, e.g. "
                                 "'garden for an hour without pain'.")
    baseline_pain = pain_field("Baseline pain (NRS 0–10)", name="the baseline pain",
                               description="Pain now, 0 = no pain, 10 = worst imaginable.")
    baseline_peg_enjoyment = pain_field("PEG: interference with enjoyment of life (0–10)",
                                        name="interference with enjoyment", required=False)
    baseline_peg_activity = pain_field("PEG: interference with general activity (0–10)",
                                       name="interference with activity", required=False)
    version = HiddenField()

    def __init__(self, *args, practitioners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioner_id.choices = [(user.id, user.name) for user in practitioners]
        self.diagnosis_code.choices = [("", "Choose a diagnosis…")] + [
            (code, f"{code} — {label}") for code, label in DIAGNOSES]
        self.region.choices = [("", "Choose a region…"), *REGIONS]
        describe_range(self.planned_sessions)
        choices = list(FREQUENCY_CHOICES)
        stored = getattr(kwargs.get("obj"), "frequency", None)
        if stored and stored not in dict(choices):  # a pattern no longer on the list
            choices.append((stored, describe_frequency(stored)))
        self.frequency.choices = choices

    def service_values(self):
        return {name: self[name].data for name in (
            "practitioner_id", "diagnosis_code", "region", "planned_sessions", "frequency",
            "start_on", "goal", "baseline_pain", "baseline_peg_enjoyment",
            "baseline_peg_activity")}


class ExtendCourseForm(FlaskForm):
    planned_sessions = planned_sessions_field("New number of planned sessions")
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_range(self.planned_sessions)


class CompleteCourseForm(FlaskForm):
    discharge_pain = pain_field("Discharge pain (NRS 0–10)", name="the discharge pain",
                                description="The patient's pain today, at discharge.")
    discharge_notes = text_area("Discharge notes", max_length=4000,
                                description="Outcome, advice given, follow-up plan.")
    version = HiddenField()


class DiscontinueCourseForm(FlaskForm):
    reason = TextAreaField("Reason for stopping", filters=[strip], validators=[
        DataRequired("Give the reason the course is stopping."),
        Length(max=2000, message="Use at most 2000 characters."), no_control_characters],
        description="E.g. no improvement at review, patient moved, referred on.")
    version = HiddenField()
