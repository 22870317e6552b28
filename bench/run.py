"""`make bench`: load benchmark of the main pages against the framework floor.

    python bench/run.py [--database-url URL] [--scale 100] [--reload] [--seconds 10]
                        [--connections 4] [--skip-tests] [--skip-clone] [--skip-dispatch]

Loads (or reuses) the 5-year clinic in PostgreSQL, starts gunicorn with two workers on
127.0.0.1, logs in with the right role for each page through the real login form, and
runs wrk against the floor, then each main page followed by the floor again. Then it EXPLAINs every
query of every page, times the test suite, `make run` from a fresh clone and the
reminder dispatch benchmark, and writes bench/results/latest.{md,json} and the table in
bench/README.md. Traffic stays on loopback; every run is bounded in time.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bench import explain, extras, pages, results, server

DEFAULT_DATABASE = "postgresql+psycopg://127.0.0.1/meridian_bench"
WARM_UP_SECONDS = 2


def prepare_database(database_url, scale, reload):
    """Create the database if needed, migrate it and load the clinic unless already loaded."""
    url = sa.engine.make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": url.database})
        if reload and exists:
            connection.execute(sa.text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        if reload or not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    env = server.app_environment(database_url)
    flask = [str(server.BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=server.ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    output = subprocess.run([*flask, "demo", "load", "--scale", str(scale)], cwd=server.ROOT,
                            env=env, check=True, capture_output=True, text=True).stdout
    seconds = time.monotonic() - started
    loaded = "nothing changed" not in output
    subprocess.run(["psql", "-q", "-d", url.database, "-h", url.host or "127.0.0.1",
                    "-c", "VACUUM ANALYZE"], check=True)
    return {"seconds": round(seconds, 1) if loaded else None,
            "summary": _summary(database_url, scale)}


def _summary(database_url, scale):
    engine = sa.create_engine(database_url)
    names = ["users", "patients", "courses", "appointments", "visits", "charges", "payments",
             "reminders"]
    with engine.connect() as connection:
        present = [name for name in names if sa.inspect(connection).has_table(name)]
        counts = {name: connection.scalar(sa.text(f"SELECT COUNT(*) FROM {name}"))
                  for name in present}
    engine.dispose()
    return f"scale {scale}: " + ", ".join(f"{count:,} {name}" for name, count in counts.items())


def measure(page, port, cookie, args):
    status, body = pages.fetch(port, page.path, cookie)
    if status != 200 or b'name="password"' in body:
        raise RuntimeError(f"{page.name}: {page.path} answered {status} instead of the page.")
    wrk = dict(seconds=WARM_UP_SECONDS, connections=args.connections, threads=args.threads)
    server.run_wrk(port, page.path, cookie, **wrk)
    wrk["seconds"] = args.seconds
    run = server.run_wrk(port, page.path, cookie, **wrk)
    print(f"  {page.name:<16} {run['rps']:7.1f} req/s  p50 {run['p50_ms']:7.1f} ms  "
          f"p95 {run['p95_ms']:7.1f} ms  p99 {run['p99_ms']:7.1f} ms", flush=True)
    return {"name": page.name, "path": page.path, "what": page.what,
            "reference": page.reference, **run}


def load_pages(database_url, chosen, args):
    floor, *main = chosen
    with server.Gunicorn(database_url, workers=args.workers) as app:
        cookies = {}
        for page in chosen:
            if page.login not in cookies:
                cookies[page.login] = pages.login(app.port, page.login)
        floors = [measure(floor, app.port, cookies[floor.login], args)]
        measured = []
        for page in main:
            measured.append(measure(page, app.port, cookies[page.login], args))
            floors.append(measure(floor, app.port, cookies[floor.login], args))
    for index, page in enumerate(measured):
        page["floor"] = results.floor_reference(floors[index:index + 2])
    return floors, measured


def machine():
    cpus = os.cpu_count()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{platform.node() or 'this machine'} ({cpus} cores, {platform.machine()}, "
            f"Python {platform.python_version()}, load average {load} at the end)")


def main():
    args = parse_arguments()
    server.ensure_wrk()
    numbers = {"started": f"{datetime.now():%Y-%m-%d %H:%M}", "method": (
        f"gunicorn {args.workers} sync workers on 127.0.0.1, wrk {args.threads} threads × "
        f"{args.connections} connections, {WARM_UP_SECONDS} s warm-up then {args.seconds} s "
        "per page, logged in")}
    print("Preparing the benchmark database …", flush=True)
    numbers["load"] = prepare_database(args.database_url, args.scale, args.reload)
    print(f"  {numbers['load']['summary']}", flush=True)
    chosen = pages.choose_pages(args.database_url, datetime.now(ZoneInfo(args.zone)).date(),
                                args.zone)
    print("Load test (the floor first, then after each page):", flush=True)
    numbers["floors"], numbers["pages"] = load_pages(args.database_url, chosen, args)
    numbers["floor"] = results.floor_reference(numbers["floors"])
    results.judge(numbers["pages"])
    print("EXPLAIN of every page's queries …", flush=True)
    numbers["explain"] = explain.explain_pages(args.database_url, chosen[1:])
    if not args.skip_dispatch:
        print("Reminder dispatch benchmark …", flush=True)
        numbers["dispatch"] = extras.reminder_dispatch()
    if not args.skip_tests:
        print("Timing the test suite …", flush=True)
        numbers["test_suite"] = extras.test_suite_seconds()
    if not args.skip_clone:
        print("Timing make run from a fresh clone …", flush=True)
        numbers["fresh_clone"] = extras.fresh_clone_seconds()
    numbers["machine"] = machine()
    print("\n" + results.write(numbers))
    return 0


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--scale", type=int, default=100, help="100: the 5-year clinic")
    parser.add_argument("--reload", action="store_true", help="drop and reload the data")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--zone", default="America/New_York", help="the clinic's timezone")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-clone", action="store_true")
    parser.add_argument("--skip-dispatch", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
