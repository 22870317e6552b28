"""Superbills: the itemised statement a patient sends to their insurer.

A superbill missing an identifier is worse than none (insurers reject it, and patients
complain of empty superbills), so `build_superbill` returns either a complete superbill
or the list of what is missing, never a partial one.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.billing import charging
from tracker.billing.models import Charge, PractitionerBillingIds
from tracker.billing.totals import totals
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db

RETIRED_CODES = {"M54.5": "M54.5 is no longer a valid ICD-10 code (since October 2021); "
                          "use M54.50, M54.51 or M54.59."}


@dataclass(frozen=True)
class Superbill:
    clinic: dict
    practitioner: object
    practitioner_ids: PractitionerBillingIds
    patient: object
    course: object
    policy: object
    charges: list
    total_fees_cents: int
    paid_by_patient_cents: int
    paid_by_insurer_cents: int
    start: object
    end: object

    @property
    def first_service_on(self):
        return self.charges[0].service_on

    @property
    def last_service_on(self):
        return self.charges[-1].service_on


def missing_identifiers(course, settings, ids):
    """What a superbill for `course` cannot be printed without, as actionable messages."""
    problems = []
    if not str(settings["clinic.npi"]).strip():
        problems.append("The clinic's NPI is missing: an admin can add it in Clinic settings.")
    if not str(settings["clinic.tax_id"]).strip():
        problems.append("The clinic's tax ID (EIN) is missing: an admin can add it in Clinic "
                        "settings.")
    if ids is None or not ids.npi:
        problems.append(f"{course.practitioner.name} has no NPI on file: an admin can add it "
                        "under Fees and billing identifiers.")
    code = (course.diagnosis_code or "").strip()
    if not code:
        problems.append("The course has no ICD-10 diagnosis code.")
    elif code in RETIRED_CODES:
        problems.append(RETIRED_CODES[code])
    return problems


def build_superbill(course, start=None, end=None):
    """(Superbill, []) when complete, else (None, [what is missing or wrong])."""
    if start and end and start > end:
        return None, ["The start date is after the end date."]
    settings = clinic_settings()
    ids = db.session.get(PractitionerBillingIds, course.practitioner_id)
    problems = missing_identifiers(course, settings, ids)
    charges = _service_lines(course.id, start, end)
    if not charges:
        problems.append("There are no charged visits in this course"
                        + (" in the chosen dates." if start or end else " yet."))
    if problems:
        return None, problems
    paid = totals(course_id=course.id, start=start, end=end)  # net of refunds
    clinic = {key.removeprefix("clinic."): settings[key] for key in (
        "clinic.name", "clinic.address", "clinic.phone", "clinic.npi", "clinic.tax_id")}
    return Superbill(
        clinic=clinic, practitioner=course.practitioner, practitioner_ids=ids,
        patient=course.patient, course=course, policy=charging.policy_for_course(course.id),
        charges=charges, total_fees_cents=sum(charge.fee_cents for charge in charges),
        paid_by_patient_cents=paid.paid_by_patient, paid_by_insurer_cents=paid.paid_by_insurer,
        start=start, end=end), []


def _in_range(column, start, end):
    conditions = []
    if start:
        conditions.append(column >= start)
    if end:
        conditions.append(column <= end)
    return conditions


def _service_lines(course_id, start, end):
    return db.session.scalars(
        sa.select(Charge).where(Charge.course_id == course_id, Charge.visit_id.is_not(None),
                                *_in_range(Charge.service_on, start, end))
        .order_by(Charge.service_on, Charge.id)).all()

