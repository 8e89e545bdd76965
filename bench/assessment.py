"""Self-assessment engine benchmark: how long one ``assess()`` call takes.

What is measured
    ``stride.core.assessment.engine.assess`` on the real knowledge base, one full
    assessment per call: scoring, red-flag rules, triage, the ranked list and the choice of
    the next question. The inputs are every vignette in ``stride/knowledge/vignettes/``:

    - **full answers**: each case with all of its answers given;
    - **adaptive steps**: every call of each case's adaptive replay (as
      ``stride.core.assessment.evaluate.replay`` runs it: start from the case's true
      ``loc.*`` answers, answer each next question from the case or put it in ``not_sure``,
      until there is no next question or 30 were asked).

    While a screening question is open (neither answered nor in ``not_sure``) the engine
    returns it as the next question without searching, and the vignettes rarely answer
    every screening question. So one more row, shown apart and not part of the
    requirement, times each case's full answers with its open screening questions in
    ``not_sure``: the full-answer call with the next-question search.

    Each call is timed on its own with ``time.perf_counter_ns``, over ``--repeat`` passes
    after one untimed warm-up pass. In the same passes, interleaved call by call, the
    **scoring only** baseline times the same inputs without the next-question search (the
    engine has no switch for it, so the benchmark runs the engine's own scoring steps:
    ``engine.State`` construction, the answers, ``log_odds``, probabilities and the
    ranking). The ratio of the two medians shows what choosing the next question costs.

    The requirement: the median (p50) ``assess()`` call under 5 ms, over all inputs and
    in the "screening settled" row, where every question set by knowledge (screening,
    pathways, safety nets) is settled, so each call runs the next-question search.

Run it with ``uv run python bench/assessment.py [--repeat N] [--check]``; see
``bench/README.md``. Nothing is written; no Django, database or network is involved.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from stride.core.assessment import engine, questions
from stride.core.assessment.evaluate import MAX_QUESTIONS, Case, percentile, replay
from stride.core.assessment.model import KnowledgeBase
from stride.knowledge import ROOT, assessment_kb

VIGNETTES = ROOT / "vignettes"
REQUIREMENT_P50_MS = 5.0
DEFAULT_REPEAT = 3
NS_PER_MS = 1_000_000
FULL = "full answers"
STEPS = "adaptive steps"
SETTLED = "full answers, screening settled"  # and every pathway and safety net
KINDS = (FULL, STEPS, SETTLED)
MEASURED = (FULL, STEPS)  # the calls the requirement is about


@dataclass(frozen=True)
class Call:
    """The arguments of one ``assess()`` call."""

    kind: str  # one of KINDS
    age: int
    sex: str
    answers: Mapping[str, bool]
    not_sure: tuple[str, ...]


def load_cases(folder: Path) -> list[tuple[str, list[Case]]]:
    files = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            files.append((path.name, [Case.from_dict(c) for c in yaml.safe_load(fh)["cases"]]))
    return files


def adaptive_calls(kb: KnowledgeBase, case: Case) -> list[Call]:
    """Every ``assess()`` call of the case's adaptive replay, in order.

    The same loop as ``evaluate.replay``; the result is checked against it."""
    answers = {f: True for f, v in case.answers.items() if f.startswith("loc.") and v is True}
    not_sure: list[str] = []
    asked: list[str] = []
    calls: list[Call] = []
    while True:
        calls.append(Call(STEPS, case.age, case.sex, dict(answers), tuple(not_sure)))
        result = engine.assess(kb, age=case.age, sex=case.sex, answers=answers, not_sure=not_sure)
        if result.next_question is None or len(asked) >= MAX_QUESTIONS:
            break
        finding = result.next_question
        asked.append(finding)
        if finding in case.answers:
            answers[finding] = bool(case.answers[finding])
        else:
            not_sure.append(finding)
    if tuple(asked) != replay(kb, case)[1]:
        raise SystemExit(f"{case.id}: the benchmark's replay differs from evaluate.replay")
    return calls


def run_assess(kb: KnowledgeBase, call: Call) -> object:
    return engine.assess(
        kb, age=call.age, sex=call.sex, answers=call.answers, not_sure=call.not_sure
    )


def run_scoring(kb: KnowledgeBase, call: Call) -> object:
    """What ``assess()`` does to rank the conditions, without triage or the next question."""
    comp = engine.compile_kb(kb)
    state = engine.State(kb, comp, call.age, call.sex)
    for finding in sorted(call.answers):
        state.answer(finding, call.answers[finding])
    probs = [engine._sigmoid(x) for x in state.log_odds()]
    return engine._order(probs, comp.slugs)


def timed(fn: Callable[[KnowledgeBase, Call], object], kb: KnowledgeBase, call: Call) -> int:
    start = time.perf_counter_ns()
    fn(kb, call)
    return time.perf_counter_ns() - start


def measure(
    kb: KnowledgeBase, calls: Sequence[Call], repeat: int
) -> tuple[dict[str, list[int]], list[int]]:
    """Per kind of call, ``assess()`` times; and the scoring-only times of every call (ns)."""
    for call in calls:  # warm-up: compiled tables, caches, the interpreter's own
        run_assess(kb, call)
        run_scoring(kb, call)
    full: dict[str, list[int]] = {kind: [] for kind in KINDS}
    scoring: list[int] = []
    for _ in range(repeat):
        for call in calls:
            full[call.kind].append(timed(run_assess, kb, call))
            if call.kind in MEASURED:
                scoring.append(timed(run_scoring, kb, call))
    return full, scoring


def scripted(kb: KnowledgeBase, age: int, sex: str, answers: Mapping[str, bool],
             not_sure: Sequence[str]) -> str | None:  # fmt: skip
    """The question knowledge sets next (safety nets, screening, pathways), or None."""
    comp = engine.compile_kb(kb)
    state = engine.State(kb, comp, age, sex)
    for finding in sorted(answers):
        state.answer(finding, answers[finding])
    probs = [engine.sigmoid(x) for x in state.log_odds()]
    return questions.scripted_question(kb, comp, probs, age, answers, set(not_sure))


def searches(kb: KnowledgeBase, call: Call) -> bool:
    """Whether ``assess()`` searches for the next question (no scripted question is open)."""
    return scripted(kb, call.age, call.sex, call.answers, call.not_sure) is None


def settled(kb: KnowledgeBase, case: Case) -> tuple[str, ...]:
    """The case's scripted questions it does not answer, all put in ``not_sure``."""
    unsure: list[str] = []
    while (q := scripted(kb, case.age, case.sex, case.answers, unsure)) is not None:
        unsure.append(q)
    return tuple(unsure)


def row(label: str, values: list[int], width: int) -> str:
    figures = [percentile(values, q) / NS_PER_MS for q in (50, 90, 99)]
    figures.append(max(values, default=0) / NS_PER_MS)
    return f"{label:<{width}}{len(values):>7}" + "".join(f"{v:>9.3f}" for v in figures)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"timed passes over every input (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with code 1 when the requirement is not met"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    kb = assessment_kb.knowledge_base()
    files = load_cases(VIGNETTES)
    if not files:
        raise SystemExit(f"no vignettes in {VIGNETTES}")
    cases = [c for _, file_cases in files for c in file_cases]
    calls = [Call(FULL, c.age, c.sex, dict(c.answers), ()) for c in cases]
    for case in cases:
        calls.extend(adaptive_calls(kb, case))
    for case in cases:
        calls.append(Call(SETTLED, case.age, case.sex, dict(case.answers), settled(kb, case)))
    counts = {k: sum(1 for c in calls if c.kind == k) for k in KINDS}
    searching = {k: sum(1 for c in calls if c.kind == k and searches(kb, c)) for k in KINDS}

    print(
        f"python {platform.python_version()} ({platform.python_implementation()}, "
        f"{platform.python_compiler()}) on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"knowledge {kb.version}: {len(kb.conditions)} conditions, {len(kb.findings)} findings, "
        f"{len(kb.rules)} rules; vignettes: " + ", ".join(f"{name} ({len(c)})" for name, c in files)
    )
    print(
        f"inputs per pass: {counts[FULL]} full-answer calls + {counts[STEPS]} adaptive steps "
        f"= {counts[FULL] + counts[STEPS]}, and {counts[SETTLED]} with screening settled; "
        f"{args.repeat} timed passes after 1 warm-up"
    )
    print(
        "next-question search run (no open screening question): "
        + ", ".join(f"{searching[k]} of {counts[k]} {k}" for k in KINDS)
    )
    print()

    timings, scoring = measure(kb, calls, args.repeat)
    every = [t for kind in MEASURED for t in timings[kind]]
    width = 44
    print(f"{'':<{width}}{'count':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print("-" * (width + 43))
    for kind in MEASURED:
        print(row(f"assess(), {kind}", timings[kind], width))
    print(row("assess(), all", every, width))
    print(row("scoring only (baseline), all", scoring, width))
    print(row(f"assess(), {SETTLED}", timings[SETTLED], width))
    print()

    p50 = percentile(every, 50) / NS_PER_MS
    base = percentile(scoring, 50) / NS_PER_MS
    print(f"assess() / scoring only, p50 over all: {p50 / base:.1f}x ({p50:.3f} / {base:.3f} ms)")
    searched = percentile(timings[SETTLED], 50) / NS_PER_MS
    print(f"assess() with the next-question search ({SETTLED}) / scoring only, p50: "
          f"{searched / base:.1f}x ({searched:.3f} / {base:.3f} ms)")  # fmt: skip
    ok = p50 < REQUIREMENT_P50_MS and searched < REQUIREMENT_P50_MS
    print(f"requirement: p50 < {REQUIREMENT_P50_MS:g} ms over all calls ({p50:.3f} ms) and with "
          f"the search ({searched:.3f} ms): {'PASS' if ok else 'FAIL'}")  # fmt: skip
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
