"""Database triggers that keep `patient_balances` equal to what the ledger says.

Every insert, update or delete of a charge, payment or adjustment adds the row's effect on
the patient's own outstanding amount (`Totals.patient_outstanding`) to that patient's
balance row, and takes the old row's effect away, in the same statement. The finance
report then ranks who owes from one small indexed table, and no writer (a service, the
scale loader's bulk inserts, a psql session) can forget to keep the balances right.
"""

import sqlalchemy as sa

#: per ledger table: its row's effect on what the patient owes, written for a row named
#: {row}, and the columns that effect reads (updating any other column changes nothing)
EFFECTS = {
    "charges": ("{row}.patient_cents", ("patient_id", "patient_cents")),
    "payments": ("CASE WHEN {row}.payer = 'patient' THEN -{row}.amount_cents ELSE 0 END",
                 ("patient_id", "payer", "amount_cents")),
    "adjustments": (
        "CASE WHEN {row}.kind = 'write_off' AND {row}.side = 'patient' THEN -{row}.amount_cents"
        " WHEN {row}.kind = 'refund' AND {row}.side = 'patient' THEN {row}.amount_cents"
        " WHEN {row}.kind = 'transfer_to_patient' THEN {row}.amount_cents ELSE 0 END",
        ("patient_id", "kind", "side", "amount_cents")),
}

ADD = ("INSERT INTO patient_balances (patient_id, owed_cents) VALUES ({patient}, {cents}) "
       "ON CONFLICT (patient_id) DO UPDATE "
       "SET owed_cents = patient_balances.owed_cents + excluded.owed_cents")


def _add(row, effect, sign=""):
    return ADD.format(patient=f"{row}.patient_id", cents=f"{sign}({effect.format(row=row)})")


def _postgres_create(table, effect, columns):
    return [f"""
    CREATE OR REPLACE FUNCTION {table}_patient_balance() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            {_add("OLD", effect, "-")};
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {_add("NEW", effect)};
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """, f"""
    CREATE OR REPLACE TRIGGER {table}_patient_balance
    AFTER INSERT OR UPDATE OF {", ".join(columns)} OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_patient_balance()
    """]


def _sqlite_create(table, effect, columns):
    undo, do = _add("OLD", effect, "-"), _add("NEW", effect)
    return [f"""
    CREATE TRIGGER IF NOT EXISTS {table}_patient_balance_{event} AFTER {clause} ON {table}
    BEGIN {body} END
    """ for event, clause, body in (
        ("insert", "INSERT", f"{do};"),
        ("update", f"UPDATE OF {', '.join(columns)}", f"{undo}; {do};"),
        ("delete", "DELETE", f"{undo};"))]


def create_triggers(connection):
    postgres = connection.dialect.name == "postgresql"
    for table, (effect, columns) in EFFECTS.items():
        for statement in (_postgres_create if postgres else _sqlite_create)(
                table, effect, columns):
            connection.execute(sa.text(statement))


def drop_triggers(connection):
    """Remove the triggers (and PostgreSQL's functions): for the migration's downgrade."""
    for table in EFFECTS:
        if connection.dialect.name == "postgresql":
            statements = [f"DROP TRIGGER IF EXISTS {table}_patient_balance ON {table}",
                          f"DROP FUNCTION IF EXISTS {table}_patient_balance()"]
        else:
            statements = [f"DROP TRIGGER IF EXISTS {table}_patient_balance_{event}"
                          for event in ("insert", "update", "delete")]
        for statement in statements:
            connection.execute(sa.text(statement))


def fill_balances(connection):
    """Set every patient's balance from the ledger as it stands, into an empty table:
    what the triggers would have written had they always existed (the migration's backfill).
    """
    ledger = " UNION ALL ".join(
        f"SELECT patient_id, {effect.format(row=table)} AS cents FROM {table}"
        for table, (effect, _) in EFFECTS.items())
    connection.execute(sa.text(
        "INSERT INTO patient_balances (patient_id, owed_cents) "
        f"SELECT patient_id, SUM(cents) FROM ({ledger}) AS ledger GROUP BY patient_id"))
