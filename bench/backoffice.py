"""Back-office benchmark: every back-office page's server time, with years of bookings.

The product requirements: "every back-office page under 300 ms server time at p95 with 10
practitioners and a year of bookings"; "with ten practitioners and three years of
history, the day and week grids answer under 150 ms at p95 and the patient search under
100 ms at p95 on both databases".

A temporary database, SQLite or PostgreSQL (``--database``; ``STRIDE_ENV=demo``, the clock
pinned as ``bench/slots.py`` pins it, 2026-06-01 08:00 BST), gets 10 practitioners working
Monday to Friday 09:00-17:00 with lunch 13:00-14:00, two services, and about 10
appointments a day each for ``--years`` years up to 2026-06-30 (``backoffice_data.py``:
seeded; past ones mostly attended, some no-shows and cancellations, future ones
confirmed; booked online, by phone or by staff; 3,000 patients a year with names as a
clinic's list has them), a week off twice a year each, a closure over Christmas, the
symptom check's daily counts, a waitlist and audit events.

Then, signed in as a clinic admin with a verified second factor, Django's test client
(the whole request: middleware, session, queries, template) gets each page ``--repeats``
times after 2 warm-up requests, in rounds (each round gets every page once and the
baseline ``GET /healthz`` once), and prints p50, p95 and max per page, its bar and p50
against the baseline's. The pages: the diary's day (everyone; one practitioner) and week
(one practitioner), the patient search of booking for a caller (a name with one typo; a
date of birth), the patients, waitlist and audit pages, and the reports (all of them for
12 and 52 weeks, each on its own, a year as CSV).

Run it with ``uv run python bench/backoffice.py [--repeats N] [--years 1-3]
[--database sqlite|postgres] [--check]``; see ``bench/README.md``. With ``--check`` the
exit code is 1 when a page's p95 is over its bar.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for bench/common.py
from backoffice_data import SEARCHED, load_data, signed_in_admin
from common import BenchError, run_in_temp_dir
from slots import django_setup

MAX_P95_MS = 300.0
# The diary's grids and the front desk's patient search have their own, tighter bars.
TIGHT = {"grid": 150.0, "search": 100.0}
POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/stride_bench"
WARM_UP = 2
NAMED_PAGES = ("office:diary_week", "office:patients", "office:waitlist", "office:audit")
YEAR = {"from": "2025-06-09", "to": "2026-06-07"}  # 52 weeks to the end of this week


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time every back-office page.")
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per page")
    parser.add_argument("--check", action="store_true", help="exit 1 if a p95 is over its bar")
    parser.add_argument("--years", type=int, default=1, help="years of history (1 to 3)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES,
                        help="an empty database the run may drop and make again")  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.years <= 3:
        parser.error("--years must be 1, 2 or 3")
    if not 1 <= args.repeats <= 1000:
        parser.error("--repeats must be between 1 and 1000")
    return args


# Timing ------------------------------------------------------------------------------------


def pages() -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, query) of every page to time."""
    from django.urls import NoReverseMatch, reverse

    day = reverse("office:diary_day")
    found = [("office:diary_day (today, everyone)", day, {}),
             ("grid: day, one practitioner", day, {"practitioner": "bench-01"}),
             ("grid: week, one practitioner", reverse("office:diary_week"),
              {"practitioner": "bench-01"}),
             ("search: a name with one typo", reverse("office:booking_new"),
              {"find": "1", "name": SEARCHED}),
             ("search: a date of birth", reverse("office:booking_new"),
              {"find": "1", "date_of_birth-day": "6", "date_of_birth-month": "3",
               "date_of_birth-year": "1950"})]  # fmt: skip
    for name in NAMED_PAGES:
        try:
            found.append((name, reverse(name), {}))
        except NoReverseMatch:
            print(f"  {name}: no such page yet, left out")
    try:
        reports = reverse("office:reports")
    except NoReverseMatch:
        print("  office:reports: no such page yet, left out")
        return found
    found.append(("office:reports (12 weeks)", reports, {}))
    found.append(("office:reports (52 weeks)", reports, YEAR))
    from stride.office.report_views import REPORTS

    for slug in REPORTS:
        found.append((f"office:report {slug} (52 weeks)", reverse("office:report", args=[slug]),
                      YEAR))  # fmt: skip
    found.append(("office:report_csv bookings (52 wk)",
                  reverse("office:report_csv", args=["bookings"]), YEAR))  # fmt: skip
    return found


def percentile95(samples: list[float]) -> float:
    """Nearest rank: the smallest sample at or above 95% of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def bar(name: str) -> float:
    return next((ms for kind, ms in TIGHT.items() if name.startswith(kind + ":")), MAX_P95_MS)


def fresh_postgres(url: str) -> None:
    """Drop and make the benchmark's own PostgreSQL database."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def benchmark(tmp: Path, args: argparse.Namespace) -> int:
    where = "PostgreSQL" if args.database == "postgres" else "SQLite"
    print(f"Preparing a {where} database with {args.years} year(s) of bookings...", flush=True)
    extra = {}
    if args.database == "postgres":
        fresh_postgres(args.postgres_url)
        extra["DATABASE_URL"] = args.postgres_url
    django_setup(tmp, **extra)
    started = time.perf_counter()
    made = load_data(args.years)
    print(f"  made {', '.join(f'{n:,} {what}' for what, n in made.items())} "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    client = signed_in_admin()
    targets = [("GET /healthz (baseline)", "/healthz", {}), *pages()]

    def get(path: str, query: dict[str, str]) -> Callable[[], float]:
        def once() -> float:
            began = time.perf_counter()
            response = client.get(path, query)
            took = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise BenchError(f"GET {path} {query} answered {response.status_code}")
            return took

        return once

    calls = [get(path, query) for _, path, query in targets]
    for call in calls:
        for _ in range(WARM_UP):
            call()
    samples: list[list[float]] = [[] for _ in targets]
    for _ in range(args.repeats):
        for i, call in enumerate(calls):
            samples[i].append(call())
    base = statistics.median(samples[0])
    print(f"\nBack-office pages, Django test client, {where}, signed in as a clinic admin; "
          f"{args.repeats} requests each after {WARM_UP} warm-up, in rounds\n")  # fmt: skip
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bar':>6} {'p50/baseline':>13}")
    print("-" * 88)
    slow = []
    for (name, _, _), times in zip(targets, samples, strict=True):
        p50, p95 = statistics.median(times), percentile95(times)
        if p95 >= bar(name) and times is not samples[0]:
            slow.append(name)
        print(f"{name:<40} {p50:8.2f} {p95:8.2f} {max(times):8.2f} {bar(name):6.0f} "
              f"{p50 / base:12.1f}x")  # fmt: skip
    verdict = "PASS" if not slow else "FAIL: " + ", ".join(slow)
    print(
        f"\nrequirement: every page's p95 under its bar (grids {TIGHT['grid']:.0f} ms, "
        f"search {TIGHT['search']:.0f} ms, the rest {MAX_P95_MS:.0f} ms): {verdict}"
    )
    return 1 if args.check and slow else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_temp_dir("stride-bench-backoffice-", lambda tmp: benchmark(tmp, args))


if __name__ == "__main__":
    sys.exit(main())
