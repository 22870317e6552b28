"""The clinic's finance report: totals by month and practitioner, and who owes what."""

import csv
import io
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.auth.models import User
from tracker.billing.models import PatientBalance
from tracker.billing.summaries import overdue_cutoff, overdue_part
from tracker.billing.totals import Totals, grouped_totals, month_key
from tracker.extensions import db
from tracker.patients.models import Patient

NO_PRACTITIONER = "No practitioner (package sales, unallocated payments)"


@dataclass(frozen=True)
class ReportRow:
    month: date
    practitioner: str
    totals: Totals


def default_period(today=None):
    """The last twelve months, from the first of the month eleven months ago to today."""
    today = today or date.today()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1), today


def finance_report(start, end, practitioner_id=None):
    """Rows by month (of service, receipt or adjustment) and practitioner, and their sum."""
    groups = grouped_totals(month_key, start=start, end=end, practitioner_id=practitioner_id)
    names = _names(User, {key[2] for key in groups if key[2]}, lambda user: user.name)
    rows = [ReportRow(date(int(year), int(month), 1),
                      names.get(practitioner, NO_PRACTITIONER), row)
            for (year, month, practitioner), row in groups.items()]
    rows.sort(key=lambda row: (row.month, row.practitioner))
    return rows, sum((row.totals for row in rows), Totals())


def _names(model, ids, name_of):
    if not ids:
        return {}
    return {record.id: name_of(record)
            for record in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


@dataclass(frozen=True)
class Balance:
    patient: Patient
    totals: Totals
    overdue_cents: int


def patient_balances(limit=25, today=None):
    """Patients who owe the clinic, largest balance first, with the overdue part.

    The ranking reads the trigger-kept `patient_balances` through its index; full totals
    are then summed for the `limit` patients shown only (grouped by whether they fall by
    the overdue cutoff, as `summaries.balance_with_overdue` does for one patient), so the
    page costs the same however many patients and ledger rows the clinic has.
    """
    owing = db.session.scalars(
        sa.select(PatientBalance.patient_id).where(PatientBalance.owed_cents > 0)
        .order_by(PatientBalance.owed_cents.desc(), PatientBalance.patient_id)
        .limit(limit)).all()
    if not owing:
        return []
    cutoff = overdue_cutoff(today)
    groups = grouped_totals(lambda model, day: (model.patient_id, day <= cutoff),
                            patient_ids=owing)
    patients = {patient.id: patient for patient in db.session.scalars(
        sa.select(Patient).where(Patient.id.in_(owing)))}
    balances = []
    for patient_id in owing:
        old = groups.get((patient_id, True), Totals())
        current = old + groups.get((patient_id, False), Totals())
        balances.append(Balance(patients[patient_id], current, overdue_part(old, current)))
    return balances


CSV_COLUMNS = ["month", "practitioner", "billed", "expected_from_insurer",
               "patient_responsibility", "paid_by_insurer", "paid_by_patient", "written_off",
               "insurer_outstanding", "patient_outstanding", "outstanding"]


def dollars(cents):
    """Plain decimal dollars for spreadsheets: 123456 -> '1234.56', -5 -> '-0.05'."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def report_csv(rows, total):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for label, practitioner, row in [(f"{r.month:%Y-%m}", r.practitioner, r.totals)
                                     for r in rows] + [("total", "", total)]:
        writer.writerow([label, _safe(practitioner)] + [dollars(value) for value in (
            row.billed, row.expected_insurer, row.patient_responsibility, row.paid_by_insurer,
            row.paid_by_patient, row.written_off, row.insurer_outstanding,
            row.patient_outstanding, row.outstanding)])
    return out.getvalue()


def _safe(text):
    """Keep spreadsheets from running a name as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
