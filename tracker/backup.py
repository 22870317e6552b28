"""`flask backup create|restore`: whole-database copies, consistent while the app runs.

SQLite uses its online backup API (a consistent copy even while requests write);
PostgreSQL uses pg_dump's custom format and pg_restore, run with the connection details
of DATABASE_URL (the password travels in the child's environment, not its arguments).
"""

import subprocess
from contextlib import closing
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from config import child_process_environment
from tracker.db import utcnow
from tracker.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: libpq settings a DATABASE_URL may carry as query parameters, and their variables
LIBPQ_VARIABLES = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                   "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                   "connect_timeout": "PGCONNECT_TIMEOUT"}
#: a database holding rows in any of these is not overwritten without --force
DATA_TABLES = ("users", "patients", "audit_events")


class BackupError(Exception):
    """A backup or restore that cannot proceed, with what to do about it."""


def default_backup_path(url):
    directory = Path(current_app.config["BACKUP_DIRECTORY"]
                     or Path(current_app.instance_path) / "backups")
    suffix = "sqlite3" if url.get_backend_name() == "sqlite" else "dump"
    return directory / f"meridian-{utcnow():%Y%m%dT%H%M%SZ}.{suffix}"


def _sqlite_path(url):
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database has nothing to back up or restore into.")
    return url.database


def _pg_arguments(url):
    arguments = ["--dbname", url.database]
    if url.host:
        arguments += ["--host", url.host]
    if url.port:
        arguments += ["--port", str(url.port)]
    if url.username:
        arguments += ["--username", url.username]
    return arguments


def _pg_environment(url):
    extra = {"PGPASSWORD": url.password} if url.password else {}
    for key, variable in LIBPQ_VARIABLES.items():
        if key in url.query:
            extra[variable] = str(url.query[key])
    return child_process_environment(**extra)


def _run(command, url):
    try:
        result = subprocess.run(command, env=_pg_environment(url), capture_output=True,
                                text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL "
                          "client tools of the server's version.") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def create_backup(engine, path):
    """Write a consistent copy of the whole database to `path` (readable by owner only)."""
    url = engine.url
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    if url.get_backend_name() == "sqlite":
        import sqlite3

        with closing(sqlite3.connect(_sqlite_path(url))) as source, \
                closing(sqlite3.connect(partial)) as target:
            source.backup(target)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial),
              *_pg_arguments(url)], url)
    partial.replace(path)
    return path


def database_holds_data(engine):
    inspector = sa.inspect(engine)
    with engine.connect() as connection:
        for table in DATA_TABLES:
            if inspector.has_table(table) and connection.scalar(
                    sa.text(f"SELECT EXISTS (SELECT 1 FROM {table})")):
                return True
    return False


def restore_backup(engine, path, *, force=False):
    """Replace the database's contents with the backup at `path`."""
    url = engine.url
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    magic = path.read_bytes()[:16]
    sqlite = url.get_backend_name() == "sqlite"
    if not magic.startswith(SQLITE_MAGIC if sqlite else PG_DUMP_MAGIC):
        kind = "an SQLite" if sqlite else "a pg_dump custom-format"
        raise BackupError(f"{path} is not {kind} backup, which this database needs.")
    if not force and database_holds_data(engine):
        raise BackupError("The database already holds data; restore into an empty database, "
                          "or pass --force to replace everything in it.")
    engine.dispose()
    if sqlite:
        import sqlite3

        with closing(sqlite3.connect(path)) as source, \
                closing(sqlite3.connect(_sqlite_path(url))) as target:
            source.backup(target)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
              "--single-transaction", "--exit-on-error", *_pg_arguments(url), str(path)], url)
    engine.dispose()


backup_cli = AppGroup("backup", help="Back up the database or restore a backup.")


@backup_cli.command("create")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the backup (default: instance/backups/).")
def create_command(output):
    """Write a consistent copy of the whole database."""
    from tracker.audit.services import record_event

    path = output or default_backup_path(db.engine.url)
    record_event("backup.create", details={"file": path.name})
    db.session.commit()  # the backup contains the record of its own making
    try:
        create_backup(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {path}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path, force):
    """Load a backup made by `backup create` into this app's database."""
    from tracker.audit.services import record_event

    db.session.remove()
    try:
        restore_backup(db.engine, path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    record_event("backup.restore", details={"file": path.name})
    db.session.commit()
    click.echo(f"Restored {path}. Run `flask --app wsgi db upgrade` if the backup is older "
               "than this version of Meridian.")
