"""Fees, insurance policies, packages and the ledger: charges, payments and adjustments.

Every amount is integer cents. A Charge records its split (expected from the insurer,
owed by the patient) when it is created; payments and adjustments are separate rows, and
every total is a SQL SUM over the three tables (see `tracker.billing.totals`). Each
patient's own outstanding amount is also kept ready in `patient_balances`, by database
triggers, so the finance report ranks who owes without summing the whole ledger.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.billing import schema
from tracker.billing.ledger import (  # noqa: F401  (re-exported: one home for billing tables)
    Adjustment,
    AdjustmentKind,
    Charge,
    Coverage,
    LedgerRow,
    Payer,
    Payment,
    PaymentMethod,
    known_values,
)
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


class FeeScheduleEntry(db.Model):
    """One billable service and its price (seeded; admins edit prices and descriptions)."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        known_values("role", FeeRole.ALL),
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


class PatientBalance(db.Model):
    """What each patient owes of their own part, kept by database triggers on the ledger.

    The finance report ranks who owes from here instead of summing the whole ledger on
    every view. Only the triggers of `tracker.billing.schema` write these rows: a row
    appears with a patient's first ledger row and always equals
    `totals(patient_id=...).patient_outstanding`.
    """

    __tablename__ = "patient_balances"
    __table_args__ = (
        # read backwards for "largest first"; equal amounts are few enough to sort
        sa.Index("ix_patient_balances_owed_cents", "owed_cents", "patient_id"),
    )

    #: the patient whose ledger rows this sums
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), primary_key=True,
                                            autoincrement=False)
    #: patient responsibility − paid by the patient − written off on the patient's side;
    #: negative is a credit
    owed_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0,
                                            server_default=sa.text("0"))


# create_all() (the test schema) gets the balance triggers once every ledger table exists;
# the migration calls schema.create_triggers itself.
sa.event.listen(db.metadata, "after_create",
                lambda metadata, connection, **kw: schema.create_triggers(connection))
