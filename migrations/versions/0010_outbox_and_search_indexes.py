"""indexes: the outbox reads each status in due order, patient search one trigram index

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 14:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


SEARCHED_COLUMNS = ("first_name", "last_name", "email", "phone")
#: tracker.patients.models.SEARCH_TEXT, as it was when this migration was written
SEARCH_TEXT = ("lower(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' "
               "|| coalesce(phone, ''))")


def upgrade():
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at", "id"])
    op.drop_index("ix_reminders_due_at", table_name="reminders")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_patients_search_trgm ON patients "
                   f"USING gin (({SEARCH_TEXT}) gin_trgm_ops)")
        for column in SEARCHED_COLUMNS:
            op.drop_index(f"ix_patients_{column}_trgm", table_name="patients")


def downgrade():
    op.create_index("ix_reminders_due_at", "reminders", ["due_at", "id"])
    op.drop_index("ix_reminders_status_due_at", table_name="reminders")
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED_COLUMNS:
            op.create_index(f"ix_patients_{column}_trgm", "patients", [column],
                            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
        op.drop_index("ix_patients_search_trgm", table_name="patients")
