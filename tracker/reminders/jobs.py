"""The scheduler process: an APScheduler 3 BlockingScheduler with two interval jobs.

It runs only through `flask scheduler run`; the web app never starts it. Both jobs are
sweeps over the outbox, safe to run late, twice, or in several processes at once, so the
scheduler is tuned for that:

- coalesce: a backlog of missed runs (after a pause or a busy machine) runs once, not
  once per missed interval;
- misfire grace of one interval: a run that starts late by less than that still runs,
  a later one is dropped because the next run does the same work;
- one instance per job: a slow sweep is never overlapped by the next one in the same
  process (other processes are kept apart by the outbox's claims).
"""

import logging
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from tracker.db import utcnow
from tracker.extensions import db

log = logging.getLogger(__name__)

PLAN_EVERY_SECONDS = 300
DISPATCH_EVERY_SECONDS = 60


def plan_job(app):
    from tracker.reminders.planning import plan_reminders

    with app.app_context():
        try:
            result = plan_reminders(utcnow())
            db.session.commit()
        finally:
            db.session.remove()
    log.info("Planned reminders: %s created, %s cancelled", result.created, result.cancelled)
    return result


def dispatch_job(app):
    from tracker.reminders.dispatch import dispatch_due

    with app.app_context():
        try:
            result = dispatch_due(utcnow())
        finally:
            db.session.remove()
    if result.claimed:
        log.info("Dispatched reminders: %s", result)
    return result


def send_due(now):
    """One plan-and-dispatch sweep at `now`, in the current app context."""
    from tracker.reminders.dispatch import dispatch_due
    from tracker.reminders.planning import plan_reminders

    planned = plan_reminders(now)
    db.session.commit()
    return planned, dispatch_due(now)


def build_scheduler(app, *, plan_every=PLAN_EVERY_SECONDS,
                    dispatch_every=DISPATCH_EVERY_SECONDS):
    scheduler = BlockingScheduler(timezone=UTC)
    start = datetime.now(UTC)
    for job, job_id, seconds in ((plan_job, "plan-reminders", plan_every),
                                 (dispatch_job, "dispatch-reminders", dispatch_every)):
        scheduler.add_job(job, "interval", args=[app], seconds=seconds, id=job_id,
                          coalesce=True, max_instances=1, misfire_grace_time=seconds,
                          next_run_time=start)
    return scheduler


def run_scheduler(scheduler):
    """Block until Ctrl-C or SIGTERM; a send cut short is taken up again after its lease."""
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
