"""Forms for the visit record, its signature and its amendments."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from tracker.forms import no_control_characters, strip
from tracker.treatments.catalogue import ADVERSE_EVENTS, ASHI, SIDES, TECHNIQUES
from tracker.treatments.form_fields import (
    MultiCheckboxField,
    WholeNumberField,
    pain_field,
    text_area,
    whole_number,
)
from tracker.treatments.safety import PointChoice

ASHI_ROWS = 3
HOME_PLAN_HELP = ("Shown to the patient in their portal. E.g. 'Press CV6, BL23 and ST36 with "
                  "firm, gentle pressure for 1–2 minutes each, breathing deeply, once a day.'")


def count_field(label, low, high, default=None, description=""):
    name = label.split(" (")[0]
    return WholeNumberField(label, default=default, description=description, validators=[
        whole_number(low, high, required=f"Enter the {name.lower()}.", label=name)],
        render_kw={"min": low, "max": high, "inputmode": "numeric"})


def short_text(label, max_length=500):
    return StringField(label, filters=[strip], validators=[
        Length(max=max_length, message=f"Use at most {max_length} characters."),
        no_control_characters])


class SidedForm(Form):
    side = SelectField("Side", default="both", validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.side.choices = list(SIDES)


class PointRowForm(SidedForm):
    code = HiddenField()
    selected = BooleanField("Use")
    override_reason = short_text("Override reason")


class AshiRowForm(SidedForm):
    location = short_text("Ashi point location", max_length=200)


class VisitForm(FlaskForm):
    pain_before = pain_field("Pain before needling (0–10)", name="the pain before needling")
    pain_after = pain_field("Pain after needling (0–10)", name="the pain after needling")
    techniques = MultiCheckboxField("Techniques")
    points = FieldList(FormField(PointRowForm), max_entries=200)
    ashi_points = FieldList(FormField(AshiRowForm), min_entries=ASHI_ROWS, max_entries=20)
    needles_in = count_field("Needles in", 0, 500, description="Count every needle inserted.")
    needles_out = count_field("Needles out", 0, 500,
                              description="Count every needle removed; it must match to sign.")
    retention_minutes = count_field("Retention (minutes)", 0, 120, default=20,
                                    description="Usually 10–30 minutes.")
    face_to_face_minutes = count_field("Face-to-face time (minutes)", 0, 240, default=15,
                                       description="Time with the patient, not retention time.")
    adverse_events = MultiCheckboxField("Adverse events")
    adverse_event_notes = text_area("Adverse event notes", max_length=2000)
    estim_override_reason = short_text("Reason for electroacupuncture despite the cautions",
                                       max_length=1000)
    estim_pacemaker_confirmed = BooleanField(
        "I confirm electroacupuncture despite the pacemaker or ICD")
    subjective = text_area("Subjective", description="What the patient reports.")
    objective = text_area("Objective", description="What you observed and tested.")
    assessment = text_area("Assessment")
    plan = text_area("Plan")
    home_plan = text_area("Home acupressure plan (optional)", max_length=2000,
                          description=HOME_PLAN_HELP)
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.techniques.choices = list(TECHNIQUES)
        self.adverse_events.choices = list(ADVERSE_EVENTS)

    def point_choices(self):
        choices = [PointChoice(row.form.code.data, row.form.side.data, "",
                               row.form.override_reason.data)
                   for row in self.points if row.form.selected.data]
        choices += [PointChoice(ASHI, row.form.side.data, row.form.location.data)
                    for row in self.ashi_points if (row.form.location.data or "").strip()]
        return choices

    def service_values(self):
        return {name: self[name].data for name in (
            "pain_before", "pain_after", "techniques", "needles_in", "needles_out",
            "retention_minutes", "face_to_face_minutes", "adverse_events",
            "adverse_event_notes", "estim_override_reason", "subjective", "objective",
            "assessment", "plan", "home_plan")}


def visit_form_data(catalogue, visit=None):
    """Initial data for the point rows: every catalogue point, ticked when used."""
    used = {vp.point_code: vp for vp in (visit.points if visit else []) if vp.point_code != ASHI}
    rows = []
    for code in catalogue:
        if code == ASHI:
            continue
        chosen = used.get(code)
        rows.append({"code": code, "selected": chosen is not None,
                     "side": chosen.side if chosen else "both",
                     "override_reason": (chosen.override_reason or "") if chosen else ""})
    ashi = [{"location": vp.location, "side": vp.side}
            for vp in (visit.points if visit else []) if vp.point_code == ASHI]
    ashi += [{"location": "", "side": "both"}] * max(ASHI_ROWS - len(ashi), 1)
    return {"points": rows, "ashi_points": ashi}


class AmendForm(FlaskForm):
    pain_before = pain_field("Pain before needling (0–10)", name="the pain before needling")
    pain_after = pain_field("Pain after needling (0–10)", name="the pain after needling")
    retention_minutes = count_field("Retention (minutes)", 0, 120)
    face_to_face_minutes = count_field("Face-to-face time (minutes)", 0, 240)
    adverse_events = MultiCheckboxField("Adverse events")
    adverse_event_notes = text_area("Adverse event notes", max_length=2000)
    subjective = text_area("Subjective")
    objective = text_area("Objective")
    assessment = text_area("Assessment")
    plan = text_area("Plan")
    home_plan = text_area("Home acupressure plan", max_length=2000)
    reason = TextAreaField("Why is this being corrected?", filters=[strip], validators=[
        DataRequired("Say why the visit is being corrected."),
        Length(max=2000, message="Use at most 2000 characters."), no_control_characters])
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.adverse_events.choices = list(ADVERSE_EVENTS)

    def changes(self):
        return {name: self[name].data for name in (
            "pain_before", "pain_after", "retention_minutes", "face_to_face_minutes",
            "adverse_events", "adverse_event_notes", "subjective", "objective",
            "assessment", "plan", "home_plan")}
