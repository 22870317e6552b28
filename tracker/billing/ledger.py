"""The ledger: charges (each split once), payments and adjustments. Totals are SQL SUMs
over these three tables (see `tracker.billing.totals`)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


def known_values(column, values):
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_known")


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
        known_values("coverage", Coverage.ALL),
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
        #: the finance report sums a period by month and practitioner from this index
        #: alone on PostgreSQL (INCLUDE: no table rows read)
        sa.Index("ix_charges_service_on", "service_on", postgresql_include=[
            "practitioner_id", "billed_cents", "expected_insurer_cents", "patient_cents"]),
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
        known_values("payer", Payer.ALL),
        known_values("method", PaymentMethod.ALL),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_payments_patient_id", "patient_id"),
        sa.Index("ix_payments_course_id", "course_id"),
        sa.Index("ix_payments_received_on", "received_on",
                 postgresql_include=["practitioner_id", "payer", "amount_cents"]),
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
        known_values("kind", AdjustmentKind.ALL),
        sa.CheckConstraint("side IN ('patient', 'insurer')", name="side_known"),
        sa.CheckConstraint("kind != 'transfer_to_patient' OR side = 'insurer'",
                           name="transfer_from_insurer"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_adjustments_patient_id", "patient_id"),
        sa.Index("ix_adjustments_course_id", "course_id"),
        sa.Index("ix_adjustments_adjusted_on", "adjusted_on", postgresql_include=[
            "practitioner_id", "kind", "side", "amount_cents"]),
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
