"""Meridian: courses, visits, progress, reminders and costs for acupuncture clinics.

`create_app()` only wires things together: it never queries the database or starts
threads, so the web app, the scheduler process and the tests build the same app.
"""

from pathlib import Path

from flask import Flask

from config import config_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    config = config or config_from_environment()
    if hasattr(config, "check"):
        config.check()
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app):
    from tracker import models  # noqa: F401  (every table, for migrations and create_all)
    from tracker.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)


def register_blueprints(app):
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.billing.views import bp as billing_bp
    from tracker.clinic.views import bp as clinic_bp
    from tracker.patients.views import bp as patients_bp
    from tracker.portal.views import bp as portal_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.treatments.progress_views import bp as progress_bp
    from tracker.treatments.views import bp as treatments_bp

    for blueprint in (auth_bp, clinic_bp, patients_bp, treatments_bp, portal_bp, reminders_bp,
                      billing_bp, audit_bp, progress_bp):
        app.register_blueprint(blueprint)
    if app.config.get("BENCH_FLOOR_ROUTE"):
        from tracker.floor import bp as floor_bp

        app.register_blueprint(floor_bp)


def register_request_hooks(app):
    from tracker import errors, security

    security.init_app(app)
    errors.init_app(app)


def register_template_helpers(app):
    from tracker import templating

    templating.init_app(app)


def register_commands(app):
    from tracker.audit.cli import audit_cli
    from tracker.auth.cli import users_cli
    from tracker.backup import backup_cli
    from tracker.demo import demo_cli
    from tracker.export import export_cli
    from tracker.reminders.cli import reminders_cli, scheduler_cli

    for group in (users_cli, demo_cli, audit_cli, backup_cli, export_cli, scheduler_cli,
                  reminders_cli):
        app.cli.add_command(group)
