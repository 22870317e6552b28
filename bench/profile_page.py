"""Profile one page in-process on the benchmark data, to see where its time goes.

    python bench/profile_page.py EMAIL PATH [--database-url URL] [--repeat 5]

Logs in as EMAIL (demo password), requests PATH once to warm up, then REPEAT times under
pyinstrument, and prints the profile with the number of queries and their total time.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from pyinstrument import Profiler

from bench.explain import bench_app
from bench.pages import DEMO_PASSWORD
from bench.run import DEFAULT_DATABASE


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("email")
    parser.add_argument("path")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        from tracker.extensions import db

        engine = db.engine
    client = app.test_client()
    client.post("/login", data={"email": args.email, "password": DEMO_PASSWORD})
    assert client.get(args.path).status_code == 200
    timings = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: timings.append(
        [time.perf_counter()]))
    sa.event.listen(engine, "after_cursor_execute", lambda *a: timings[-1].append(
        time.perf_counter()))
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    elapsed = (time.perf_counter() - started) / args.repeat
    sql = sum(end - start for start, end in timings) / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{elapsed * 1000:.1f} ms per request; {len(timings) / args.repeat:.0f} queries, "
          f"{sql * 1000:.1f} ms in the database driver")


if __name__ == "__main__":
    main()
