"""``stride assessment evaluate FILE.yaml [FILE.yaml ...] [--json] [--min-top1 0.85 ...]``

Replays vignette files through the engine (see stride/core/assessment/evaluate.py
for the measures) and prints them; ``--json`` prints the summary as JSON (schema in
docs/assessment.md). With thresholds, exits 1 when a measure falls short.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError

from stride.core.assessment.evaluate import Case, Summary, evaluate
from stride.knowledge import assessment_kb

THRESHOLDS = {
    "min_top1": ("top1", ">="),
    "min_top3": ("top3", ">="),
    "min_triage": ("triage_exact", ">="),
    "max_under_triage": ("under_triage", "<="),
    "max_questions_median": ("questions_median", "<="),
    "max_adaptive_under_triage": ("adaptive_under_triage", "<="),
    "min_adaptive_top3": ("adaptive_top3", ">="),
    "min_adaptive_triage": ("adaptive_triage_exact", ">="),
    "max_questions_p90": ("questions_p90", "<="),
}


def load_cases(paths: list[str]) -> list[Case]:
    cases = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            cases += [Case.from_dict(c) for c in data["cases"]]
        except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
            raise CommandError(f"{name}: not a vignette file ({error})") from error
    if not cases:
        raise CommandError("no cases to evaluate")
    return cases


def report(summary: Summary) -> str:
    lines = [
        f"cases                  {summary.cases}",
        "with all answers given:",
        f"  top-1                {summary.top1:.1%}",
        f"  top-3                {summary.top3:.1%}",
        f"  triage exact         {summary.triage_exact:.1%}",
        f"  under-triage         {summary.under_triage}",
        f"  over-triage          {summary.over_triage}",
        "adaptive replay:",
        f"  questions asked      median {summary.questions_median:g}, "
        f"90th percentile {summary.questions_p90:g}",
        f"  top-1                {summary.adaptive_top1:.1%}",
        f"  top-3                {summary.adaptive_top3:.1%}",
        f"  triage exact         {summary.adaptive_triage_exact:.1%}",
        f"  under-triage         {summary.adaptive_under_triage}",
    ]
    if summary.failures:
        lines.append("cases not right first time (all answers given):")
        for f in summary.failures:
            lines.append(
                f"  {f['case']}: expected {f['expected']} ({f['triage_expected']}), "
                f"got {', '.join(f['top'])} ({f['triage']})"
            )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Self-assessment tools. `evaluate FILE.yaml...` replays vignettes and prints measures."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="Replay vignette files through the engine.")
        ev.add_argument("files", nargs="+")
        ev.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        for option, (measure, op) in THRESHOLDS.items():
            ev.add_argument(f"--{option.replace('_', '-')}", type=float, default=None,
                            help=f"fail unless {measure} {op} this")  # fmt: skip

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        cases = load_cases(options["files"])
        summary = evaluate(assessment_kb.knowledge_base(), cases)
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
        else:
            self.stdout.write(report(summary))
        failed = []
        for option, (measure, op) in THRESHOLDS.items():
            limit = options.get(option)
            if limit is None:
                continue
            value = getattr(summary, measure)
            ok = value >= limit if op == ">=" else value <= limit
            if not ok:
                failed.append(f"{measure} {value} is not {op} {limit}")
        if failed:
            raise CommandError("quality below the threshold: " + "; ".join(failed))
