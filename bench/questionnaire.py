"""Symptom check benchmark: server time per step, and each step's compressed size.

The product requirement: "Each step's HTML + CSS under 20 KB compressed (htmx loaded once
and cached) and answers in under 15 ms p50 on the server."

Every vignette in ``stride/knowledge/vignettes/`` is played through the pages as a person
would, with Django's test client (the whole request: middleware, the signed state, the
engine, the template) on a temporary SQLite database holding the demo clinic, the clock
pinned: the first screen (age, sex and the region of the case's first place), "where
exactly" (the case's places), then each question answered from the case ("Not sure" when
the case is silent), reading each red-flag page, until the results. Every post is timed
on its own with ``time.perf_counter``; the figures are grouped by the page it produced.

The baseline, timed in the same run and interleaved with the steps, is ``GET
/assessment/``: the first screen, a plain template render with no engine call. The ratio
shows what the engine and the signed state add.

Run it with ``uv run python bench/questionnaire.py [--passes N] [--check]``; see
``bench/README.md``. With ``--check`` the exit code is 1 when a requirement is not met.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import time
from collections import defaultdict
from html import unescape
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for bench/common.py
from common import PROJECT_DIR, run_in_temp_dir
from slots import django_setup

MAX_P50_MS = 15.0
MAX_STEP_BYTES = 20 * 1024
VIGNETTES = sorted((PROJECT_DIR / "stride" / "knowledge" / "vignettes").glob("*.yaml"))
CSS = PROJECT_DIR / "stride" / "static" / "stride" / "site.css"
STATE = re.compile(r'name="state" value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the symptom check's pages.")
    parser.add_argument("--passes", type=int, default=2, help="plays of every vignette")
    parser.add_argument("--check", action="store_true", help="exit 1 if a requirement fails")
    args = parser.parse_args(argv)
    if not 1 <= args.passes <= 100:
        parser.error("--passes must be between 1 and 100")
    return args


def cases() -> list[dict[str, Any]]:
    """Every vignette old enough for the questionnaire (it sends younger children to a GP,
    health visitor or NHS 111 from its first page)."""
    from stride.assessment.views import MIN_AGE

    out: list[dict[str, Any]] = []
    for path in VIGNETTES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.extend(data["cases"] if isinstance(data, dict) else data)
    return [c for c in out if int(c["age"]) >= MIN_AGE]


def kind_of(html: str) -> str:
    if "Your results" in html:
        return "results"
    if 'value="continue"' in html:
        return "red-flag advice"
    if "where exactly" in html:
        return "where exactly"
    return "question"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def summary_line(name: str, samples: list[float], baseline: float) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (f"{name:<22} n={len(ordered):5d}  p50 {p50:6.2f} ms  p90 {p90:6.2f} ms  "
            f"max {ordered[-1]:6.2f} ms  ({p50 / baseline:4.1f}x baseline)")  # fmt: skip


def benchmark(tmp: Path, args: argparse.Namespace) -> int:
    print("Preparing a temporary SQLite database with the demo clinic...", flush=True)
    django_setup(tmp)
    from django.core.management import call_command
    from django.test import Client

    from stride.assessment import questionnaire
    from stride.knowledge import regions

    call_command("migrate", verbosity=0)
    call_command("demo_load", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    places_of = {f: r.slug for r in regions() for f in r.findings}
    client = Client()
    timings: dict[str, list[float]] = defaultdict(list)
    baseline: list[float] = []
    sizes: dict[str, int] = {}
    css = gz(CSS.read_bytes())

    def post(url: str, data: dict[str, Any]) -> str:
        started = time.perf_counter()
        response = client.post(url, data)
        took = (time.perf_counter() - started) * 1000
        html = response.content.decode()
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        kind = kind_of(html)
        timings[kind].append(took)
        sizes[kind] = max(sizes.get(kind, 0), gz(response.content))
        started = time.perf_counter()
        client.get("/assessment/")
        baseline.append((time.perf_counter() - started) * 1000)
        return html

    played = 0
    for _ in range(args.passes):
        for case in cases():
            answers = case.get("answers") or {}
            places = [f for f, v in answers.items() if f.startswith("loc.") and v is True]
            region = places_of.get(places[0], "foot") if places else "foot"
            html = post("/assessment/", {"age": case["age"], "sex": case.get("sex") or
                                         "unspecified", "region": region})  # fmt: skip
            state = unescape(STATE.search(html).group(1))  # type: ignore[union-attr]
            html = post("/assessment/step", {"state": state, "action": "places",
                                             "place": [p for p in places
                                                       if places_of.get(p) == region]})  # fmt: skip
            for _ in range(60):
                if kind_of(html) == "results":
                    break
                state = unescape(STATE.search(html).group(1))  # type: ignore[union-attr]
                if kind_of(html) == "red-flag advice":
                    html = post("/assessment/step", {"state": state, "action": "continue"})
                    continue
                finding = questionnaire.loads(state).question
                value = answers.get(finding)
                choice = "not_sure" if value is None else ("yes" if value else "no")
                html = post("/assessment/step", {"state": state, "answer": choice})
            played += 1

    base = statistics.median(baseline)
    steps = [t for kind, ts in timings.items() if kind != "where exactly" for t in ts]
    overall = statistics.median(steps)
    print(f"\n{played} plays of {len(cases())} vignettes, {sum(map(len, timings.values()))} "
          "posts, each timed on its own (Django test client, SQLite, demo clinic)")  # fmt: skip
    print(f"{'baseline GET /assessment/':<22} n={len(baseline):5d}  p50 {base:6.2f} ms")
    for kind in ("where exactly", "question", "red-flag advice", "results"):
        if timings[kind]:
            print(summary_line(kind, timings[kind], base))
    print(summary_line("every answer", steps, base))
    print(f"\ncompressed size, largest of each page (HTML) + the stylesheet ({css} bytes):")
    too_big = []
    for kind, size in sorted(sizes.items()):
        total = size + css
        too_big += [kind] if total >= MAX_STEP_BYTES else []
        print(f"  {kind:<18} {size:6d} + {css} = {total:6d} bytes")
    fast = overall < MAX_P50_MS
    small = not too_big
    print(f"\nrequirement: answers p50 < {MAX_P50_MS:.0f} ms: {'PASS' if fast else 'FAIL'} "
          f"({overall:.2f} ms)")  # fmt: skip
    print(f"requirement: every step's HTML + CSS < {MAX_STEP_BYTES} bytes compressed: "
          f"{'PASS' if small else 'FAIL ' + ', '.join(too_big)}")  # fmt: skip
    return 1 if args.check and not (fast and small) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_temp_dir("stride-bench-questionnaire-", lambda tmp: benchmark(tmp, args))


if __name__ == "__main__":
    sys.exit(main())
