"""Booking race: 200 concurrent attempts to book one slot must make exactly one booking.

The product requirement: "200 concurrent booking attempts on one slot: against two server
processes sharing one PostgreSQL (as a scaled-out deployment runs), and against one process
on SQLite: exactly one booking, no 5xx, p99 under 500 ms."

For each setup the demo clinic is loaded (clock pinned), every server process is asked for
the first slot with ``GET /api/slots`` (as a client does before booking), and 200 threads,
released together by a barrier, each send one ``POST /api/bookings`` for that slot with a
patient of their own (distinct emails), over a fresh connection to 127.0.0.1. Each process
is granian ``--workers 1 --blocking-threads 1``, as ``deploy/systemd/stride.service`` runs
it (``--blocking-threads N`` to try another number):

1. **PostgreSQL, two processes**: a fresh database ``stride_bench_race`` (dropped at the
   end), two granian processes on two ports, the attempts alternating between them.
2. **SQLite, one process**: a database file in the temporary directory, one granian process.

``BOOKING_LIMIT_PER_IP`` is raised so the rate limit does not mask the race; the page
cache is off and emails go to memory. The bookings made are counted in the database.

Run it with ``uv run python bench/booking_race.py [--attempts N] [--only sqlite|postgres]
[--blocking-threads N] [--check]``; see ``bench/README.md``. With ``--check`` the exit code
is 1 on FAIL.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for bench/common.py
from common import (
    HOST,
    BenchError,
    free_port,
    granian_command,
    manage,
    prepare_demo,
    run_in_temp_dir,
    server,
)
from page_load import fetch, stride_env, wait_for_page

PG_ADMIN_URL = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "stride_bench_race"
PG_URL = f"postgres://postgres:postgres@127.0.0.1:5432/{PG_DATABASE}"
SERVICE = "follow-up"
SLOT_DAY = "2026-06-02"  # the day after the pinned clock (common.CLOCK)
BLOCKING_THREADS = 1  # as deploy/systemd/stride.service runs granian
REQUEST_TIMEOUT = 60.0
MAX_ATTEMPTS = 1000
MAX_P99_MS = 500.0
SEQUENTIAL = 10
COUNT_SQL = (
    "SELECT COUNT(*) FROM booking_diaryentry e "
    "JOIN booking_bookingdetails d ON d.entry_id = e.id "
    "WHERE e.status = 'confirmed' AND d.email LIKE 'race-%'"
)


@dataclass(frozen=True)
class Options:
    attempts: int
    only: str | None
    check: bool
    threads: int = BLOCKING_THREADS


@dataclass(frozen=True)
class Attempt:
    status: int  # 0: no HTTP answer (connection error or time-out)
    ms: float
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    name: str
    attempts: list[Attempt]
    booked: int
    alone_ms: list[float]  # the same request (a 409 by then), one at a time, after the race

    @property
    def statuses(self) -> Counter[int]:
        return Counter(a.status for a in self.attempts)

    @property
    def server_errors(self) -> int:
        return sum(1 for a in self.attempts if a.status >= 500 or a.status == 0)

    def percentile(self, share: float) -> float:
        ordered = sorted(a.ms for a in self.attempts)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def ok(self) -> bool:
        return self.booked == 1 and self.server_errors == 0 and self.percentile(0.99) < MAX_P99_MS

    def report(self) -> list[str]:
        histogram = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(self.statuses.items()))
        errors = sorted({a.error for a in self.attempts if a.error})
        return [
            f"{self.name}: {len(self.attempts)} attempts",
            f"  statuses: {histogram}",
            f"  bookings made (in the database): {self.booked}",
            f"  5xx or no answer: {self.server_errors}",
            f"  latency: p50 {statistics.median(a.ms for a in self.attempts):.1f} ms, "
            f"p95 {self.percentile(0.95):.1f} ms, p99 {self.percentile(0.99):.1f} ms, "
            f"max {max(a.ms for a in self.attempts):.1f} ms",
            *(f"  error: {e}" for e in errors[:5]),
            f"  one at a time after the race ({len(self.alone_ms)} more attempts, 409): "
            f"p50 {statistics.median(self.alone_ms):.1f} ms per request",
            f"  requirement: exactly one booking, no 5xx, p99 < {MAX_P99_MS:.0f} ms: "
            f"{'PASS' if self.ok else 'FAIL'}",
        ]


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Race concurrent bookings for one slot, on PostgreSQL and SQLite."
    )
    parser.add_argument("--attempts", type=int, default=200, help="concurrent attempts")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one setup only")
    parser.add_argument("--check", action="store_true", help="exit 1 if a requirement fails")
    parser.add_argument("--blocking-threads", type=int, default=BLOCKING_THREADS,
                        help="granian's blocking threads per process")  # fmt: skip
    args = parser.parse_args(argv)
    if not 2 <= args.attempts <= MAX_ATTEMPTS:
        parser.error(f"--attempts must be between 2 and {MAX_ATTEMPTS}")
    if not 1 <= args.blocking_threads <= 64:
        parser.error("--blocking-threads must be between 1 and 64")
    return Options(attempts=args.attempts, only=args.only, check=args.check,
                   threads=args.blocking_threads)  # fmt: skip


# Databases ---------------------------------------------------------------------------------


@contextmanager
def postgres_database() -> Iterator[None]:
    """A fresh, empty ``PG_DATABASE``; dropped on the way out, whatever happens."""
    name = sql.Identifier(PG_DATABASE)
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise BenchError(f"cannot reach PostgreSQL at {PG_ADMIN_URL}: {error}") from error
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        try:
            yield
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def count_postgres() -> int:
    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://", 1)) as connection:
        row = connection.execute(COUNT_SQL).fetchone()
    return int(row[0]) if row else 0


def count_sqlite(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(COUNT_SQL).fetchone()[0])
    finally:
        connection.close()


# Requests ----------------------------------------------------------------------------------


def pick_slot(port: int) -> dict[str, Any]:
    """The first slot offered for ``SERVICE`` on ``SLOT_DAY``."""
    path = f"/api/slots?service={SERVICE}&from={SLOT_DAY}&to={SLOT_DAY}"
    response = fetch(port, path, "identity")
    if response.status != 200:
        raise BenchError(f"GET {path} answered {response.status}")
    slots: list[dict[str, Any]] = json.loads(response.body)["slots"]
    if not slots:
        raise BenchError(f"GET {path} offered no slot")
    return slots[0]


def post_booking(port: int, body: bytes) -> Attempt:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(
            "POST", "/api/bookings", body=body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        response.read()
        return Attempt(response.status, (time.perf_counter() - started) * 1000)
    except OSError as error:
        return Attempt(0, (time.perf_counter() - started) * 1000, f"{type(error).__name__}")
    finally:
        connection.close()


def booking_body(slot: dict[str, Any], email: str) -> bytes:
    body = {
        "service": SERVICE, "practitioner": slot["practitioner"], "start": slot["start"],
        "patient": {"name": "Race Patient", "email": email, "phone": "07700 900123",
                    "date_of_birth": "1990-12-10"},
        "reason": "Benchmark", "consent": True,
    }  # fmt: skip
    return json.dumps(body).encode()


def race(ports: list[int], slot: dict[str, Any], attempts: int) -> list[Attempt]:
    """``attempts`` threads, released together, each POST one booking for ``slot``."""
    barrier = threading.Barrier(attempts)
    results: list[Attempt | None] = [None] * attempts

    def attempt(i: int) -> None:
        data = booking_body(slot, f"race-{i}@example.com")
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            results[i] = Attempt(0, 0.0, "barrier broken")
            return
        results[i] = post_booking(ports[i % len(ports)], data)

    threads = [threading.Thread(target=attempt, args=(i,), daemon=True) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 35)
    return [r if r is not None else Attempt(0, 0.0, "thread did not finish") for r in results]


# Setups ------------------------------------------------------------------------------------


def run_setup(
    name: str, env: dict[str, str], tmp: Path, processes: int, options: Options
) -> tuple[list[Attempt], list[float]]:
    ports = [free_port() for _ in range(processes)]
    with ExitStack() as stack:
        for i, port in enumerate(ports):
            log = tmp / f"{name}-granian-{i}.log"
            command = granian_command(port, 1, blocking_threads=options.threads)
            process = stack.enter_context(server(command, env, log))
            wait_for_page(port, "/healthz", process, log, f"granian {i + 1} ({name})")
        # Every process is asked for the slots first, as a client does before it books:
        # the race then finds each one past its first request (URL routes, the API's
        # modules), not one warm and the other cold.
        offered = [pick_slot(port) for port in ports]
        slot = offered[0]
        if any(other != slot for other in offered):
            raise BenchError(f"the processes offered different first slots: {offered}")
        print(
            f"Racing {options.attempts} POST /api/bookings for {slot['practitioner']} at "
            f"{slot['start']} on {processes} process(es) ({name})...",
            flush=True,
        )
        results = race(ports, slot, options.attempts)
        alone = [
            post_booking(ports[0], booking_body(slot, f"solo-{i}@example.com")).ms
            for i in range(SEQUENTIAL)
        ]
        return results, alone


def base_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = stride_env(tmp)
    env.update(
        DATABASE_URL=database_url,
        PAGE_CACHE="false",
        BOOKING_LIMIT_PER_IP="100000",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def postgres(tmp: Path, options: Options) -> Outcome:
    with postgres_database():
        env = base_env(tmp, PG_URL)
        prepare_demo(env)
        attempts, alone = run_setup("postgres", env, tmp, 2, options)
        booked = count_postgres()
    return Outcome("PostgreSQL, 2 granian processes", attempts, booked, alone)


def sqlite(tmp: Path, options: Options) -> Outcome:
    path = tmp / "race.sqlite3"
    env = base_env(tmp, f"sqlite:///{path}")
    print("Preparing the SQLite database...", flush=True)
    manage(env, "migrate", "-v0")
    manage(env, "demo_load")
    if not (tmp / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    attempts, alone = run_setup("sqlite", env, tmp, 1, options)
    return Outcome("SQLite, 1 granian process", attempts, count_sqlite(path), alone)


# Main --------------------------------------------------------------------------------------


def benchmark(tmp: Path, options: Options) -> int:
    outcomes = []
    if options.only in (None, "postgres"):
        outcomes.append(postgres(tmp, options))
    if options.only in (None, "sqlite"):
        outcomes.append(sqlite(tmp, options))
    print(f"\ngranian: --workers 1 --blocking-threads {options.threads} per process")
    for outcome in outcomes:
        print("", *outcome.report(), sep="\n")
    all_ok = all(o.ok for o in outcomes)
    print(f"\nrequirement met: {'PASS' if all_ok else 'FAIL'}")
    return 1 if options.check and not all_ok else 0


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    return run_in_temp_dir("stride-bench-race-", lambda tmp: benchmark(tmp, options))


if __name__ == "__main__":
    sys.exit(main())
