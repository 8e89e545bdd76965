"""Slot benchmark: 92 days of slots for one service, 10 practitioners, 3,000 bookings.

The product requirement: "Slots for one service over 92 days across 10 practitioners with
3,000 existing bookings: under 20 ms p50 in the core, under 60 ms p50 for GET /api/slots."

1. **Core**: ``stride.core.scheduling.slots()`` alone, pure Python. 10 schedules (Monday to
   Friday 09:00-17:00, lunch 13:00-14:00), a 30-minute service with a 5-minute buffer after,
   a 15-minute step, 3,000 busy ranges spread over the 92 days (seeded, so every run is the
   same), ``now`` fixed. The baseline, in the same run, is the same call with no busy ranges.
2. **API**: ``GET /api/slots`` through Django's test client (the whole request: middleware,
   queries, the core, JSON) on a temporary SQLite database (``STRIDE_ENV=demo``, the clock
   pinned) holding the same rota and 3,000 confirmed diary entries.

Run it with ``uv run python bench/slots.py [--repeats N] [--check]``; see ``bench/README.md``.
With ``--check`` the exit code is 1 when a requirement is not met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for bench/common.py
from common import PROJECT_DIR, BenchError, demo_env, run_in_temp_dir
from page_load import INHERITED_CONFIG

if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))
from stride.core import scheduling

ZONE = "Europe/London"
CLOCK = "2026-06-01T08:00:00+01:00"
FIRST_DAY = dt.date(2026, 6, 1)
DAYS = 92  # local dates, FIRST_DAY included; GET /api/slots allows to - from <= 91
LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)
PRACTITIONERS = 10
BOOKINGS = 3000
SEED = 20260601
DURATION = dt.timedelta(minutes=30)
BUFFER_AFTER = dt.timedelta(minutes=5)
STEP_MINUTES = 15
HORIZON_DAYS = 120  # past LAST_DAY, so the horizon does not cut the 92 days short
WORK = (dt.time(9), dt.time(17))
LUNCH = (dt.time(13), dt.time(14))
# Booked starts: 45 minutes apart, so no two occupied ranges (35 minutes) of one person
# overlap (PostgreSQL's exclusion constraint would refuse them), 9 a day.
BOOKED_STARTS = tuple(
    dt.time(h, m)
    for h, m in [(9, 0), (9, 45), (10, 30), (11, 15), (12, 0), (14, 0), (14, 45), (15, 30),
                 (16, 15)]
)  # fmt: skip
SERVICE_SLUG = "bench-assessment"
WARM_UP = 2
MAX_REPEATS = 10_000

CORE_MAX_P50_MS = 20.0
API_MAX_P50_MS = 60.0


@dataclass(frozen=True)
class Options:
    repeats: int
    check: bool


@dataclass(frozen=True)
class Timings:
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]

    @property
    def max(self) -> float:
        return max(self.samples_ms)

    def line(self, name: str) -> str:
        return (
            f"{name:<34} p50 {self.p50:7.2f} ms   p90 {self.p90:7.2f} ms   max {self.max:7.2f} ms"
        )


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Time the slot calculation (core and GET /api/slots) against the "
        "product requirement."
    )
    parser.add_argument("--repeats", type=int, default=30, help="timed calls (default 30)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a requirement fails")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= MAX_REPEATS:
        parser.error(f"--repeats must be between 1 and {MAX_REPEATS}")
    return Options(repeats=args.repeats, check=args.check)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def timed(call: Callable[[], object], repeats: int) -> Timings:
    """Call ``call`` ``WARM_UP`` times untimed, then ``repeats`` times timed."""
    for _ in range(WARM_UP):
        call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timings(samples)


# The workload ------------------------------------------------------------------------------


def practitioner_slugs() -> list[str]:
    return [f"bench-{i:02d}" for i in range(1, PRACTITIONERS + 1)]


def working_days() -> list[dt.date]:
    days = (FIRST_DAY + dt.timedelta(days=i) for i in range(DAYS))
    return [d for d in days if d.weekday() < 5]


def bookings() -> list[tuple[str, dt.datetime]]:
    """3,000 (practitioner, local start) pairs, seeded, none overlapping another."""
    zone = ZoneInfo(ZONE)
    candidates = [
        (slug, dt.datetime.combine(day, start, zone))
        for slug in practitioner_slugs()
        for day in working_days()
        for start in BOOKED_STARTS
    ]
    if len(candidates) < BOOKINGS:
        raise BenchError(f"only {len(candidates)} bookable times for {BOOKINGS} bookings")
    return sorted(random.Random(SEED).sample(candidates, BOOKINGS))


def service_timing() -> scheduling.ServiceTiming:
    return scheduling.ServiceTiming(duration=DURATION, buffer_after=BUFFER_AFTER)


def schedules(with_busy: bool) -> list[scheduling.Schedule]:
    timing = service_timing()
    busy: dict[str, list[scheduling.Interval]] = {slug: [] for slug in practitioner_slugs()}
    if with_busy:
        for slug, start in bookings():
            busy[slug].append(scheduling.occupied(start, timing))
    return [
        scheduling.Schedule(
            practitioner=slug,
            periods=tuple(scheduling.WorkingPeriod(d, *WORK) for d in range(5)),
            breaks=tuple(scheduling.Break(d, *LUNCH) for d in range(5)),
            busy=tuple(busy[slug]),
        )
        for slug in practitioner_slugs()
    ]


# 1. Core -----------------------------------------------------------------------------------


def core(options: Options) -> tuple[list[str], bool]:
    rules = scheduling.Rules(
        zone=ZONE, step=dt.timedelta(minutes=STEP_MINUTES), horizon_days=HORIZON_DAYS
    )
    now = dt.datetime.fromisoformat(CLOCK)
    timing = service_timing()

    def run(people: list[scheduling.Schedule]) -> Callable[[], list[scheduling.Slot]]:
        return lambda: scheduling.slots(
            schedules=people, service=timing, rules=rules, closed_days=frozenset(),
            first_day=FIRST_DAY, last_day=LAST_DAY, now=now,
        )  # fmt: skip

    busy, free = schedules(with_busy=True), schedules(with_busy=False)
    count = len(run(busy)())
    baseline_count = len(run(free)())
    result = timed(run(busy), options.repeats)
    baseline = timed(run(free), options.repeats)
    ok = result.p50 < CORE_MAX_P50_MS
    lines = [
        f"1. Core: stride.core.scheduling.slots(), {FIRST_DAY} to {LAST_DAY} ({DAYS} days), "
        f"{PRACTITIONERS} practitioners, {BOOKINGS} busy ranges, {options.repeats} repeats",
        result.line(f"with {BOOKINGS} busy ({count} slots)"),
        baseline.line(f"baseline, no busy ({baseline_count} slots)"),
        f"ratio p50 / baseline p50: {result.p50 / baseline.p50:.2f}",
        f"requirement: core p50 < {CORE_MAX_P50_MS:.0f} ms: {verdict(ok)}",
    ]
    return lines, ok


# 2. API ------------------------------------------------------------------------------------


def django_setup(tmp: Path, **extra: str) -> None:
    """Demo mode in ``tmp``, the clock pinned, Stride's variables from the shell dropped
    (then ``extra``, such as a ``DATABASE_URL``)."""
    for name in [n for n in os.environ if INHERITED_CONFIG.match(n)]:
        del os.environ[name]
    os.environ.update(demo_env({}, tmp, STRIDE_CLOCK=CLOCK, **extra))
    os.environ["DJANGO_SETTINGS_MODULE"] = "stride.settings"
    (tmp / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def load_data() -> int:
    """The rota, the service and the 3,000 bookings; returns the number of diary entries."""
    from django.core.management import call_command
    from django.db import transaction

    from stride.booking.models import (
        BookingRules,
        DiaryEntry,
        Service,
        WorkingBreak,
        WorkingPeriod,
    )
    from stride.site.models import Practitioner

    call_command("migrate", verbosity=0)
    timing = service_timing()
    with transaction.atomic():
        BookingRules.objects.update_or_create(
            pk=1, defaults={"horizon_days": HORIZON_DAYS, "slot_step_minutes": STEP_MINUTES}
        )
        people = {
            slug: Practitioner.objects.create(
                name=f"Bench Practitioner {slug[-2:]}",
                slug=slug,
                role="Podiatrist",
                bio="Benchmark.",
                practising_since=2015,
            )
            for slug in practitioner_slugs()
        }
        service = Service.objects.create(
            name="Bench assessment", slug=SERVICE_SLUG, duration_minutes=30, price_pence=6500,
            buffer_after_minutes=5, bookable_online=True, is_active=True,
        )  # fmt: skip
        service.practitioners.set(people.values())
        for person in people.values():
            for day in range(5):
                WorkingPeriod.objects.create(
                    practitioner=person, weekday=day, start=WORK[0], end=WORK[1]
                )
                WorkingBreak.objects.create(
                    practitioner=person, weekday=day, start=LUNCH[0], end=LUNCH[1]
                )
        entries = []
        for slug, start in bookings():
            occupied_start, occupied_end = scheduling.occupied(start, timing)
            entries.append(
                DiaryEntry(
                    kind=DiaryEntry.Kind.APPOINTMENT,
                    practitioner=people[slug],
                    service=service,
                    start=start,
                    end=start + DURATION,
                    occupied_start=occupied_start,
                    occupied_end=occupied_end,
                    status=DiaryEntry.Status.CONFIRMED,
                    channel=DiaryEntry.Channel.PHONE,
                )
            )
        DiaryEntry.objects.bulk_create(entries, batch_size=500)
    return DiaryEntry.objects.filter(service=service, status=DiaryEntry.Status.CONFIRMED).count()


def breakdown(options: Options) -> tuple[Timings, Timings]:
    """The two parts of the request that do the work, timed apart: reading the inputs from
    the database, and the core on those inputs."""
    from stride.booking import availability, selectors
    from stride.booking.models import Service

    service = Service.objects.get(slug=SERVICE_SLUG)

    def read() -> availability.Inputs:
        return selectors.availability_inputs(
            service=service, first_day=FIRST_DAY, last_day=LAST_DAY
        )

    inputs = read()

    def compute() -> list[scheduling.Slot]:
        return scheduling.slots(
            schedules=inputs.schedules, service=inputs.service, rules=inputs.rules,
            closed_days=inputs.closed_days, closures=inputs.closures,
            first_day=FIRST_DAY, last_day=LAST_DAY, now=inputs.now,
        )  # fmt: skip

    return timed(read, options.repeats), timed(compute, options.repeats)


def api(tmp: Path, options: Options) -> tuple[list[str], bool]:
    print("Preparing a temporary SQLite database for GET /api/slots...", flush=True)
    django_setup(tmp)
    entries = load_data()
    from django.test import Client

    client = Client()
    query = {"service": SERVICE_SLUG, "from": FIRST_DAY.isoformat(), "to": LAST_DAY.isoformat()}
    found: dict[str, Any] = {}

    def get() -> None:
        response = client.get("/api/slots", query)
        if response.status_code != 200:
            raise BenchError(
                f"GET /api/slots answered {response.status_code}: {response.content!r}"
            )
        found["count"] = len(response.json()["slots"])

    result = timed(get, options.repeats)
    ok = result.p50 < API_MAX_P50_MS
    inputs, core_part = breakdown(options)
    lines = [
        f"2. API: GET /api/slots?service={SERVICE_SLUG}&from={FIRST_DAY}&to={LAST_DAY} "
        f"(Django test client, SQLite, {entries} confirmed diary entries), "
        f"{options.repeats} repeats",
        result.line(f"GET /api/slots ({found['count']} slots)"),
        "  where the time goes (p50 of each part, timed on its own):",
        inputs.line("  availability_inputs() (queries)"),
        core_part.line("  scheduling.slots() on them"),
        f"  rest (request, slots to JSON): ~{result.p50 - inputs.p50 - core_part.p50:.2f} ms",
        f"requirement: GET /api/slots p50 < {API_MAX_P50_MS:.0f} ms: {verdict(ok)}",
    ]
    return lines, ok


# Main --------------------------------------------------------------------------------------


def benchmark(tmp: Path, options: Options) -> int:
    print(f"Timing the core ({options.repeats} repeats after {WARM_UP} warm-up calls)...")
    core_lines, core_ok = core(options)
    api_lines, api_ok = api(tmp, options)
    print("", *core_lines, "", *api_lines, sep="\n")
    all_ok = core_ok and api_ok
    print(f"\nrequirement met: {verdict(all_ok)}")
    return 1 if options.check and not all_ok else 0


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    return run_in_temp_dir("stride-bench-slots-", lambda tmp: benchmark(tmp, options))


if __name__ == "__main__":
    sys.exit(main())
