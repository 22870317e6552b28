"""The schema exists only through migrations: they must build exactly what the models say."""

from datetime import date

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import make_config
from tests.factories import make_patient
from tracker import create_app
from tracker.audit.chain import first_altered_event
from tracker.audit.models import AuditEvent
from tracker.audit.services import record_event
from tracker.billing.models import Adjustment, Charge, PatientBalance, Payment
from tracker.billing.totals import grouped_totals, patient_key
from tracker.db import built_on
from tracker.extensions import db


def comparable(item, dialect):
    """Alembic compares an index on an expression as text, and PostgreSQL gives it back
    rewritten (casts, brackets), so those are left out here: tests/perf/test_indexes.py
    checks that the query's own expression plans through the index instead."""
    if isinstance(item, sa.Index) and not all(
            isinstance(element, sa.Column) for element in item.expressions):
        return False
    return built_on(item, dialect)


def test_migrations_produce_exactly_the_models_schema(empty_database_uri):
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_object": lambda item, *_: comparable(item, dialect)})
            differences = compare_metadata(context, db.metadata)
            left_out = {(index.table.name, index.name) for table in db.metadata.tables.values()
                        for index in table.indexes
                        if built_on(index, dialect) and not comparable(index, dialect)}
            inspector = sa.inspect(connection)
            built = {(table, index["name"]) for table, _ in left_out
                     for index in inspector.get_indexes(table)}
        db.engine.dispose()
    assert differences == []
    assert left_out <= built  # the expression indexes exist, by name


def test_migrations_downgrade_and_upgrade_again(empty_database_uri):
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        assert "patients" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_a_migrated_database_appends_audit_events_to_one_chain(empty_database_uri):
    """PostgreSQL appends through the migrations' audit_append function."""
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade()
        for number in range(3):
            record_event("test.event", details={"n": number})
        db.session.commit()
        assert first_altered_event(db.session) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 3
        db.session.remove()
        db.engine.dispose()


def charge(patient_id, insurer, own):
    return Charge(patient_id=patient_id, code="97810", description="Acupuncture", units=1,
                  unit_price_cents=insurer + own, billed_cents=insurer + own,
                  expected_insurer_cents=insurer, patient_cents=own, coverage="insured",
                  service_on=date(2026, 3, 2))


def payment(patient_id, payer, amount):
    return Payment(patient_id=patient_id, payer=payer, method="cash", amount_cents=amount,
                   received_on=date(2026, 3, 3))


def adjustment(patient_id, kind, side, amount):
    return Adjustment(patient_id=patient_id, kind=kind, side=side, amount_cents=amount,
                      reason="Test", adjusted_on=date(2026, 3, 4))


def stored_balances():
    db.session.commit()  # no open transaction may hold locks while the schema changes
    return dict(db.session.execute(
        sa.select(PatientBalance.patient_id, PatientBalance.owed_cents)).all())


def test_upgrade_fills_balances_from_the_ledger_and_downgrade_leaves_it_writable(
        empty_database_uri):
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade(revision="0008")
        owing, in_credit, _no_ledger = (make_patient().id for _ in range(3))
        db.session.add_all([
            charge(owing, 3000, 9000), payment(owing, "patient", 2000),
            payment(owing, "insurer", 3000), adjustment(owing, "write_off", "patient", 500),
            adjustment(owing, "refund", "patient", 300),
            adjustment(owing, "transfer_to_patient", "insurer", 1000),
            adjustment(owing, "write_off", "insurer", 200),
            adjustment(owing, "refund", "insurer", 100),
            charge(in_credit, 0, 5000), payment(in_credit, "patient", 8000)])
        db.session.commit()

        flask_migrate.upgrade()
        ledger = {key[0]: row.patient_outstanding
                  for key, row in grouped_totals(patient_key).items()}
        assert stored_balances() == ledger == {owing: 7800, in_credit: -3000}
        db.session.add(payment(in_credit, "patient", 1000))
        assert stored_balances()[in_credit] == -4000  # the triggers took over

        db.session.remove()
        flask_migrate.downgrade(revision="0008")
        db.session.add(payment(owing, "patient", 100))  # no trigger left behind
        db.session.commit()
        assert "patient_balances" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
