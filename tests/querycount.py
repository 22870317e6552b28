"""Counting the SQL statements a block of code sends, to hold pages to a query budget."""

from contextlib import contextmanager

import sqlalchemy as sa

from tracker.extensions import db


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


@contextmanager
def count_queries(engine=None):
    """Count every statement sent on the app's engine inside the block.

    Requests made through the test client use the same engine, so a request's queries
    are counted too: `with count_queries() as counter: client.get(...)`.
    """
    engine = engine or db.engine
    counter = QueryCounter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
