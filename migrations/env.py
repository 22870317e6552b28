"""Alembic environment for Meridian (run through `flask db ...`)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from tracker.db import UTCDateTime, built_on

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write our UTC column type as the plain `DateTime(timezone=True)` it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def process_revision_directives(context, revision, directives):
    """Skip writing an empty migration when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online():
    engine = target_db.engine
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", process_revision_directives)
    with engine.connect() as connection:
        options.update(
            target_metadata=target_db.metadata,
            render_item=render_item,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=lambda item, *_: built_on(item, connection.dialect.name),
        )
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline():
    context.configure(url=str(target_db.engine.url), target_metadata=target_db.metadata,
                      literal_binds=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
