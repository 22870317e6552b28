"""The results table: each page next to the floor measured in the same run."""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
#: every page: at least half the floor's requests per second, p95 at most 3 × the floor's
MIN_RPS_SHARE, MAX_P95_FACTOR = 0.5, 3.0


def floor_reference(floors):
    """The mean of floor runs: for a page, the runs just before and just after it."""
    return {key: sum(run[key] for run in floors) / len(floors)
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}


def judge(pages):
    """Each page against the floor measured around it, so drifting background load on a
    shared machine weighs on both sides of the ratio alike."""
    for page in pages:
        floor = page["floor"]
        page["rps_share"] = round(page["rps"] / floor["rps"], 2)
        page["p95_factor"] = round(page["p95_ms"] / floor["p95_ms"], 2)
        page["meets_target"] = None if page.get("reference") else (
            page["rps_share"] >= MIN_RPS_SHARE and page["p95_factor"] <= MAX_P95_FACTOR
            and not page["non_2xx_3xx"] and not page["socket_errors"])


def page_table(pages, floors, floor):
    lines = ["| page | what | req/s | p50 ms | p95 ms | p99 ms | floor req/s, p95 around it "
             "| req/s vs floor | p95 vs floor | target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    lines.append(f"| floor (all {len(floors)} runs) | {floors[0]['what']} | "
                 f"{floor['rps']:.0f} | {floor['p50_ms']:.1f} | {floor['p95_ms']:.1f} | "
                 f"{floor['p99_ms']:.1f} | {min(r['rps'] for r in floors):.0f}–"
                 f"{max(r['rps'] for r in floors):.0f} req/s | 100 % | 1.0× | |")
    for page in pages:
        verdict = ("reference" if page["meets_target"] is None
                   else "meets" if page["meets_target"] else "**misses**")
        lines.append(
            f"| {page['name']} | {page['what']} | {page['rps']:.0f} | {page['p50_ms']:.1f} | "
            f"{page['p95_ms']:.1f} | {page['p99_ms']:.1f} | {page['floor']['rps']:.0f}, "
            f"{page['floor']['p95_ms']:.1f} ms | {page['rps_share']:.0%} | "
            f"{page['p95_factor']:.1f}× | {verdict} |")
    return "\n".join(lines)


def extras_lines(numbers):
    lines = []
    load = numbers.get("load")
    if load:
        lines.append(f"- Data: {load['summary']}; "
                     + (f"loaded in {load['seconds']:.0f} s in this run."
                        if load.get("seconds") else "reused from an earlier run."))
    suite = numbers.get("test_suite")
    if suite:
        lines.append(f"- Test suite (SQLite, `pytest -q`): {suite['seconds']:.0f} s — "
                     f"{suite['summary']}")
    clone = numbers.get("fresh_clone")
    if clone:
        steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in clone["steps"].items())
        lines.append(f"- `make run` from a fresh clone until the server answers: "
                     f"{clone['seconds']:.0f} s ({steps}).")
    dispatch = numbers.get("dispatch")
    if dispatch and "error" not in dispatch:
        lines.append(
            f"- Reminder dispatch ({dispatch['database']}, {dispatch['reminders']:,} "
            f"reminders): dispatch_due() {dispatch['dispatch_seconds']:.1f} s "
            f"({dispatch['reminders'] / dispatch['dispatch_seconds']:.0f} messages/s) against "
            f"a plain smtplib loop's {dispatch['smtplib_loop_seconds']:.1f} s "
            f"({dispatch['ratio']}×).")
    elif dispatch:
        lines.append(f"- Reminder dispatch benchmark failed: {dispatch['error']}")
    return lines


def explain_lines(explain):
    lines = []
    for name, found in explain.items():
        flagged = ", ".join(found["large_seq_scans"]) or "none"
        lines.append(f"- **{name}** ({found['queries']} queries): "
                     + "; ".join(found["scans"]) + f". Sequential scans of large tables: "
                     f"{flagged}.")
    return lines


def render(numbers):
    parts = [f"Run of {numbers['started']} on {numbers['machine']}; "
             f"{numbers['method']}.", "", page_table(numbers["pages"], numbers["floors"],
                                                      numbers["floor"]), ""]
    parts += extras_lines(numbers)
    if numbers.get("explain"):
        parts += ["", "EXPLAIN of every query each page sends (bench data, PostgreSQL):", ""]
        parts += explain_lines(numbers["explain"])
    return "\n".join(parts) + "\n"


def write(numbers):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(numbers, indent=2, default=str) + "\n")
    table = render(numbers)
    (RESULTS / "latest.md").write_text("# Latest load benchmark\n\n" + table)
    if README.exists():
        text = README.read_text()
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
        if pattern.search(text):
            README.write_text(pattern.sub(lambda _: f"{START}\n{table}{END}", text))
    return table
