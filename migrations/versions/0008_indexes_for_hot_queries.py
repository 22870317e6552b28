"""indexes for hot queries: trigram search on patients (PostgreSQL), outbox by due time

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SEARCHED_COLUMNS = ("first_name", "last_name", "email", "phone")


def upgrade():
    op.create_index("ix_reminders_due_at", "reminders", ["due_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED_COLUMNS:
            op.create_index(f"ix_patients_{column}_trgm", "patients", [column],
                            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_reminders_due_at", table_name="reminders")
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED_COLUMNS:
            op.drop_index(f"ix_patients_{column}_trgm", table_name="patients")
