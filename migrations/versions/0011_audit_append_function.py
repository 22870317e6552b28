"""audit: PostgreSQL appends an event to the chain in one call (audit_append)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 15:00:00

"""
from alembic import op

from tracker.audit import schema


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    schema.create_append_function(op.get_bind())


def downgrade():
    schema.drop_append_function(op.get_bind())
