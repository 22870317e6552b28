"""`flask demo load`: a realistic demo clinic, created once and safe to load again."""

import click
from flask.cli import AppGroup

from tracker.extensions import db

demo_cli = AppGroup("demo", help="Load demonstration data.")


@demo_cli.command("load")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True,
              help="1 is the ordinary demo clinic.")
def load_command(scale):
    """Create the demo clinic. Running it again changes nothing."""
    from tracker.demo import billing, clinical, people, reminders

    created = False
    for step in (people, clinical, reminders, billing):
        created = step.load() or created  # each step creates only what is missing
        db.session.commit()
    if created:
        click.echo("Demo clinic loaded.")
    else:
        click.echo("Demo clinic already present; nothing changed.")
    click.echo(f"\nLogins (password for all: {people.DEMO_PASSWORD}):")
    for email, role in people.DEMO_LOGINS:
        click.echo(f"  {role:<13} {email}")
