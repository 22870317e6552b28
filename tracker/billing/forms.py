"""Billing forms. Amounts are typed in dollars and stored as cents (`MoneyField.cents`)."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from tracker.billing.models import AdjustmentKind, PaymentMethod
from tracker.db import MoneyError, parse_money
from tracker.forms import (
    OptionalDateField,
    int_or_invalid,
    no_control_characters,
    plausible_date,
    strip,
)

MONTHS = [(number, date(2000, number, 1).strftime("%B")) for number in range(1, 13)]


class MoneyField(StringField):
    """Dollars as typed ('95', '95.50', '$1,095.50'); `.cents` is the amount after validation.

    Refuses text, negative amounts and more than two decimals with a message for the field.
    """

    def __init__(self, label=None, validators=None, *, required=True, positive=False, **kwargs):
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.required, self.positive, self.cents = required, positive, None

    def pre_validate(self, form):
        self.cents = None
        if not self.data:
            if self.required:
                raise StopValidation("Enter an amount such as 95.00.")
            return
        try:
            self.cents = parse_money(self.data)
        except MoneyError as error:
            raise StopValidation(str(error)) from None
        if self.positive and self.cents == 0:
            raise StopValidation("Enter an amount greater than zero.")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, int):
            return f"{self.data // 100}.{self.data % 100:02d}"
        return self.data or ""


def whole_number(label, *, minimum=0, maximum=1000, required=False, **kwargs):
    presence = InputRequired(f"Enter a whole number for {label.lower()}.") if required \
        else Optional()
    return IntegerField(label, validators=[presence, NumberRange(
        minimum, maximum, message=f"Enter a whole number from {minimum} to {maximum}.")],
        **kwargs)


def text(label, maximum, *, required=False, **kwargs):
    presence = [DataRequired(f"Enter the {label.lower()}.")] if required else []
    return StringField(label, filters=[strip], validators=[
        *presence, Length(max=maximum, message=f"Use at most {maximum} characters."),
        no_control_characters], **kwargs)


def day_field(label):
    """A required day, today unless changed."""
    return DateField(label, default=date.today, validators=[
        DataRequired("Enter the date as a valid date."), plausible_date])


def optional_day(label, **kwargs):
    return OptionalDateField(label, validators=[plausible_date], **kwargs)


def choice(label, **kwargs):
    return SelectField(label, coerce=int_or_invalid, validate_choice=True, **kwargs)


class AllocationMixin:
    """Optional course and visit a ledger row is for; choices are the patient's own."""

    def set_allocation_choices(self, courses, visits):
        self.course_id.choices = [(0, "No particular course")] + [
            (course.id, f"{course.diagnosis_label} (from {course.start_on:%d %b %Y})")
            for course in courses]
        self.visit_id.choices = [(0, "No particular visit")] + [
            (visit.id, f"Session {visit.session_number or '–'} on {day:%d %b %Y}")
            for visit, day in visits]


class PaymentForm(AllocationMixin, FlaskForm):
    payer = SelectField("Paid by", validate_choice=True)
    amount = MoneyField("Amount ($)", positive=True)
    method = SelectField("Method", validate_choice=True)
    received_on = day_field("Received on")
    reference = text("Reference", 60, description="Check number, receipt or EFT trace number.")
    insurance_policy_id = choice("Insurance policy (for insurer payments)")
    course_id = choice("For course")
    visit_id = choice("For visit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.payer.choices = [("patient", "Patient"), ("insurer", "Insurer")]
        self.method.choices = list(PaymentMethod.CHOICES)

    def set_policy_choices(self, policies):
        self.insurance_policy_id.choices = [(0, "—")] + [
            (policy.id, policy.label) for policy in policies]


class AdjustmentForm(AllocationMixin, FlaskForm):
    kind = SelectField("Kind", validate_choice=True)
    side = SelectField("Whose part", validate_choice=True,
                       description="A denied claim always moves the insurer's part.")
    amount = MoneyField("Amount ($)", positive=True)
    adjusted_on = day_field("Date")
    reason = TextAreaField("Reason", filters=[strip], validators=[
        DataRequired("Give the reason for the adjustment."),
        Length(max=1000, message="Use at most 1000 characters."), no_control_characters])
    course_id = choice("For course")
    visit_id = choice("For visit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(AdjustmentKind.CHOICES)
        self.side.choices = [("patient", "The patient's"), ("insurer", "The insurer's")]


class PackageForm(FlaskForm):
    sessions_total = whole_number("Sessions", minimum=1, maximum=100, required=True)
    price = MoneyField("Price ($)", positive=True)
    sold_on = day_field("Sold on")
    expires_on = optional_day("Expires on", description="Leave empty for no expiry.")


class ChargeForm(FlaskForm):
    code = text("Fee code", 12, required=True, description="A code from the fee schedule.")
    units = whole_number("Units", minimum=1, maximum=20, required=True)
    service_on = day_field("Date of service")
    visit_id = choice("For visit")

    def set_visit_choices(self, visits):
        self.visit_id.choices = [(0, "No particular visit")] + [
            (visit.id, f"Session {visit.session_number or '–'} on {day:%d %b %Y}")
            for visit, day in visits]


class PolicyForm(FlaskForm):
    payer_name = text("Insurer", 120, required=True)
    member_id = text("Member ID", 40, required=True)
    group_number = text("Group number", 40)
    is_medicare = BooleanField("Medicare",
                               description="Medicare's chronic low back pain rules apply.")
    plan_year_start_month = SelectField("Plan year starts in", coerce=int,
                                        default=1, validate_choice=True)
    copay_cents = MoneyField("Copay per visit ($)", required=False,
                             description="Leave empty when the plan uses coinsurance.")
    coinsurance_percent = whole_number("Coinsurance (%)", maximum=100)
    deductible_cents = MoneyField("Deductible ($)", default="0.00")
    deductible_met_cents = MoneyField("Deductible already met ($)", default="0.00")
    visits_used_before = whole_number("Visits already used this plan year", maximum=365)
    reported_on = day_field("Checked with the insurer on")
    visit_limit = whole_number("Visit limit per plan year", maximum=365,
                               description="Leave empty when there is no limit.")
    authorization_number = text("Prior authorisation number", 40)
    authorized_visits = whole_number("Visits authorised", maximum=365)
    authorization_starts_on = optional_day("Authorised from")
    authorization_expires_on = optional_day("Authorisation expires on")
    notes = TextAreaField("Notes from the call with the insurer", filters=[strip], validators=[
        Length(max=4000, message="Use at most 4000 characters."), no_control_characters])
    active = BooleanField("Active", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_year_start_month.choices = list(MONTHS)

    def service_values(self):
        values = {name: self[name].data for name in (
            "payer_name", "member_id", "group_number", "is_medicare", "plan_year_start_month",
            "coinsurance_percent", "visit_limit", "reported_on", "authorization_number",
            "authorized_visits", "authorization_starts_on", "authorization_expires_on",
            "notes", "active")}
        values["visits_used_before"] = self.visits_used_before.data or 0
        for name in ("copay_cents", "deductible_cents", "deductible_met_cents"):
            values[name] = self[name].cents
        values["deductible_cents"] = values["deductible_cents"] or 0
        values["deductible_met_cents"] = values["deductible_met_cents"] or 0
        return values


class CoursePolicyForm(FlaskForm):
    insurance_policy_id = choice("Bills")

    def set_policy_choices(self, policies):
        self.insurance_policy_id.choices = [(0, "Self-pay (no insurance)")] + [
            (policy.id, policy.label) for policy in policies if policy.active]


class FeeForm(FlaskForm):
    description = text("Description", 160, required=True)
    price = MoneyField("Price ($)")
    insurable = BooleanField("Billed to insurance",
                             description="Unticked: the patient always pays it in full.")
    active = BooleanField("In use", description="Add-ons not in use are not charged.")


class PractitionerIdsForm(FlaskForm):
    npi = text("NPI (type 1)", 10, required=True, description="10 digits.")
    license_number = text("Licence number", 40)
