"""The demo clinic's billing: every kind of patient, with a balance to reconcile."""

import sqlalchemy as sa

from tests.billing.test_balances import assert_balances_match_the_ledger
from tracker.billing.models import Charge, Coverage, InsurancePolicy, Package
from tracker.billing.report import patient_balances
from tracker.billing.totals import totals
from tracker.extensions import db
from tracker.patients.models import Patient


def patient(last_name):
    return db.session.scalar(sa.select(Patient).where(Patient.last_name == last_name))


def test_demo_has_self_pay_package_insured_and_medicare_patients(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    coverages = set(db.session.scalars(sa.select(Charge.coverage)))
    assert {Coverage.INSURED, Coverage.SELF_PAY, Coverage.PACKAGE,
            Coverage.PACKAGE_SALE} <= coverages
    medicare = db.session.scalar(sa.select(InsurancePolicy).where(
        InsurancePolicy.is_medicare.is_(True)))
    assert medicare is not None
    assert totals(patient_id=medicare.patient_id).paid_by_insurer > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Package)) == 1
    assert any(balance.overdue_cents > 0 for balance in patient_balances())
    assert_balances_match_the_ledger()  # the demo re-prices visits: deletes, charges again
    for name in ("Alvarez", "Whitaker", "Bello", "Lindqvist"):
        account = totals(patient_id=patient(name).id)
        assert account.billed > 0
        assert account.billed == account.expected_insurer + account.patient_responsibility


def test_demo_pages_render(runner, client, login):
    runner.invoke(args=["demo", "load"])
    login("admin@example.com", "meridian-demo-2026")
    assert client.get("/billing/").status_code == 200
    page = client.get(f"/patients/{patient('Alvarez').id}").get_data(as_text=True)
    assert "Blue Harbor Health" in page
    course_id = db.session.scalar(sa.select(Charge.course_id).where(
        Charge.patient_id == patient("Alvarez").id, Charge.course_id.is_not(None)))
    superbill = client.get(f"/courses/{course_id}/superbill").get_data(as_text=True)
    assert "Total fees" in superbill, superbill
