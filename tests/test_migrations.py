"""The schema exists only through migrations: they must build exactly what the models say."""


import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import make_config
from tracker import create_app
from tracker.db import built_on
from tracker.extensions import db


def test_migrations_produce_exactly_the_models_schema(empty_database_uri):
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_object": lambda item, *_: built_on(item, dialect)})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(empty_database_uri):
    app = create_app(make_config(empty_database_uri))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        assert "patients" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
