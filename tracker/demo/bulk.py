"""Bulk writing for the scale loader: rows as dicts, Core executemany in batches.

Rows carry their primary keys, allocated here from the table's current maximum, so rows
of one batch can point at each other without a round trip per row. Buffered rows are
written in foreign-key order whenever the buffer fills, so every reference is already in
the database when the row naming it arrives (SQLite checks each statement).
"""

from contextlib import contextmanager

import sqlalchemy as sa

from tracker.extensions import db

BATCH_ROWS = 5000


class BulkWriter:
    """Buffers rows per table and inserts them with one executemany per table and batch."""

    def __init__(self, connection, batch_rows=BATCH_ROWS, on_write=None):
        self.connection = connection
        self.batch_rows = batch_rows
        self.on_write = on_write or (lambda table, count: None)
        self.buffers = {}
        self.buffered = 0
        self.next_ids = {}
        self.written = {}

    def next_id(self, table):
        """The next free primary key of `table` (its maximum id when first asked, plus one)."""
        if table.name not in self.next_ids:
            current = self.connection.scalar(sa.select(sa.func.max(table.c.id)))
            self.next_ids[table.name] = (current or 0) + 1
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def add(self, table, row):
        self.buffers.setdefault(table.name, []).append(row)
        self.buffered += 1
        if self.buffered >= self.batch_rows:
            self.flush()

    def flush(self):
        for table in db.metadata.sorted_tables:
            rows = self.buffers.pop(table.name, None)
            if rows:
                self.connection.execute(sa.insert(table), rows)
                self.written[table.name] = self.written.get(table.name, 0) + len(rows)
                self.on_write(table.name, len(rows))
        self.buffered = 0


def reset_sequences(connection, tables):
    """Move PostgreSQL's id sequences past the ids written explicitly (no-op elsewhere)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


@contextmanager
def fast_sqlite(connection):
    """Trade durability for speed while loading on SQLite; restores the defaults after.

    Only the loader's own connection is affected. A crash mid-load can leave a damaged
    database file, which is acceptable for generated demo data.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA synchronous = OFF")
    connection.exec_driver_sql("PRAGMA cache_size = -200000")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA synchronous = FULL")
        connection.exec_driver_sql("PRAGMA cache_size = -2000")
