"""Starting gunicorn on loopback and loading it with wrk."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "report.lua"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk():
    """wrk from Debian's package; installed with apt-get when missing and we are root."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it with `sudo apt-get install wrk`.")
    print("Installing wrk (apt-get install wrk) …", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def app_environment(database_url, **extra):
    """The production configuration, with the floor route on and a throwaway secret key."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("TEST_DATABASE_URL", "FLASK_DEBUG")}
    env.update(MERIDIAN_ENV="production", SECRET_KEY=secrets.token_hex(32),
               DATABASE_URL=database_url, BENCH_FLOOR_ROUTE="1", MAIL_BACKEND="memory",
               **extra)
    return env


class Gunicorn:
    """`gunicorn -w WORKERS wsgi:app` on 127.0.0.1 and a free port, for a `with` block."""

    def __init__(self, database_url, workers=2):
        self.port = free_port()
        self.command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind",
                        f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        self.env = app_environment(database_url)

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        wait_until_answering(self.port, self.process)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_until_answering(port, process=None, timeout=120):
    """Poll /login until it answers 200; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"The server exited with code {process.returncode}.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as reply:
                if reply.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Nothing answered on port {port} within {timeout} s.")


def run_wrk(port, path, cookie, *, seconds, connections, threads):
    """One wrk run: {requests, rps, p50_ms, p95_ms, p99_ms, max_ms, errors …}."""
    command = ["wrk", f"--threads={threads}", f"--connections={connections}",
               f"--duration={seconds}s", "--timeout=30s", f"--script={LUA}",
               "--header", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))
