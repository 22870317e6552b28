"""Fees, insurance policies, packages and the ledger: charges, payments and adjustments.

Every amount is integer cents. A Charge records its split (expected from the insurer,
owed by the patient) when it is created; payments and adjustments are separate rows, and
every total is a SQL SUM over the three tables (see `tracker.billing.totals`).
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class FeeRole:
    """What a fee schedule entry is used for when a signed visit is charged."""

    EVALUATION = "evaluation"
    INITIAL = "initial"
    ADDITIONAL = "additional"
    INITIAL_ESTIM = "initial_estim"
    ADDITIONAL_ESTIM = "additional_estim"
    ADDON = "addon"
    ALL = (EVALUATION, INITIAL, ADDITIONAL, INITIAL_ESTIM, ADDITIONAL_ESTIM, ADDON)
    SESSION = (INITIAL, ADDITIONAL, INITIAL_ESTIM, ADDITIONAL_ESTIM)


class Coverage:
    """Why a charge is split the way it is."""

    INSURED = "insured"
    SELF_PAY = "self_pay"
    PACKAGE = "package"
    PACKAGE_SALE = "package_sale"
    NOT_INSURABLE = "not_insurable"
    OVER_VISIT_LIMIT = "over_visit_limit"
    AUTHORISATION_USED = "authorisation_used"
    AUTHORISATION_EXPIRED = "authorisation_expired"
    ALL = (INSURED, SELF_PAY, PACKAGE, PACKAGE_SALE, NOT_INSURABLE, OVER_VISIT_LIMIT,
           AUTHORISATION_USED, AUTHORISATION_EXPIRED)
    LABELS = {
        INSURED: "Billed to insurance",
        SELF_PAY: "Self-pay",
        PACKAGE: "Prepaid package",
        PACKAGE_SALE: "Package sale",
        NOT_INSURABLE: "Not covered by insurance",
        OVER_VISIT_LIMIT: "Beyond the plan's visit limit",
        AUTHORISATION_USED: "Authorised visits used up",
        AUTHORISATION_EXPIRED: "Authorisation expired",
    }


def _known(column, values):
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_known")


class FeeScheduleEntry(db.Model):
    """One billable service and its price (seeded; admins edit prices and descriptions)."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        _known("role", FeeRole.ALL),
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
    )

    #: CPT code (97810 …) or the clinic's own code for an add-on (CUPPING, MOXA)
    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    description: Mapped[str] = mapped_column(sa.String(160))
    price_cents: Mapped[int]
    #: how signing a visit uses it (FeeRole)
    role: Mapped[str] = mapped_column(sa.String(20))
    #: for add-ons: the visit technique (catalogue.TECHNIQUES) that triggers the charge
    technique: Mapped[str | None] = mapped_column(sa.String(20))
    #: False: never billed to an insurer, the patient pays it in full
    insurable: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PractitionerBillingIds(db.Model):
    """A practitioner's own identifiers for superbills (kept out of the users table)."""

    __tablename__ = "practitioner_billing_ids"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    #: individual (type 1) National Provider Identifier, 10 digits
    npi: Mapped[str] = mapped_column(sa.String(10))
    #: state acupuncture licence number
    license_number: Mapped[str] = mapped_column(sa.String(40), default="")

    user = relationship("User")


class InsurancePolicy(db.Model):
    """A patient's insurance cover for acupuncture, as told by the insurer on the phone."""

    __tablename__ = "insurance_policies"
    __table_args__ = (
        sa.CheckConstraint("copay_cents IS NULL OR coinsurance_percent IS NULL",
                           name="copay_or_coinsurance"),
        sa.CheckConstraint("copay_cents >= 0", name="copay_not_negative"),
        sa.CheckConstraint("coinsurance_percent BETWEEN 0 AND 100", name="coinsurance_percent"),
        sa.CheckConstraint("deductible_met_cents BETWEEN 0 AND deductible_cents",
                           name="deductible_met_within_deductible"),
        sa.CheckConstraint("plan_year_start_month BETWEEN 1 AND 12", name="plan_year_month"),
        sa.CheckConstraint("visit_limit >= 0 AND visits_used_before >= 0", name="visits_counted"),
        sa.CheckConstraint("authorized_visits >= 0", name="authorized_visits_counted"),
        sa.Index("ix_insurance_policies_patient_id", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    payer_name: Mapped[str] = mapped_column(sa.String(120))
    member_id: Mapped[str] = mapped_column(sa.String(40))
    group_number: Mapped[str] = mapped_column(sa.String(40), default="")
    is_medicare: Mapped[bool] = mapped_column(default=False)
    #: the deductible and the visit limit reset on the 1st of this month
    plan_year_start_month: Mapped[int] = mapped_column(default=1)
    #: fixed amount per visit, or None (then coinsurance, or nothing, applies)
    copay_cents: Mapped[int | None]
    coinsurance_percent: Mapped[int | None]
    deductible_cents: Mapped[int] = mapped_column(default=0)
    #: what the insurer said was already met, on `reported_on`; charges add to it
    deductible_met_cents: Mapped[int] = mapped_column(default=0)
    #: visits already used this plan year elsewhere, as reported on `reported_on`
    visits_used_before: Mapped[int] = mapped_column(default=0)
    reported_on: Mapped[date] = mapped_column(sa.Date)
    #: covered visits per plan year; None means no limit
    visit_limit: Mapped[int | None]
    authorization_number: Mapped[str] = mapped_column(sa.String(40), default="")
    #: visits the prior authorisation allows (None: no authorisation needed)
    authorized_visits: Mapped[int | None]
    authorization_starts_on: Mapped[date | None] = mapped_column(sa.Date)
    authorization_expires_on: Mapped[date | None] = mapped_column(sa.Date)
    #: free text from the call with the insurer (who, when, what they said)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    patient = relationship("Patient")

    @property
    def label(self):
        return f"{self.payer_name} ({self.member_id})"

    @property
    def needs_authorization(self):
        return self.authorized_visits is not None or self.authorization_expires_on is not None


class CoursePolicy(db.Model):
    """Which insurance policy a course bills; a course without a row is self-pay."""

    __tablename__ = "course_policies"

    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), primary_key=True)
    insurance_policy_id: Mapped[int] = mapped_column(sa.ForeignKey("insurance_policies.id"))

    policy = relationship("InsurancePolicy")


class Package(db.Model):
    """Prepaid sessions (e.g. 5 for $350); signed visits draw them down."""

    __tablename__ = "packages"
    __table_args__ = (
        sa.CheckConstraint("sessions_total BETWEEN 1 AND 100", name="sessions_sane"),
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
        sa.Index("ix_packages_patient_id", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    sessions_total: Mapped[int]
    price_cents: Mapped[int]
    sold_on: Mapped[date] = mapped_column(sa.Date)
    #: sessions cannot be used after this day; None: no expiry
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self):
        return f"{self.sessions_total} sessions"


class LedgerRow:
    """Columns every ledger row has: whose, and which course, visit and practitioner.

    Course, visit and practitioner are optional (a package sale, an unallocated payment);
    the practitioner is copied from the visit or course so reports group without joins.
    """

    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"))
    practitioner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Charge(LedgerRow, db.Model):
    """One billed line, split once into what the insurer and the patient are expected to pay."""

    __tablename__ = "charges"
    __table_args__ = (
        _known("coverage", Coverage.ALL),
        sa.CheckConstraint("units >= 1 AND unit_price_cents >= 0", name="units_priced"),
        sa.CheckConstraint("expected_insurer_cents >= 0 AND patient_cents >= 0",
                           name="parts_not_negative"),
        sa.CheckConstraint("billed_cents = expected_insurer_cents + patient_cents",
                           name="parts_add_up"),
        sa.CheckConstraint("deductible_cents BETWEEN 0 AND patient_cents",
                           name="deductible_within_patient_part"),
        sa.Index("ix_charges_patient_id", "patient_id"),
        sa.Index("ix_charges_course_id", "course_id"),
        sa.Index("ix_charges_visit_id", "visit_id"),
        sa.Index("ix_charges_policy_service_on", "insurance_policy_id", "service_on"),
        sa.Index("ix_charges_package_id", "package_id"),
        sa.Index("ix_charges_service_on", "service_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    insurance_policy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("insurance_policies.id"))
    #: the package this line drew on (coverage "package") or sold (coverage "package_sale")
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("packages.id"))
    #: fee schedule code and description at the time of charging
    code: Mapped[str] = mapped_column(sa.String(12))
    description: Mapped[str] = mapped_column(sa.String(160))
    units: Mapped[int] = mapped_column(default=1)
    unit_price_cents: Mapped[int]
    #: what the patient's account is charged: units × price, or 0 when a package covers it
    billed_cents: Mapped[int]
    expected_insurer_cents: Mapped[int] = mapped_column(default=0)
    patient_cents: Mapped[int]
    #: the part of patient_cents that counts toward the policy's deductible
    deductible_cents: Mapped[int] = mapped_column(default=0)
    coverage: Mapped[str] = mapped_column(sa.String(24))
    #: date of service in the clinic's timezone (the sale date for a package)
    service_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    visit = relationship("Visit")
    policy = relationship("InsurancePolicy")

    @property
    def fee_cents(self):
        """The usual fee for the line (what a superbill shows), even when a package paid it."""
        return self.units * self.unit_price_cents

    @property
    def coverage_label(self):
        return Coverage.LABELS[self.coverage]


class Payer:
    PATIENT = "patient"
    INSURER = "insurer"
    ALL = (PATIENT, INSURER)


class PaymentMethod:
    CHOICES = [("card", "Card"), ("cash", "Cash"), ("check", "Check"),
               ("bank_transfer", "Bank transfer"), ("eft", "Insurer EFT"),
               ("hsa", "HSA / FSA card")]
    ALL = tuple(code for code, _ in CHOICES)
    LABELS = dict(CHOICES)


class Payment(LedgerRow, db.Model):
    """Money received from the patient or their insurer."""

    __tablename__ = "payments"
    __table_args__ = (
        _known("payer", Payer.ALL),
        _known("method", PaymentMethod.ALL),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_payments_patient_id", "patient_id"),
        sa.Index("ix_payments_course_id", "course_id"),
        sa.Index("ix_payments_received_on", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payer: Mapped[str] = mapped_column(sa.String(10))
    insurance_policy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("insurance_policies.id"))
    method: Mapped[str] = mapped_column(sa.String(20))
    #: check number, card receipt, insurer claim or EFT trace number
    reference: Mapped[str] = mapped_column(sa.String(60), default="")
    received_on: Mapped[date] = mapped_column(sa.Date)
    amount_cents: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def method_label(self):
        return PaymentMethod.LABELS[self.method]


class AdjustmentKind:
    WRITE_OFF = "write_off"
    REFUND = "refund"
    TRANSFER_TO_PATIENT = "transfer_to_patient"
    CHOICES = [(WRITE_OFF, "Write-off (reduce what is owed)"),
               (REFUND, "Refund (money paid back)"),
               (TRANSFER_TO_PATIENT, "Insurer denied: move to the patient")]
    ALL = tuple(code for code, _ in CHOICES)
    LABELS = {WRITE_OFF: "Write-off", REFUND: "Refund", TRANSFER_TO_PATIENT: "Moved to patient"}


class Adjustment(LedgerRow, db.Model):
    """A write-off, a refund or a denied claim moved to the patient, always with a reason.

    `side` is whose part it concerns: a patient write-off reduces what the patient owes,
    an insurer refund returns an overpayment to the insurer, and a transfer moves part of
    the insurer's expected amount to the patient (side is then "insurer").
    """

    __tablename__ = "adjustments"
    __table_args__ = (
        _known("kind", AdjustmentKind.ALL),
        sa.CheckConstraint("side IN ('patient', 'insurer')", name="side_known"),
        sa.CheckConstraint("kind != 'transfer_to_patient' OR side = 'insurer'",
                           name="transfer_from_insurer"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_adjustments_patient_id", "patient_id"),
        sa.Index("ix_adjustments_course_id", "course_id"),
        sa.Index("ix_adjustments_adjusted_on", "adjusted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    side: Mapped[str] = mapped_column(sa.String(10))
    amount_cents: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    adjusted_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self):
        return AdjustmentKind.LABELS[self.kind]
