"""the finance report's period sums read only their date indexes (PostgreSQL INCLUDE)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21 15:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

#: table, index, date column, the columns the report sums or groups by
COVERING = (
    ("charges", "ix_charges_service_on", "service_on",
     ["practitioner_id", "billed_cents", "expected_insurer_cents", "patient_cents"]),
    ("payments", "ix_payments_received_on", "received_on",
     ["practitioner_id", "payer", "amount_cents"]),
    ("adjustments", "ix_adjustments_adjusted_on", "adjusted_on",
     ["practitioner_id", "kind", "side", "amount_cents"]),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no INCLUDE; its indexes stay as they are
    for table, index, column, included in COVERING:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, [column], postgresql_include=included)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, index, column, _ in COVERING:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, [column])
