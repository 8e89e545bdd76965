"""Lighthouse benchmark: how Stride's article page scores in Google Lighthouse, and why.

What is measured
    One page of the demo clinic (by default the condition article
    ``/conditions/posterior-ankle-impingement/``), served by Django under granian
    (``stride.wsgi``, one worker) with the demo database (SQLite), the clock pinned so the page
    is the same on every run, and ``SITE_URL`` set to the address it is served from (so canonical
    and social links point at the page Lighthouse loads). Lighthouse (the npm package pinned in
    ``package.json``) loads it in Debian's headless Chromium with its default settings: a mobile
    phone (Moto G Power screen), simulated slow 4G and a 4x slower CPU.

How to read the output
    - **Scores** (0-100) for the four categories. Performance is a weighted mix of the metrics
      below, each scored against what real websites achieve; the other three are the share of
      their (weighted) audits that pass, so anything under 100 means at least one audit fails.
    - **Metrics**: First Contentful Paint (first text or image), Largest Contentful Paint (the
      biggest element in view), Total Blocking Time (main thread busy > 50 ms after FCP), Cumulative
      Layout Shift (how much the page jumps while loading) and Speed Index (how quickly the view
      fills in). Times are *simulated* for the phone above, not what this machine measured, so they
      are comparable between machines; the performance score can still move a few points from
      one run to the next (use ``--runs 5``: the run with the median score is reported).
    - **Failed audits**: each audit of accessibility, best practices and SEO that does not pass,
      with its id, title and up to a few offending elements or resources. Performance
      diagnostics scoring under 90 are listed too, as hints when the score is low.
    - **Requirements**: accessibility, best practices and SEO must be 100 and performance at
      least 95; each line says PASS or FAIL. With ``--check`` the exit code is 1 if any fails.

Everything runs on 127.0.0.1, from a temporary directory removed at the end (also on Ctrl-C
or an error): database, collected static files, server log, Chromium's profile and the report.
Lighthouse's error reporting (Sentry) is switched off and Chromium's background networking,
component updates and sync are disabled; the page itself only loads from 127.0.0.1. Nothing in
the project tree is written except ``node_modules`` (and npm's ``package-lock.json``) here,
installed with npm on the first run; no browser is ever downloaded (``CHROME_PATH`` points at
Debian's Chromium and install scripts are not run).

The patient pages (``--patient-pages``)
    The article above, the booking page of a service (``/book/follow-up/``) and the symptom
    check's results page, reached by a script (``flow.mjs``, a Lighthouse user flow driving
    the same Chromium through puppeteer-core): the questionnaire is answered as a dancer with
    posterior ankle impingement would, and Lighthouse measures the load of the results page
    that the last answer posts to. The booking and results pages are ``noindex``, so SEO is
    reported for them but not required.

Run it with
``uv run python bench/lighthouse/run.py [--url-path PATH | --patient-pages] [--runs N] [--check]
[--keep-server]``; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for bench/common.py
from common import (
    HOST,
    BenchError,
    demo_env,
    free_port,
    granian_command,
    http_status,
    prepare_demo,
    require_tool,
    run_in_temp_dir,
    server,
    spawn,
    stop,
    tail,
    wait_until_ok,
)

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
DEFAULT_URL_PATH = "/conditions/posterior-ankle-impingement/"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CATEGORY_NAMES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
REQUIRED_SCORES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Pages that tell search engines to keep away (noindex): SEO is shown but not required.
NOINDEX_REQUIRED = {k: v for k, v in REQUIRED_SCORES.items() if k != "seo"}
FLOW = HERE / "flow.mjs"
# The symptom check as the flow answers it: a dancer with posterior ankle impingement.
FLOW_PLAN = """
import json, sys
import django
django.setup()
from stride.assessment.tests.test_questionnaire import DANCER
from stride.knowledge import assessment_kb
words = assessment_kb.wording()
places = [f for f, yes in DANCER.items() if f.startswith("loc.") and yes]
answers = {words[f]["question"]: ("yes" if yes else "no")
           for f, yes in DANCER.items() if not f.startswith("loc.") and words[f].get("question")}
json.dump({"region": "ankle", "age": "27", "sex": "female", "places": places,
           "answers": answers}, sys.stdout)
"""
METRICS = {
    "first-contentful-paint": "First Contentful Paint",
    "largest-contentful-paint": "Largest Contentful Paint",
    "total-blocking-time": "Total Blocking Time",
    "cumulative-layout-shift": "Cumulative Layout Shift",
    "speed-index": "Speed Index",
}
LIGHTHOUSE_TIMEOUT_SECONDS = 300.0
NPM_TIMEOUT_SECONDS = 600.0
MAX_RUNS = 20
MAX_DETAIL_ITEMS = 5
ATTEMPTS = 3
# What Lighthouse says when a run failed for reasons of its own and should just be repeated.
RUN_AGAIN = "Please run Lighthouse again"


class LighthouseError(BenchError):
    """Lighthouse failed; ``transient`` if it said to run it again (a trace it could not read)."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Options:
    url_path: str
    runs: int
    check: bool
    keep_server: bool
    patient_pages: bool = False


@dataclass(frozen=True)
class Failure:
    category: str
    audit_id: str
    title: str
    score: float | None
    weight: float
    display_value: str
    details: list[str]


# Setup -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Run Lighthouse on a page of the demo clinic and print its scores."
    )
    parser.add_argument(
        "--url-path",
        default=DEFAULT_URL_PATH,
        help=f"path of the page to audit (default {DEFAULT_URL_PATH})",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="Lighthouse runs; the one with the median performance score is reported (default 1)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with code 1 if a requirement fails"
    )
    parser.add_argument(
        "--patient-pages",
        action="store_true",
        help="the article, the booking page and the symptom check's results (a scripted flow)",
    )
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="leave the demo server running after the report, until Ctrl-C",
    )
    args = parser.parse_args(argv)
    if not args.url_path.startswith("/") or args.url_path.startswith("//"):
        parser.error("--url-path must be a path on the site, starting with a single /")
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be between 1 and {MAX_RUNS}")
    return Options(args.url_path, args.runs, args.check, args.keep_server, args.patient_pages)


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse into ``node_modules`` here if it is not there yet."""
    if os.access(LIGHTHOUSE, os.X_OK):
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm was not found. Install Node.js 20 or later with npm.", file=sys.stderr)
        sys.exit(2)
    print("Installing Lighthouse (npm install in bench/lighthouse)...", flush=True)
    # --ignore-scripts: no dependency needs an install script today, and none may run one (for
    # instance to download a browser) in the future. No Chrome is ever downloaded.
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=NPM_TIMEOUT_SECONDS,
    )
    if done.returncode != 0 or not os.access(LIGHTHOUSE, os.X_OK):
        raise BenchError(
            f"npm install failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )


def stride_env(tmp: Path, port: int) -> dict[str, str]:
    """The environment for Stride's commands and granian: demo mode, data in ``tmp``."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return demo_env(env, tmp, SITE_URL=f"http://{HOST}:{port}")


# Server ------------------------------------------------------------------------------------


# Lighthouse --------------------------------------------------------------------------------


def lighthouse_command(url: str, report: Path) -> list[str]:
    return [
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--no-enable-error-reporting",
    ]


def run_lighthouse(url: str, tmp: Path, number: int) -> dict[str, Any]:
    report = tmp / f"report-{number}.json"
    # Chromium's throw-away profile goes into tmp too (chrome-launcher uses the temp dir).
    chrome_tmp = tmp / "chrome"
    chrome_tmp.mkdir(exist_ok=True)
    env = dict(os.environ, CHROME_PATH=CHROMIUM, TMPDIR=str(chrome_tmp))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    # Its own process group, so Chromium goes too if Lighthouse times out or we are stopped.
    with (tmp / f"lighthouse-{number}.log").open("w+") as out:
        process = spawn(lighthouse_command(url, report), env, HERE, out)
        try:
            returncode = process.wait(timeout=LIGHTHOUSE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"Lighthouse did not finish within {LIGHTHOUSE_TIMEOUT_SECONDS:.0f}s"
            ) from None
        finally:
            stop(process)
        out.seek(0)
        output = out.read()
    if returncode != 0 or not report.exists():
        raise LighthouseError(
            f"Lighthouse failed (exit {returncode}):\n{output.strip()}",
            transient=RUN_AGAIN in output,
        )
    result: dict[str, Any] = json.loads(report.read_text())
    error = result.get("runtimeError")
    if error:
        message = error.get("message", "")
        raise LighthouseError(
            f"Lighthouse could not audit {url}: {error.get('code')}: {message}",
            transient=RUN_AGAIN in message,
        )
    return result


def run_lighthouse_with_retries(url: str, tmp: Path, number: int) -> tuple[dict[str, Any], int]:
    """Run Lighthouse, again (up to ``ATTEMPTS`` in all) while it asks to be run again.

    Now and then (about one run in ten here) Chromium's trace lacks an event Lighthouse needs
    (``NO_NAVSTART``, ``NO_FCP``...) and Lighthouse stops with "Please run Lighthouse again":
    that says nothing about the page, so the run is repeated. Returns the report and the number
    of retries.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run_lighthouse(url, tmp, number), attempt - 1
        except LighthouseError as error:
            if not error.transient or attempt == ATTEMPTS:
                raise
            reason = str(error).strip().splitlines()[-1]
            print(f"  {reason}\n  Retrying ({attempt + 1}/{ATTEMPTS})...", flush=True)
    raise AssertionError("unreachable")


# Report ------------------------------------------------------------------------------------


def score_of(result: Mapping[str, Any], category: str) -> int | None:
    raw = result["categories"].get(category, {}).get("score")
    return None if raw is None else round(raw * 100)


def median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose performance score is the median (the lower middle one for an even count)."""
    ordered = sorted(results, key=lambda r: score_of(r, "performance") or 0)
    return ordered[(len(ordered) - 1) // 2]


def item_summary(item: Mapping[str, Any]) -> str:
    """One line for a row of an audit's details table: the element or resource at fault."""
    node = item.get("node")
    if isinstance(node, Mapping):
        label = node.get("snippet") or node.get("selector") or ""
        explanation = node.get("explanation", "")
        text = f"{label}"
        if explanation:
            text += "  -- " + " ".join(explanation.split())
        return text
    if "type" in item:
        return ""  # a nested table or tree: see Lighthouse's own report for those
    for key in ("url", "source", "description", "label"):
        value = item.get(key)
        if isinstance(value, Mapping):
            value = (
                value.get("snippet") or value.get("url") or value.get("value") or json.dumps(value)
            )
        if value:
            return str(value)
    return json.dumps(item)[:200]


def detail_lines(audit: Mapping[str, Any]) -> list[str]:
    details = audit.get("details") or {}
    items = details.get("items") or []
    summaries = [" ".join(item_summary(item).split())[:240] for item in items]
    summaries = [summary for summary in summaries if summary]
    lines = summaries[:MAX_DETAIL_ITEMS]
    if len(summaries) > MAX_DETAIL_ITEMS:
        lines.append(f"... and {len(summaries) - MAX_DETAIL_ITEMS} more")
    return lines


def failed_audits(result: Mapping[str, Any], category: str) -> list[Failure]:
    """Audits of ``category`` that count towards its score (or are pass/fail) and do not pass."""
    audits = result["audits"]
    failures = []
    for ref in result["categories"].get(category, {}).get("auditRefs", []):
        audit = audits[ref["id"]]
        mode = audit.get("scoreDisplayMode")
        score = audit.get("score")
        if mode in ("notApplicable", "manual", "informative") or score is None or score >= 1:
            continue
        if category == "performance" and (ref.get("group") != "diagnostics" or score >= 0.9):
            continue  # metrics are printed on their own; the rest duplicate diagnostics
        failures.append(
            Failure(
                category=category,
                audit_id=ref["id"],
                title=audit.get("title", ref["id"]),
                score=score,
                weight=ref.get("weight", 0),
                display_value=audit.get("displayValue", ""),
                details=detail_lines(audit),
            )
        )
    return sorted(failures, key=lambda f: (-f.weight, f.audit_id))


def format_report(
    result: Mapping[str, Any],
    all_runs: list[dict[str, Any]],
    retries: int = 0,
    required_scores: Mapping[str, int] = REQUIRED_SCORES,
) -> tuple[str, bool]:
    """The printed report and whether every requirement passes (a category missing from
    ``required_scores`` is shown, not required)."""
    lines = [
        "",
        f"Lighthouse {result.get('lighthouseVersion')} on {result.get('finalDisplayedUrl')}",
        f"{result['configSettings']['formFactor']} form factor, "
        f"{result['configSettings']['throttlingMethod']} throttling, "
        f"{result.get('environment', {}).get('hostUserAgent', '').split(') ')[-1]}, "
        f"{os.cpu_count()} CPUs, benchmark index "
        f"{result.get('environment', {}).get('benchmarkIndex', '?')}",
    ]
    if len(all_runs) > 1:
        scores = [score_of(r, "performance") or 0 for r in all_runs]
        lines.append(
            f"performance over {len(all_runs)} runs: {', '.join(map(str, scores))} "
            f"(median {statistics.median(scores):g}, min {min(scores)}, max {max(scores)}); "
            "the median run is shown"
        )
    if retries:
        lines.append(f"{retries} run(s) repeated because Lighthouse could not read the trace")

    header = f"{'category':<16} {'score':>5} {'required':>9}  result"
    lines += ["", header, "-" * len(header)]
    all_pass = True
    for category in CATEGORIES:
        score = score_of(result, category)
        if category not in required_scores:
            shown = "n/a" if score is None else score
            lines.append(f"{CATEGORY_NAMES[category]:<16} {shown:>5} {'-':>9}  not required")
            continue
        required = required_scores[category]
        ok = score is not None and score >= required
        all_pass &= ok
        relation = ">=" if required < 100 else "="
        lines.append(
            f"{CATEGORY_NAMES[category]:<16} {'n/a' if score is None else score:>5} "
            f"{relation + ' ' + str(required):>9}  {'PASS' if ok else 'FAIL'}"
        )

    header = f"{'metric':<26} {'value':>10} {'score':>5}"
    lines += ["", header, "-" * len(header)]
    for audit_id, name in METRICS.items():
        audit = result["audits"].get(audit_id, {})
        metric_score = audit.get("score")
        shown = "n/a" if metric_score is None else str(round(metric_score * 100))
        lines.append(f"{name:<26} {audit.get('displayValue', 'n/a'):>10} {shown:>5}")

    failures = [f for c in CATEGORIES[1:] for f in failed_audits(result, c)]
    lines += ["", "Failed audits (accessibility, best practices, SEO):"]
    if not failures:
        lines.append("  none")
    for failure in failures:
        weight = "not scored" if failure.weight == 0 else f"weight {failure.weight:g}"
        value = f": {failure.display_value}" if failure.display_value else ""
        lines.append(
            f"  [{CATEGORY_NAMES[failure.category]}] {failure.audit_id} ({weight}) "
            f"{failure.title}{value}"
        )
        lines += [f"      {detail}" for detail in failure.details]

    hints = failed_audits(result, "performance")
    if hints:
        lines += ["", "Performance diagnostics with something to gain (score < 90):"]
        for hint in hints:
            value = f": {hint.display_value}" if hint.display_value else ""
            lines.append(f"  {hint.audit_id} {hint.title}{value}")
            lines += [f"      {detail}" for detail in hint.details]

    warnings = result.get("runWarnings") or []
    if warnings:
        lines += ["", "Lighthouse warnings:"] + [f"  {w}" for w in warnings]
    lines += ["", "ALL REQUIREMENTS PASS" if all_pass else "SOME REQUIREMENTS FAIL"]
    return "\n".join(lines), all_pass


# Main --------------------------------------------------------------------------------------


def wait_for_ctrl_c(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    print(f"\nThe demo server is still running at {url}  (Ctrl-C to stop it)", flush=True)
    try:
        while process.poll() is None:
            time.sleep(0.5)
        print(f"granian exited with code {process.returncode}:\n{tail(log)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopping the demo server.", flush=True)


def run_flow(base: str, env: Mapping[str, str], tmp: Path, number: int) -> dict[str, Any]:
    """The patient pages' flow once: {step name: Lighthouse result}."""
    plan = tmp / "plan.json"
    plan_env = {**env, "DJANGO_SETTINGS_MODULE": "stride.settings"}
    made = subprocess.run([sys.executable, "-c", FLOW_PLAN], env=plan_env, capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    if made.returncode != 0:
        raise BenchError(f"could not write the symptom check's answers:\n{made.stderr}")
    plan.write_text(made.stdout)
    out = tmp / f"flow-{number}.json"
    chrome_tmp = tmp / "chrome"
    chrome_tmp.mkdir(exist_ok=True)
    flow_env = dict(os.environ, CHROME_PATH=CHROMIUM, TMPDIR=str(chrome_tmp))
    with (tmp / f"flow-{number}.log").open("w+") as log:
        process = spawn(["node", str(FLOW), base, str(plan), str(out)], flow_env, HERE, log)
        try:
            returncode = process.wait(timeout=LIGHTHOUSE_TIMEOUT_SECONDS * 3)
        except subprocess.TimeoutExpired:
            raise BenchError("the Lighthouse flow did not finish in time") from None
        finally:
            stop(process)
        log.seek(0)
        output = log.read()
    if returncode != 0 or not out.exists():
        raise LighthouseError(f"the Lighthouse flow failed (exit {returncode}):\n{output}",
                              transient=RUN_AGAIN in output)  # fmt: skip
    found = json.loads(out.read_text())
    print(f"  the symptom check took {found['questions']} answers", flush=True)
    return {step["name"]: step["lhr"] for step in found["steps"]}


def patient_pages(base: str, env: Mapping[str, str], tmp: Path, options: Options) -> bool:
    runs = []
    for number in range(1, options.runs + 1):
        print(f"Running the Lighthouse flow ({number}/{options.runs}) on {base}...", flush=True)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                runs.append(run_flow(base, env, tmp, number))
                break
            except LighthouseError as error:
                if not error.transient or attempt == ATTEMPTS:
                    raise
                print(f"  Lighthouse asked to be run again ({attempt + 1}/{ATTEMPTS})...")
    all_pass = True
    for name in ("article", "booking", "results"):
        results = [run[name] for run in runs]
        required = REQUIRED_SCORES if name == "article" else NOINDEX_REQUIRED
        text, passed = format_report(median_run(results), results, required_scores=required)
        print(f"\n##### {name} page" + text, flush=True)
        all_pass &= passed
    print("\nPATIENT PAGES: " + ("ALL REQUIREMENTS PASS" if all_pass else "SOME FAIL"))
    return all_pass


def benchmark(tmp: Path, options: Options) -> int:
    port = free_port()
    env = stride_env(tmp, port)
    prepare_demo(env)
    base = f"http://{HOST}:{port}"
    url = base + options.url_path
    log = tmp / "granian.log"
    with server(granian_command(port, workers=1), env, log) as process:
        wait_until_ok(f"{base}/healthz", process, log, "granian")
        status = http_status(url)
        if status != 200:
            raise BenchError(f"{url} answered {status}, not 200:\n{tail(log)}")
        if options.patient_pages:
            all_pass = patient_pages(base, env, tmp, options)
            return 1 if options.check and not all_pass else 0
        results = []
        retries = 0
        for number in range(1, options.runs + 1):
            print(f"Running Lighthouse ({number}/{options.runs}) on {url}...", flush=True)
            result, retried = run_lighthouse_with_retries(url, tmp, number)
            results.append(result)
            retries += retried
        text, all_pass = format_report(median_run(results), results, retries)
        print(text, flush=True)
        if options.keep_server:
            wait_for_ctrl_c(url, process, log)
    return 1 if options.check and not all_pass else 0


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    require_tool(CHROMIUM, "chromium")

    def install_and_benchmark(tmp: Path) -> int:
        ensure_lighthouse()
        return benchmark(tmp, options)

    return run_in_temp_dir("stride-lighthouse-", install_and_benchmark)


if __name__ == "__main__":
    sys.exit(main())
