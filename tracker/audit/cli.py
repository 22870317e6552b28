import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.audit.chain import first_altered_event
from tracker.audit.models import AuditEvent
from tracker.extensions import db

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Walk the hash chain; exit 1 naming the first event that does not match."""
    altered = first_altered_event(db.session)
    if altered is not None:
        click.echo(f"Audit trail altered: event {altered.id} does not match the chain "
                   "(it was changed, or events before it were removed).")
        raise SystemExit(1)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    latest = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc())
                               .limit(1))
    click.echo(f"Audit trail OK: {count} events; latest hash {latest or '(none)'}.")
