"""The mutation check of the red-flag rules, run on the shipped knowledge and checks.

The mutations and the verdicts are pure (``stride.core.assessment.mutation``); this
module reads the knowledge base and every file of ``stride/knowledge/vignettes``.
``python -m stride.knowledge.mutation`` prints the mutants, the killed, the survivors
and the time, and exits 1 if a survivor is unexplained.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from stride.core.assessment.evaluate import Case
from stride.core.assessment.mutation import (
    Check,
    Suite,
    parse_check,
    run,
    table_checks,
    vignette_checks,
)
from stride.knowledge import ROOT, assessment_kb


def load(folder: Path | None = None) -> Suite:
    """The shipped knowledge base with the checks of every file in ``folder`` (default
    ``stride/knowledge/vignettes``): its ``cases`` (vignettes), ``checks`` (clinical
    expectations) and ``accepted_survivors``."""
    kb = assessment_kb.knowledge_base()
    folder = folder or ROOT / "vignettes"
    cases: list[tuple[str, Case]] = []
    entries: list[tuple[str, Check]] = []
    accepted: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for c in data.get("cases") or ():
            cases.append((path.stem, Case.from_dict(c)))
        for e in data.get("checks") or ():
            entries.append((path.stem, parse_check(path.stem, e, kb.findings)))
        for a in data.get("accepted_survivors") or ():
            accepted[str(a["mutant"])] = str(a["why"]).strip()
    ids = [c.id for _, c in entries]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise ValueError(f"rule checks named twice: {twice}")
    return Suite(kb, vignette_checks(kb, cases), table_checks(kb, entries), accepted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stride.knowledge.mutation",
        description="Mutate every red-flag rule and replay the vignettes and rule checks; "
        "exit 1 if a mutant survives that no other rule covers and the table does not accept.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every kill")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    suite = load()
    loaded = time.perf_counter() - started
    report = run(suite)
    print(f"knowledge {suite.kb.version}: {len(suite.kb.rules)} rules; "
          f"{len(suite.vignettes.checks)} vignettes and {len(suite.table.checks)} rule checks "
          f"(loaded and replayed once in {loaded:.2f} s)")  # fmt: skip
    for line in report.lines(args.verbose):
        print(line)
    return 1 if report.unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
