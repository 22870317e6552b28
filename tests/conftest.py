"""Fixtures: one app per test session, a clean database for every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
The schema is built once; after each test every table is emptied, so tests are isolated
without paying for a new schema each time.
"""

import contextvars
import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from config import TestConfig
from tests.factories import PASSWORD
from tracker import create_app
from tracker.audit import schema as audit_schema
from tracker.billing import schema as balance_schema
from tracker.extensions import db
from tracker.reference import seed_reference_data


def make_config(base_uri, **overrides):
    return type("SuiteConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": base_uri, **overrides})


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    uri = TestConfig.SQLALCHEMY_DATABASE_URI
    if uri.startswith("sqlite"):
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'meridian-test.db'}"
    return uri


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    Otherwise the request would reuse the test's app context: one database session and
    one `g` shared by the test and every request, hiding caching and session bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def build_app(config):
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def skip_sqlite_fsync(engine):
    """Tests never survive a power cut, so SQLite need not wait for the disk on each commit
    (that wait was most of the suite's time). Nothing else about the database changes."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def no_fsync(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.close()


@pytest.fixture(scope="session")
def app(database_uri):
    app = build_app(make_config(database_uri))
    with app.app_context():
        skip_sqlite_fsync(db.engine)
        db.drop_all()
        db.create_all()
        with db.engine.begin() as connection:
            seed_reference_data(connection)
    return app


@pytest.fixture
def make_app(database_uri):
    """Build another app on the same database with some settings changed."""

    def build(**overrides):
        return build_app(make_config(database_uri, **overrides))

    return build


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        empty_all_tables()


def empty_all_tables():
    """Empty every table between tests.

    The audit table refuses deletion by trigger, so the cleanup drops those triggers and
    puts them back within its own transaction; the app itself never lifts them. On SQLite
    the ledger goes first: deleting its rows fires the balance triggers, whose
    `patient_balances` rows are then deleted with the rest, before the patients.
    """
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        audit_schema.drop_guards(connection)
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            ledger_first = sorted(reversed(tables),
                                  key=lambda table: table.name not in balance_schema.EFFECTS)
            for table in ledger_first:
                connection.execute(table.delete())
        audit_schema.create_guards(connection)
        seed_reference_data(connection)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Sign a user in through the real login form; returns the response."""

    def sign_in(user_or_email, password=PASSWORD, follow=False):
        email = getattr(user_or_email, "email", user_or_email)
        return client.post("/login", data={"email": email, "password": password},
                           follow_redirects=follow)

    return sign_in


def is_postgres():
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def empty_database_uri(database_uri, tmp_path, request):
    """A brand-new, empty database on the suite's server (a SQLite file, or a PostgreSQL
    database named after the test module), dropped afterwards."""
    url = sa.engine.make_url(database_uri)
    purpose = request.module.__name__.rsplit(".", 1)[-1]
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / (purpose + '.db')}"
        return
    name = f"meridian_{purpose}_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
