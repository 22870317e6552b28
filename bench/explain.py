"""EXPLAIN every query the benchmarked pages send, on the benchmark's PostgreSQL data.

Each page is requested once in-process (a test client, logged in through the login
form) while the statements are captured; every SELECT is then EXPLAINed with its own
parameters. The report lists, per page, the scans the planner chose, and flags any
sequential scan of a large table.
"""

import re
import secrets

import sqlalchemy as sa

from bench.pages import DEMO_PASSWORD

SCAN = re.compile(r"((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan)"
                  r"(?: Backward)?(?: using \S+)? on \S+)")
LARGE_TABLE_ROWS = 10_000


def bench_app(database_url):
    from config import Config
    from tracker import create_app

    config = type("ExplainConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex(32),
        "BENCH_FLOOR_ROUTE": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "memory"})
    return create_app(config)


def explain_pages(database_url, pages):
    """{page name: {"scans": [...], "large_seq_scans": [...], "queries": n}}."""
    from tracker.extensions import db

    app = bench_app(database_url)
    with app.app_context():
        engine = db.engine
    large = _large_tables(engine)
    report = {}
    for page in pages:
        statements = _captured(app, engine, page)
        scans = _scans(engine, statements)
        report[page.name] = {
            "queries": len(statements), "scans": sorted(set(scans)),
            "large_seq_scans": sorted({scan for scan in scans if scan.startswith(
                ("Seq Scan", "Parallel Seq Scan")) and scan.split()[-1] in large})}
    engine.dispose()
    return report


def _large_tables(engine):
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > :n"),
            {"n": LARGE_TABLE_ROWS})
        return {name for name, _ in rows}


def _captured(app, engine, page):
    client = app.test_client()
    reply = client.post("/login", data={"email": page.login, "password": DEMO_PASSWORD})
    if reply.status_code != 302:
        raise RuntimeError(f"EXPLAIN: login as {page.login} failed ({reply.status_code}).")
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        status = client.get(page.path).status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    if status != 200:
        raise RuntimeError(f"EXPLAIN: {page.path} answered {status}.")
    return statements


def _scans(engine, statements):
    scans = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + statement, parameters)
            for (line,) in cursor.fetchall():
                scans.extend(SCAN.findall(line))
        raw.rollback()
    finally:
        raw.close()
    return scans
