import click
from flask.cli import AppGroup

from tracker.auth.models import Role
from tracker.auth.services import AccountError, create_user
from tracker.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), prompt=True)
@click.option("--patient-id", type=int, help="The patient record a patient account may see.")
@click.password_option()
def create_user_command(email, name, role, patient_id, password):
    """Create a login for staff or for a patient."""
    from tracker.patients.models import Patient

    patient = db.session.get(Patient, patient_id) if patient_id else None
    if patient_id and patient is None:
        raise click.BadParameter(f"no patient with id {patient_id}", param_hint="--patient-id")
    try:
        user = create_user(email=email, name=name, password=password, role=role, patient=patient)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
