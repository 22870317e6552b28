"""The other numbers the benchmark reports: the test suite's duration, `make run` from a
fresh clone until the server answers, and the reminder dispatch benchmark."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import BIN, ROOT, free_port, wait_until_answering

#: variables that would point a fresh clone or the suite at the benchmark's database
FOREIGN_VARIABLES = ("DATABASE_URL", "TEST_DATABASE_URL", "MERIDIAN_ENV", "SECRET_KEY",
                     "BENCH_FLOOR_ROUTE", "VIRTUAL_ENV")


def clean_environment(**extra):
    env = {key: value for key, value in os.environ.items() if key not in FOREIGN_VARIABLES}
    return env | extra


def test_suite_seconds():
    """The whole suite on SQLite, as `make test` runs it (browser tests included)."""
    started = time.monotonic()
    result = subprocess.run([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=ROOT, env=clean_environment(), capture_output=True, text=True)
    seconds = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return {"seconds": round(seconds, 1), "summary": summary, "exit_code": result.returncode}


def fresh_clone_seconds():
    """Clone the committed tree, run `make install assets migrate demo`, start the server.

    The server is started as `make serve` does but on a free port (5000 may be taken), and
    polled until /login answers. Each step is timed; the clone is deleted afterwards.
    """
    steps = {}
    with tempfile.TemporaryDirectory(prefix="meridian-clone-") as scratch:
        clone = Path(scratch) / "meridian"
        started = time.monotonic()
        _timed(steps, "git clone", ["git", "clone", "--quiet", str(ROOT), str(clone)], ROOT)
        env = clean_environment(PYTHON=shutil.which("python3") or "python3")
        for target in ("install", "assets", "migrate", "demo"):
            _timed(steps, f"make {target}", ["make", "--no-print-directory", target], clone, env)
        port = free_port()
        server = subprocess.Popen(
            [str(clone / ".venv/bin/flask"), "--app", "wsgi", "run", "--host", "127.0.0.1",
             "--port", str(port)], cwd=clone, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            steps["server answers"] = round(wait_until_answering(port, server), 1)
        finally:
            server.terminate()
            server.wait(timeout=20)
        total = time.monotonic() - started
    return {"seconds": round(total, 1), "steps": steps}


def _timed(steps, name, command, cwd, env=None):
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    steps[name] = round(time.monotonic() - started, 1)


def reminder_dispatch(count=10_000):
    """bench/reminders_dispatch.py on a scratch SQLite file, when the reminders code exists."""
    script = ROOT / "bench" / "reminders_dispatch.py"
    if not script.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="meridian-dispatch-") as scratch:
        output = Path(scratch) / "dispatch.json"
        result = subprocess.run([sys.executable, str(script), "--count", str(count),
                                 "--json", str(output)], cwd=ROOT, env=clean_environment(),
                                capture_output=True, text=True)
        if result.returncode != 0 or not output.exists():
            return {"error": (result.stdout + result.stderr).strip()[-500:]}
        return json.loads(output.read_text())
