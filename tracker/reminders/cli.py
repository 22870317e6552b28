"""`flask scheduler run` and `flask reminders send-due [--now ISO-8601]`."""

import logging
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.reminders.jobs import (
    DISPATCH_EVERY_SECONDS,
    PLAN_EVERY_SECONDS,
    build_scheduler,
    run_scheduler,
    send_due,
)

scheduler_cli = AppGroup("scheduler", help="The process that plans and sends reminders.")
reminders_cli = AppGroup("reminders", help="Reminder emails.")


class InstantType(click.ParamType):
    """An ISO 8601 date and time; without an offset it is taken as UTC."""

    name = "ISO-8601"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-03-28T09:00:00Z.",
                      param, ctx)
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@scheduler_cli.command("run")
@click.option("--plan-every", type=click.IntRange(min=5), default=PLAN_EVERY_SECONDS,
              show_default=True, help="Seconds between planning sweeps.")
@click.option("--dispatch-every", type=click.IntRange(min=5), default=DISPATCH_EVERY_SECONDS,
              show_default=True, help="Seconds between outbox dispatches.")
def run_command(plan_every, dispatch_every):
    """Plan and send reminders until stopped (Ctrl-C). Several may run at once."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(current_app._get_current_object(), plan_every=plan_every,
                                dispatch_every=dispatch_every)
    click.echo(f"Scheduler running (UTC): planning every {plan_every} s, "
               f"dispatching every {dispatch_every} s. Ctrl-C stops it.")
    run_scheduler(scheduler)


@reminders_cli.command("send-due")
@click.option("--now", type=InstantType(), default=None,
              help="Pretend it is this time (ISO 8601, UTC unless an offset is given).")
def send_due_command(now):
    """Plan reminders and send every one that is due: one sweep, for cron or tests."""
    planned, sent = send_due(now or datetime.now(UTC))
    click.echo(f"Planned {planned.created} new reminder(s), cancelled {planned.cancelled}.")
    click.echo(f"Sent {sent.sent}, retrying {sent.retrying}, failed {sent.failed}, "
               f"cancelled {sent.cancelled}.")
