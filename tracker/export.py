"""`flask export patient ID`: everything held about one patient, as JSON (right of access).

Generic over the schema, so tables added later are included without changes here:
- the patient row, and their login without credentials;
- every row of every table with a `patient_id` column (courses, visits, check-ins, bills,
  reminders, the audit events about them...);
- every row that refers by foreign key to a row already collected (the points of a visit,
  its amendments, the charges of a visit), following such links as far as they go.
Columns marked `info={"secret": True}` (password hashes, token secrets) are left out.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.db import utcnow
from tracker.extensions import db

#: never exported whatever their table says: credentials, not data about the person
ALWAYS_SECRET = {"password_hash", "session_version"}
#: rows referring to these tables are not "about" the patient (a practitioner's courses)
NOT_FOLLOWED = {"users"}


def _columns(table):
    return [column for column in table.columns
            if column.name not in ALWAYS_SECRET and not column.info.get("secret")]


def _rows(connection, table, condition):
    statement = sa.select(*_columns(table)).where(condition).order_by(*table.primary_key)
    return [dict(row._mapping) for row in connection.execute(statement)]


def _owned_rows(connection, patient):
    """{table name: rows} for the patient row and every table with a patient_id column."""
    tables = db.metadata.tables
    collected = {"patients": _rows(connection, tables["patients"],
                                   tables["patients"].c.id == patient.id)}
    if patient.user_id is not None:
        collected["users"] = _rows(connection, tables["users"],
                                   tables["users"].c.id == patient.user_id)
    for table in db.metadata.sorted_tables:
        if "patient_id" in table.columns and table.name != "patients":
            collected[table.name] = _rows(connection, table,
                                          table.c.patient_id == patient.id)
    return collected


def _follow_references(connection, collected):
    """Add rows that point at collected rows, until no table gains any."""
    owned = set(collected)
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            if table.name in owned:
                continue
            links = [key.parent.in_([row[key.column.name] for row in collected[target]])
                     for key in table.foreign_keys
                     if (target := key.column.table.name) not in NOT_FOLLOWED
                     and collected.get(target)]
            if not links:
                continue
            rows = _rows(connection, table, sa.or_(*links))
            if len(rows) != len(collected.get(table.name, ())):
                collected[table.name] = rows
                changed = True


def patient_export(patient):
    """A JSON-ready dict of everything the database holds about `patient`."""
    connection = db.session.connection()
    collected = _owned_rows(connection, patient)
    _follow_references(connection, collected)
    return {
        "exported_at": utcnow(),
        "patient_id": patient.id,
        "tables": {name: rows for name, rows in sorted(collected.items()) if rows},
    }


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot export {type(value).__name__}")


def export_json(patient):
    return json.dumps(patient_export(patient), default=_json_default, indent=2,
                      ensure_ascii=False)


export_cli = AppGroup("export", help="Export data about one person.")


@export_cli.command("patient")
@click.argument("patient_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (readable by its owner only) instead of printing.")
def export_patient_command(patient_id, output):
    """Everything held about one patient, as JSON."""
    from tracker.audit.services import record_event
    from tracker.patients.models import Patient

    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise click.ClickException(f"There is no patient with id {patient_id}.")
    record_event("patient.export", record=patient,
                 details={"format": "json", "to": output.name if output else "stdout"})
    db.session.flush()
    text = export_json(patient)
    db.session.commit()
    if output is None:
        click.echo(text)
        return
    output.unlink(missing_ok=True)
    output.touch(mode=0o600)
    output.write_text(text + "\n", encoding="utf-8")
    click.echo(f"Exported patient {patient_id} to {output}.", err=True)
