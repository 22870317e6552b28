"""`flask demo load`: a realistic demo clinic, created once and safe to load again."""

import click
from flask.cli import AppGroup

from tracker.extensions import db

demo_cli = AppGroup("demo", help="Load demonstration data.")


@demo_cli.command("load")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True,
              help="1 is the ordinary demo clinic; N ≥ 2 adds N × 100 patients of "
                   "five-year history (100 is the 5-year clinic).")
def load_command(scale):
    """Create the demo clinic. Running it again changes nothing."""
    from tracker.demo import billing, clinical, people, reminders

    created = False
    for step in (people, clinical, reminders, billing):
        created = step.load() or created  # each step creates only what is missing
        db.session.commit()
    if scale > 1:
        created = load_history(scale) or created
    if created:
        click.echo("Demo clinic loaded.")
    else:
        click.echo("Demo clinic already present; nothing changed.")
    click.echo(f"\nLogins (password for all: {people.DEMO_PASSWORD}):")
    for email, role in people.DEMO_LOGINS:
        click.echo(f"  {role:<13} {email}")


def load_history(scale):
    """The synthetic history of `scale`, with a progress bar; True when anything was added."""
    from tracker.demo import scale as scale_loader

    patients = scale_loader.sizes(scale)["patients"]
    if scale_loader.loaded_scale() == scale:
        return False
    try:
        with click.progressbar(length=patients, label=f"Scale {scale}: {patients:,} patients",
                               show_pos=True, show_eta=True) as bar:
            written = scale_loader.load(scale, advance=bar.update)
    except scale_loader.ScaleError as error:
        raise click.ClickException(str(error)) from None
    if written:
        click.echo(", ".join(f"{count:,} {table}" for table, count in written.items()
                             if count) + " written.")
        click.echo(f"  history patient  {scale_loader.HISTORY_PATIENT_EMAIL}")
    return bool(written)
